"""Sentence-level stance: mentions, cues and the rules that modify them.

A sentence is tokenised once (:func:`prepare`); for each theme its words are
lemmatised and multi-word terms joined into *units*, never across
punctuation. A theme is relevant to a sentence when one of its targets is
mentioned there. The cues of the scoring window (the sentence, optionally
± N sentences and/or only ± N units around a mention) then add up:

* a theme cue counts ``sign * weight`` toward its pole;
* a word of the general polarity lexicon counts ``valence * polarity weight``
  (weaker: general sentiment is not stance);
* a negator before a cue in the same clause flips or cancels it
  (``rules.negation.factor``); it binds to the first polar word after it,
  so "never rejected a peaceful settlement" flips "rejected" only;
* distancing markers ("so-called", "what they call") flip the cue they precede;
* intensifiers and diminishers just before a cue scale it;
* a contrast marker ("but", "however") weights the clause after it up and
  the one before it down;
* a topic marker ("discuss", "asked about") damps the cues after it, since
  naming a subject is not evaluating it.

The sum ``s`` becomes ``tanh(s / scale)`` in [-1, 1] and a label in {-1, 0, 1}.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..text import MweMatcher, is_word, lemma, split_sentences
from .rules import Rules
from .themes import Theme


@dataclass(frozen=True)
class Sentence:
    """A sentence's tokens (punctuation included) as syntok gives them."""

    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    """A word or joined multi-word term of one sentence."""

    key: str  # joined lemmas ("peace_talk")
    surface: str  # the words as written ("peace talks")
    forms: tuple[str, ...]  # lower-cased forms, for the polarity lexicon
    start: int  # token span in Sentence.tokens
    end: int
    boundary: bool  # punctuation right before it


@dataclass
class Scored:
    """One (sentence, theme) judgement."""

    relevant: bool
    stance: float | None = None
    label: int | None = None
    total: float = 0.0
    targets: list[dict] = field(default_factory=list)
    cues: list[dict] = field(default_factory=list)


def prepare(text: str) -> Sentence:
    """Tokenise one sentence (a row of a gold file may hold more than one: keep them together)."""
    tokens = tuple(t for sent in split_sentences(text) for t in sent)
    return Sentence(text, tokens)


_MATCHERS: dict[tuple[str, ...], MweMatcher] = {}


def matcher_for(expressions: tuple[str, ...]) -> MweMatcher:
    if expressions not in _MATCHERS:
        _MATCHERS[expressions] = MweMatcher(list(expressions))
    return _MATCHERS[expressions]


def units_of(sentence: Sentence, matcher: MweMatcher) -> list[Unit]:
    """Words of the sentence with multi-word terms joined, within punctuation-free runs."""
    units: list[Unit] = []
    run: list[int] = []
    boundary = False

    def flush() -> None:
        nonlocal boundary
        if not run:
            return
        keys = matcher.apply([lemma(sentence.tokens[i]) for i in run])
        pos = 0
        for key in keys:
            width = len(key.split(matcher.joiner)) if key not in (lemma(sentence.tokens[run[pos]]),) else 1
            idx = run[pos: pos + width]
            forms = tuple(sentence.tokens[i].lower().replace("\u2019", "'") for i in idx)
            units.append(Unit(key, " ".join(sentence.tokens[i] for i in idx), forms, idx[0], idx[-1] + 1,
                              boundary and pos == 0))
            pos += width
        run.clear()
        boundary = False

    for i, tok in enumerate(sentence.tokens):
        if is_word(tok):
            run.append(i)
        else:
            flush()
            boundary = True
    flush()
    return units


def _near(units: list[Unit], i: int, words: frozenset[str], window: int) -> bool:
    lo, hi = max(0, i - window), min(len(units), i + window + 1)
    for j in range(lo, hi):
        if j != i and (units[j].key in words or any(p in words for p in units[j].key.split("_"))):
            return True
    return False


def mentions(units: list[Unit], theme: Theme) -> list[int]:
    """Positions of the theme's targets, conditional ones only in the context they need.

    None when an ``off_topic`` word puts the sentence in another domain.
    """
    if theme.off_topic and any(u.key in theme.off_topic for u in units):
        return []
    out = []
    for i, u in enumerate(units):
        if u.key not in theme.targets or u.key in theme.exclude:
            continue
        cond = theme.targets[u.key]
        if cond is not None:
            if cond.near and not _near(units, i, cond.near, cond.window):
                continue
            if cond.not_near and _near(units, i, cond.not_near, cond.window):
                continue
        out.append(i)
    return out


def _is_rule_word(key: str, rules: Rules) -> bool:
    return (key in rules.negators or key in rules.distancers or key in rules.scalers or key in rules.contrast
            or key in rules.topic or key in rules.breakers)


def base_value(u: Unit, theme: Theme, rules: Rules, lexicon: dict[str, float], weight: float,
               is_target: bool) -> tuple[float, str | None, str]:
    """A unit's unmodified contribution: (value, pole or None, source)."""
    if u.key in theme.cues:
        pole, v = theme.cues[u.key]
        return v, pole, "cue"
    # A target is what is evaluated, not an evaluation, and rule words are grammar.
    if is_target or weight == 0 or u.key in theme.exclude or _is_rule_word(u.key, rules):
        return 0.0, None, ""
    if u.key in theme.polarity_overrides:
        v = theme.polarity_overrides[u.key]
    elif len(u.forms) == 1 and u.forms[0] in lexicon:
        v = lexicon[u.forms[0]]
    else:
        v = lexicon.get(u.key, 0.0)
    if v == 0:
        return 0.0, None, ""
    return v * weight, None, "lexicon"


def _negator(units: list[Unit], i: int, values: list[float], sources: list[str], rules: Rules,
             depth: int = 0) -> Unit | None:
    """The negator that reaches the polar unit ``i``, if any.

    A negator binds to the first polar word after it in the clause, passing
    through volition and permission words ("not interested in peace", "never
    allow anyone to attack us"). A theme cue right after a negated cue of the
    same pole shares its negation: in "will not attack or invade anyone"
    both verbs are denied.
    """
    for j in range(i - 1, max(-1, i - 1 - rules.negation_scope), -1):
        if units[j + 1].boundary:
            return None
        u = units[j]
        if u.key in rules.negators:
            return u
        if u.key in rules.transparent:
            continue
        if u.key in rules.breakers or u.key in rules.contrast:
            return None
        if values[j]:
            if (depth < 3 and sources[i] == "cue" and sources[j] == "cue" and values[i] * values[j] > 0):
                return _negator(units, j, values, sources, rules, depth + 1)
            return None
    return None


def _modifiers(units: list[Unit], i: int, values: list[float], sources: list[str],
               rules: Rules) -> tuple[float, list[str]]:
    """The product of the rules that apply to the polar unit ``i`` of one sentence."""
    polar = [v != 0 for v in values]
    factor, notes = 1.0, []
    # Intensifiers/diminishers: the words just before, within the clause.
    for j in range(i - 1, max(-1, i - 1 - rules.modifier_scope), -1):
        if units[j + 1].boundary:
            break
        if units[j].key in rules.scalers:
            factor *= rules.scalers[units[j].key]
            notes.append(f"{units[j].surface} x{rules.scalers[units[j].key]:g}")

    def shifted(words: frozenset[str], scope: int) -> Unit | None:
        for j in range(i - 1, max(-1, i - 1 - scope), -1):
            if units[j + 1].boundary:
                return None
            u = units[j]
            if u.key in words:
                return u
            if polar[j] or u.key in rules.breakers or u.key in rules.contrast:
                return None
        return None

    neg = _negator(units, i, values, sources, rules)
    if neg is not None:
        factor *= rules.negation_factor
        notes.append(f"negated by '{neg.surface}'")
    dist = shifted(rules.distancers, rules.distancing_scope)
    if dist is not None:
        factor *= rules.distancing_factor
        notes.append(f"distanced by '{dist.surface}'")
    # A marker opening the sentence contrasts with the previous sentence, which
    # is not being scored, so it weights nothing here.
    before = [j for j in range(1, i) if units[j].key in rules.contrast]
    after = [j for j in range(i + 1, len(units)) if units[j].key in rules.contrast]
    if before:
        factor *= rules.contrast_after
        notes.append(f"after '{units[before[-1]].surface}' x{rules.contrast_after:g}")
    elif after:
        factor *= rules.contrast_before
        notes.append(f"before '{units[after[0]].surface}' x{rules.contrast_before:g}")
    # Scare quotes are the speaker's own judgement even inside a reported topic.
    if dist is None:
        start = before[-1] + 1 if before else 0
        topic = next((j for j in range(start, i) if units[j].key in rules.topic), None)
        # "never discussed plans to ..." denies the topic rather than naming it.
        if topic is not None and not any(units[k].key in rules.negators for k in range(max(0, topic - 2), topic)):
            factor *= rules.topic_factor
            notes.append(f"topic of '{units[topic].surface}' x{rules.topic_factor:g}")
    return factor, notes


def label_of(stance: float, negative: float, positive: float) -> int:
    if stance >= positive and stance > 0:
        return 1
    if stance <= negative and stance < 0:
        return -1
    return 0


def score_window(window: list[Sentence], focus: int, theme: Theme, rules: Rules, cfg: dict,
                 lexicon: dict[str, float]) -> Scored:
    """Score ``window[focus]`` for ``theme``, counting cues from the whole window.

    Parameters
    ----------
    window
        The mention's sentence and its neighbours (``stance.window.sentences``).
    focus
        Index of the sentence being scored in ``window``.
    cfg
        The validated ``stance`` group.
    lexicon
        From :func:`rules.polarity_lexicon`.
    """
    matcher = matcher_for(tuple(sorted(set(theme.expressions) | set(rules.expressions))))
    per_sentence = [units_of(s, matcher) for s in window]
    focal = per_sentence[focus]
    hits = mentions(focal, theme)
    if not hits:
        return Scored(relevant=False)
    weight = cfg["polarity"]["weight"] if theme.polarity_weight is None else theme.polarity_weight
    max_dist = cfg["window"]["tokens"]
    offsets, acc = [], 0
    for units in per_sentence:
        offsets.append(acc)
        acc += len(units)
    hit_pos = [offsets[focus] + h for h in hits]
    target_set = set(hits)
    total, cues = 0.0, []
    for si, units in enumerate(per_sentence):
        base = [base_value(u, theme, rules, lexicon, weight, si == focus and k in target_set)
                for k, u in enumerate(units)]
        values = [b[0] for b in base]
        sources = [b[2] for b in base]
        for k, (value, pole, source) in enumerate(base):
            if value == 0:
                continue
            if max_dist and min(abs(offsets[si] + k - h) for h in hit_pos) > max_dist:
                continue
            factor, notes = _modifiers(units, k, values, sources, rules)
            v = value * factor
            total += v
            cues.append({
                "term": units[k].surface, "key": units[k].key, "source": source,
                "pole": pole, "value": round(v, 4), "rules": notes,
                "sentence": si - focus, "span": [units[k].start, units[k].end],
            })
    # A target in scare quotes ("so-called sanctions") is disputed by the speaker.
    if theme.distanced_target:
        sign = 1 if theme.distanced_target > 0 else -1
        for h in hits:
            marker = next((focal[j] for j in range(h - 1, max(-1, h - 3), -1)
                           if focal[j].key in rules.distancers and not any(focal[m].boundary for m in range(j + 1, h + 1))),
                          None)
            if marker is not None:
                total += theme.distanced_target
                cues.append({
                    "term": focal[h].surface, "key": focal[h].key, "source": "distanced target",
                    "pole": theme.pole_name(sign), "value": round(theme.distanced_target, 4),
                    "rules": [f"distanced by '{marker.surface}'"], "sentence": 0,
                    "span": [focal[h].start, focal[h].end],
                })
    stance = math.tanh(total / cfg["scale"])
    t = cfg["thresholds"]
    return Scored(
        relevant=True,
        stance=round(stance, 4),
        label=label_of(stance, t["negative"], t["positive"]),
        total=round(total, 4),
        targets=[{"term": focal[h].surface, "key": focal[h].key, "span": [focal[h].start, focal[h].end]}
                 for h in hits],
        cues=cues,
    )


def score_sentence(text: str, theme: Theme, rules: Rules, cfg: dict, lexicon: dict[str, float]) -> Scored:
    """Score one sentence on its own (as the evaluation does)."""
    return score_window([prepare(text)], 0, theme, rules, cfg, lexicon)


def word_count(sentence: Sentence) -> int:
    """Word tokens, the denominator of salience."""
    return sum(1 for t in sentence.tokens if is_word(t))
