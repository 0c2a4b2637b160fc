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
  naming a subject is not evaluating it;
* evaluation is target-directed: a cue within ``rules.target.window`` words of
  a mention is about it; a cue further away counts ``far`` (theme cues) or
  ``lexicon_far`` (general-lexicon words). A cue nearer to one of the theme's
  ``counter_targets`` (the target's adversary) than to the target counts with
  the opposite sign ("the invaders' barbaric shelling" favours Ukraine);
* frames that hold whoever speaks: an advocacy word ("call for", "support",
  "must") carries the cue after it and, with the target as its object, adds
  the theme's ``frames.advocated`` value; ``frames.calls`` cues ("impose",
  "join") count only when called for or denied, not when reported;
  ``frames.victims`` / ``frames.wrongdoers`` near the target say on whom it
  falls ("sanctions against us", "against the aggressor"); ``frames.harm``
  words are judged by who does them to whom (the nearest mention before the
  word is its agent, one after "by" too; one after it is its patient).

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

    Empty when an ``off_topic`` word puts the sentence in another domain.
    """
    if theme.off_topic and any(u.key in theme.off_topic for u in units):
        return []
    out = []
    for i, u in enumerate(units):
        if u.key in theme.exclude:
            continue
        if u.key not in theme.targets:
            # A multi-word cue never swallows its target: "Sanctions work." mentions sanctions.
            if "_" in u.key and any(p in theme.targets and (theme.targets[p] is None or theme.targets[p].forms)
                                    for p in u.key.split("_")):
                out.append(i)
            continue
        cond = theme.targets[u.key]
        if cond is not None and (not cond.forms or u.forms[-1] in cond.forms):
            if cond.not_before and i + 1 < len(units) and not units[i + 1].boundary \
                    and units[i + 1].forms[0] in cond.not_before:
                continue
            if cond.near and not _near(units, i, cond.near, cond.window):
                continue
            if cond.not_near and _near(units, i, cond.not_near, cond.window):
                continue
        out.append(i)
    if out and theme.background:
        scene = _background(units, theme.background)
        if all(i in scene for i in out):
            return []
    if out and theme.enumeration:
        out = [i for i in out if not _enumerated(units, i, theme)]
    return out


def _background(units: list[Unit], markers: frozenset[str]) -> set[int]:
    """Positions inside a scene-setting phrase set off by punctuation.

    The phrase opens the sentence or follows punctuation ("During the
    operation in Ukraine, ...", "..., given the war in Ukraine") and runs from
    its marker, matched on the words as written ("given", not the lemma
    "give"), to the next punctuation. Mid-clause ("worked out during peace
    talks") it is part of what the sentence says.
    """
    inside: set[int] = set()
    for i, u in enumerate(units):
        if " ".join(u.forms) in markers and (i == 0 or u.boundary):
            j = i + 1
            while j < len(units) and not units[j].boundary:
                inside.add(j)
                j += 1
    return inside


def _enumerated(units: list[Unit], i: int, theme: Theme) -> bool:
    """Whether mention ``i`` is one of ``theme.enumeration`` or more capitalised names listed together.

    Items are single capitalised units joined by commas, "and" or "or". A
    list at least half of whose items are targets or counter-targets
    ("Donetsk, Luhansk and Kherson", "China, Russia and Ukraine") pairs the
    parties of the theme, so it is about it; a place among many other places
    ("outside Moscow and Leningrad, Kiev and Minsk, Stalingrad and Kursk") is not.
    """
    def name(j: int) -> bool:
        # Capitalised mid-sentence: a sentence's first word and "I" name nothing.
        return 0 < j < len(units) and units[j].surface[:1].isupper() and units[j].key != "i"

    def step(j: int, d: int) -> int | None:
        # The next item from j in direction d, or None when the list ends there.
        nxt = j + d
        later, earlier = (nxt, j) if d > 0 else (j, nxt)
        if not (0 <= nxt < len(units)):
            return None
        if units[later].boundary and name(nxt) and units[nxt].key not in ("and", "or"):
            return nxt
        if units[nxt].key in ("and", "or") and not units[nxt].boundary and not units[later].boundary \
                and name(nxt + d) and not units[max(nxt, nxt + d)].boundary:
            return nxt + d
        if units[nxt].key in ("and", "or") and d > 0 and units[nxt].boundary and name(nxt + 1):
            return nxt + 1  # ", and Ukraine"
        return None

    items = [i]
    for d in (-1, 1):
        j = i
        while (j := step(j, d)) is not None:
            items.append(j)
    if len(items) < theme.enumeration:
        return False
    parties = sum(units[j].key in theme.targets or units[j].key in theme.counter_targets for j in items)
    return 2 * parties < len(items)


def counter_mentions(units: list[Unit], theme: Theme, hits: list[int]) -> list[int]:
    """Positions of the theme's counter-targets (the target's adversaries) that are not targets."""
    taken = set(hits)
    return [i for i, u in enumerate(units) if u.key in theme.counter_targets and i not in taken]


def _is_rule_word(key: str, rules: Rules) -> bool:
    return (key in rules.negators or key in rules.distancers or key in rules.scalers or key in rules.contrast
            or key in rules.topic or key in rules.breakers or key in rules.advocacy or key in rules.opposition)


def base_value(u: Unit, theme: Theme, rules: Rules, lexicon: dict[str, float], weight: float,
               is_target: bool) -> tuple[float, str | None, str]:
    """A unit's unmodified contribution: (value, pole or None, source)."""
    if u.key in theme.cues:
        pole, v = theme.cues[u.key]
        return v, pole, "cue"
    if is_target or u.key in theme.exclude or _is_rule_word(u.key, rules):
        # A target is what is evaluated, not an evaluation, and rule words are grammar.
        return 0.0, None, ""
    if u.key in theme.harm:
        return theme.harm_value, None, "harm"
    if u.key in theme.success:
        return theme.success_value, None, "success"
    if u.key in theme.failure:
        return theme.failure_value, None, "failure"
    if u.key in theme.calls:
        pole, v = theme.calls[u.key]
        return v, pole, "call"
    if weight == 0:
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
               rules: Rules, negatable: bool = True) -> tuple[float, list[str]]:
    """The product of the rules that apply to the polar unit ``i`` of one sentence.

    With ``negatable`` False (a word modifying the target, "these senseless
    sanctions") a clause's negator is not its: "nobody needs these senseless
    sanctions" denies the need, not the senselessness.
    """
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

    neg = _negator(units, i, values, sources, rules) if negatable else None
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
        # "never discussed plans to ..." denies the topic rather than naming it;
        # "we must discuss how to alleviate ..." calls for it.
        if topic is not None and not any(units[k].key in rules.negators or units[k].key in rules.advocacy
                                         for k in range(max(0, topic - 2), topic)):
            factor *= rules.topic_factor
            notes.append(f"topic of '{units[topic].surface}' x{rules.topic_factor:g}")
    return factor, notes


def _clause_before(units: list[Unit], i: int, words: frozenset[str], scope: int) -> int | None:
    """Position of the nearest word of ``words`` within ``scope`` units before ``i`` in its clause."""
    for j in range(i - 1, max(-1, i - 1 - scope), -1):
        if units[j + 1].boundary:
            return None
        if units[j].key in words:
            return j
    return None


def _closing_hashtags(sentence: Sentence, units: list[Unit]) -> set[int]:
    """Units of the run of hashtags that closes a text (social-media tags)."""
    out: set[int] = set()
    for i in range(len(units) - 1, -1, -1):
        u = units[i]
        if u.start == 0 or sentence.tokens[u.start - 1] != "#":
            break
        out.add(i)
    return out


def _same_clause(units: list[Unit], k: int, hits: list[int]) -> bool:
    """Whether unit ``k`` and a mention have no punctuation between them."""
    return any(not any(units[j].boundary for j in range(min(h, k) + 1, max(h, k) + 1)) for h in hits)


def _coordinated(units: list[Unit], k: int, hits: list[int]) -> bool:
    """Whether unit ``k`` is a conjunct of a target ("peace, security and stability")."""
    for h in hits:
        lo, hi = min(h, k), max(h, k)
        between = units[lo + 1:hi]
        if hi - lo == 1 and units[hi].boundary:
            return True
        if hi - lo == 2 and between[0].key == "and" and not between[0].boundary and not units[hi].boundary:
            return True
    return False


_DETERMINERS = frozenset({"a", "an", "the"})


def _governed(units: list[Unit], p: int, rules: Rules, polar: frozenset[int]) -> bool:
    """Whether the mention at ``p`` is a place or an object, so no subject.

    True when the word that governs it (skipping articles and the conjuncts
    of a list, "in Syria and Ukraine") is one of ``rules.prepositions`` or a
    polar word, at a position in ``polar`` ("Russia slaughtered Ukrainians,
    bombed dams": "Ukrainians" is what was slaughtered, not who bombed;
    "undermine it, bombing it": "it" is undermined).
    """
    j = p - 1
    while j >= 0 and not units[j + 1].boundary:
        key = units[j].key
        if key in _DETERMINERS:
            j -= 1
            continue
        if key == "and" and j >= 1:
            j -= 2  # the conjunct before "and"
            continue
        return key in rules.prepositions or j in polar
    return False


def _regretted(units: list[Unit], k: int, rules: Rules) -> int | None:
    """Position of an opposition word ("regret", "deplore") heading a "that" clause holding ``k``."""
    for j in range(k - 2, -1, -1):
        if units[j].key in rules.opposition and units[j + 1].key == "that" and not units[j + 1].boundary:
            return j
    return None


def _other_object(units: list[Unit], k: int, targets: set[int], rules: Rules) -> bool:
    """Whether the act ``k`` has an "of" object that is not a mention ("the end of collaboration").

    The object runs from the "of" to a scope breaker other than "and" or a preposition, at
    most eight units, across commas ("the lifting of the economic,
    commercial and financial embargo" is the target's).
    """
    if k + 1 >= len(units) or units[k + 1].key != "of" or units[k + 1].boundary:
        return False
    for j in range(k + 2, min(len(units), k + 10)):
        if j in targets:
            return False
        # "and" joins the object's modifiers; other scope breakers open a clause.
        if (units[j].key in rules.breakers and units[j].key != "and") or units[j].key in rules.prepositions:
            break
    return True


def _hit_victim(units: list[Unit], k: int, theme: Theme, scope: int) -> int | None:
    """Position of a victim word that the effect word ``k`` falls on ("hurt only the ordinary people").

    The first victim word within ``scope`` units after ``k`` in its clause, or None.
    """
    for j in range(k + 1, min(len(units), k + 1 + scope)):
        if units[j].boundary:
            return None
        if units[j].key in theme.victims:
            return j
    return None


_DETERMINERS_ALL = frozenset({"a", "an", "the", "this", "that", "these", "those", "such", "our", "their", "its",
                              "his", "her", "your", "my", "any", "all", "no", "every", "each"})


def _attributive(units: list[Unit], k: int, hits: list[int], values: list[float]) -> bool:
    """Whether unit ``k`` modifies a mention right after it ("these absurd sanctions").

    The mention follows within two units, in the same clause, with neither a
    polar word nor "of"/"to" between them, and a determiner opens the phrase
    (one or two units before ``k``): without one the word is as likely a verb
    taking the mention as object ("save Ukraine", "nobody likes sanctions").
    """
    det = next((j for j in range(k - 1, max(-1, k - 3), -1) if units[j].key in _DETERMINERS_ALL), None)
    if det is None or any(units[j].boundary for j in range(det + 1, k + 1)):
        return False
    for h in hits:
        if 0 < h - k <= 2 and not any(units[j].boundary for j in range(k + 1, h + 1)) \
                and not any(values[k + 1:h]) and not any(units[j].key in ("of", "to") for j in range(k + 1, h)):
            return True
    return False


def _anchor(units: list[Unit], k: int, hits: list[int], counters: list[int], window: int, rules: Rules,
            agent_first: bool = False, polar: frozenset[int] = frozenset(),
            agent_markers: tuple[str, ...] = ("by", "from")) -> tuple[int, str, str] | None:
    """The mention unit ``k`` is said of: (position, "target" or "counter", "agent" or "patient").

    The nearest mention within ``window`` units; on a tie the one before (a
    subject or possessor: "Kyiv's shelling of Donetsk"). A mention after one
    of ``agent_markers`` that follows ``k`` is its agent ("civilians killed
    by the invaders", "strikes from Ukraine"; for a retreat "from" is the
    place left, so callers pass only "by"). A target is anchored to itself. A
    mention after a comparison word ("freer than Russia") is not what ``k``
    evaluates. With ``agent_first`` (harm words), a mention before ``k`` that
    is a place or an object (:func:`_governed`) is not its agent: a subject
    further back outranks it, and failing one it is the harm's patient.
    """
    marks = [(h, "target") for h in hits] + [(c, "counter") for c in counters]
    if k in hits:
        return k, "target", "agent"
    # "the invading army", "an attacking Russia": an active participle right
    # before a mention, after an article, is its agent's.
    if units[k].forms[-1].endswith("ing") and k + 1 < len(units) and not units[k + 1].boundary \
            and (k == 0 or units[k - 1].key in _DETERMINERS):
        kind = next((kind for p, kind in marks if p == k + 1), None)
        if kind is not None:
            return k + 1, kind, "agent"
    for j in range(k + 1, min(len(units), k + 3)):
        if units[j].key in agent_markers:
            after = [(p, kind) for p, kind in marks if j < p <= k + window]
            if after:
                p, kind = min(after)
                return p, kind, "agent"
    best = None
    for p, kind in marks:
        d = abs(p - k)
        if d == 0 or d > window:
            continue
        if p > k and any(units[j].key in rules.comparison for j in range(k + 1, p)):
            continue
        governed = agent_first and p < k and _governed(units, p, rules, polar)
        # For an event, a subject before it outranks a nearer object after it.
        rank = (governed, p > k, d, kind != "target") if agent_first else (d, p > k, kind != "target")
        if best is None or rank < best[0]:
            best = (rank, p, kind, governed)
    if best is None:
        return None
    _, p, kind, governed = best
    # "Ukrainians suffered from attacks": a "from" before the word makes the mention before it the patient.
    role = "agent" if p < k and not governed and not any(units[j].key == "from" for j in range(p + 1, k)) \
        else "patient"
    # "Ukraine has been attacked for months": a passive makes its subject the patient.
    if role == "agent" and _passive(units, k):
        role = "patient"
    return p, kind, role


_PARTICIPLES = frozenset({"hit", "struck", "shot", "slain", "torn", "beaten", "overrun"})


def _passive(units: list[Unit], k: int) -> bool:
    """Whether unit ``k`` is a past participle after "be" or "get" ("was shelled", "got hit")."""
    form = units[k].forms[-1]
    if not (form.endswith("ed") or form in _PARTICIPLES):
        return False
    for j in range(k - 1, max(-1, k - 3), -1):
        if units[j + 1].boundary:
            return False
        if units[j].key in ("be", "get"):
            return True
    return False


def _frames(units: list[Unit], values: list[float], hits: list[int], theme: Theme, rules: Rules,
            anchors: list[int] | None = None) -> list[dict]:
    """Cues that come from the target's role in the sentence rather than from one word.

    * advocated / opposed: an advocacy (or opposition) word with a target
      as its object, within ``rules.advocacy.scope`` words and no cue between
      them ("we fully support the sanctions", "many oppose the embargo");
    * victims / wrongdoers: a victim or wrongdoer word within twice
      ``rules.target.window`` of a target (the role is often a clause away:
      "the price of these sanctions is paid by the people"), and not the word
      right before it (a possessive: "our sanctions"), says on whom it falls.

    Parameters
    ----------
    units
        The focal sentence's units (:func:`units_of`).
    values
        Each unit's base value (:func:`base_value`), same length as ``units``.
    hits
        Positions of the theme's mentions in ``units`` (non-empty).
    anchors
        Positions that stand for a mention as an advocacy word's object: the
        mentions and the pronouns after the first ("no one needs them");
        ``hits`` when None.

    Returns
    -------
    list of dict
        Cue records in the shape of :class:`Scored` ``cues``, ``source``
        ``"frame: <kind>"``. Each frame counts at most once per sentence. A
        negator right before the advocacy word flips it ("we have never
        supported these sanctions").
    """
    out = []

    def cue(u: Unit, kind: str, value: float, notes: list[str]) -> dict:
        sign = 1 if value > 0 else -1
        return {"term": u.surface, "key": u.key, "source": f"frame: {kind}", "pole": theme.pole_name(sign),
                "value": round(value, 4), "rules": notes, "sentence": 0, "span": [u.start, u.end]}

    objects = set(hits if anchors is None else anchors)
    if theme.advocated:
        for a, u in enumerate(units):
            if u.key not in rules.advocacy and u.key not in rules.opposition:
                continue
            end = min(len(units), a + 1 + rules.advocacy_scope)
            h = next((j for j in range(a + 1, end) if j in objects), None)
            # A cue between them is the verb's object instead, unless it modifies
            # the target ("support these effective measures").
            if h is None or any(units[j].boundary for j in range(a + 1, h + 1)) \
                    or any(values[j] for j in range(a + 1, h) if h - j > 2):
                continue
            neg = _clause_before(units, a, rules.negators, 3)
            value, notes = theme.advocated, [f"object '{units[h].surface}'"]
            kind = "advocated"
            if u.key in rules.opposition:
                value, kind = -value, "opposed"
            if neg is not None:
                value *= rules.negation_factor
                notes.append(f"negated by '{units[neg].surface}'")
            out.append(cue(u, kind, value, notes))
            break
    for kind, words, value in (("victim", theme.victims, theme.victim_value),
                               ("wrongdoer", theme.wrongdoers, theme.wrongdoer_value)):
        if not value or not words:
            continue
        for j, u in enumerate(units):
            if u.key in words and j not in hits:
                h = min(hits, key=lambda x: abs(x - j))
                if abs(h - j) <= 2 * rules.target_window and j != h - 1:
                    out.append(cue(u, kind, value, [f"near '{units[h].surface}'"]))
                    break
    return out


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
    # A closing run of hashtags ("... #Kyiv #Ukraine") makes a text relevant
    # but is no one's agent or patient.
    tags = _closing_hashtags(window[focus], focal)
    counters = [c for c in counter_mentions(focal, theme, hits) if c not in tags]
    # Anaphora: a pronoun after a mention is said of it (for direction only, not relevance).
    anchors = sorted({h for h in hits if h not in tags}
                     | {j for j in range(hits[0] + 1, len(focal)) if focal[j].key in rules.pronouns})
    total, cues = 0.0, []
    focal_values: list[float] = []
    for si, units in enumerate(per_sentence):
        base = [base_value(u, theme, rules, lexicon, weight, si == focus and k in target_set)
                for k, u in enumerate(units)]
        values = [b[0] for b in base]
        sources = [b[2] for b in base]
        if si == focus:
            focal_values = values
            polar_at = frozenset(k for k, v in enumerate(values) if v)
        for k, (value, pole, source) in enumerate(base):
            if value == 0:
                continue
            if max_dist and min(abs(offsets[si] + k - h) for h in hit_pos) > max_dist:
                continue
            attributive = (si == focus and source == "lexicon" and rules.attributive != 1
                           and _attributive(units, k, hits, values))
            factor, notes = _modifiers(units, k, values, sources, rules, not attributive)
            called = _clause_before(units, k, rules.advocacy, rules.advocacy_scope)
            regretted = _regretted(units, k, rules)
            if regretted is not None:
                # "we regret that the blockade has not been lifted": the speaker
                # opposes the state the clause describes.
                factor *= -1
                notes.append(f"regretted by '{units[regretted].surface}'")
            if source == "call" and _other_object(units, k, target_set if si == focus else set(), rules):
                continue  # "demand the end of economic collaboration": not an end of the target
            # Denying an act toward the +1 pole is a refusal ("have not joined the
            # sanctions"); denying its undoing only reports that the target
            # persists ("the blockade has not been lifted").
            refused = value > 0 and any(n.startswith("negated") for n in notes)
            if source == "call" and called is None and not refused and regretted is None:
                speaker = _clause_before(units, k, rules.speakers, rules.negation_scope)
                if speaker is None:
                    continue  # reported, not called for: "the sanctions imposed in 2014"
                notes.append(f"done by '{units[speaker].surface}'")
            if called is not None:
                factor *= rules.advocacy_factor
                notes.append(f"called for by '{units[called].surface}' x{rules.advocacy_factor:g}")
            role_judged = source in ("harm", "success", "failure")
            if si == focus and not role_judged and k not in target_set and _coordinated(units, k, hits):
                continue  # "peace, security and stability": listed with the target, not said of it
            if source == "cue" and units[k].key in theme.effects:
                victim = _hit_victim(units, k, theme, rules.advocacy_scope)
                if victim is not None:
                    factor *= -1
                    notes.append(f"falls on '{units[victim].surface}'")
                    pole = theme.pole_name(-1 if value > 0 else 1)
            if attributive:
                factor *= rules.attributive
                notes.append(f"modifies the target x{rules.attributive:g}")
            # Harm reaches further: its agent or patient is often a clause away.
            reach = rules.target_window * (2 if role_judged else 1)
            anchor = (_anchor(units, k, anchors, counters, reach, rules, role_judged, polar_at,
                              ("by", "from") if source == "harm" else ("by",))
                      if si == focus else None)
            if source == "harm":
                # Harm done by the target counts against it; harm done by its
                # adversary, or to the target, for it.
                if anchor is None:
                    continue
                p, kind, role = anchor
                if kind == "counter" and role == "patient":
                    continue  # harm to the adversary is news, not sympathy for it
                sign = -1 if (kind == "target") == (role == "agent") else 1
                factor *= sign
                pole = theme.pole_name(sign)
                notes.append(f"{role} '{units[p].surface}'")
            elif source in ("success", "failure"):
                # A success of the target, or a failure of its adversary, counts
                # for it ("Ukraine is advancing", "the invaders are retreating");
                # the value's sign says which list the word is on.
                if anchor is None:
                    continue
                p, kind, role = anchor
                if role == "patient" and not _passive(units, k):
                    continue  # a mention after it is the ground or the thing won ("lose the town", "win in Ukraine")
                sign = 1 if (kind == "target") == (role == "agent") else -1
                factor *= sign
                pole = theme.pole_name(1 if value * sign > 0 else -1)
                notes.append(f"{'agent' if role == 'agent' else 'patient'} '{units[p].surface}'")
            elif anchor is not None and anchor[1] == "counter" and source == "lexicon":
                # General evaluation of the adversary; theme cues are already
                # oriented to the theme ("Russia never rejected peace talks").
                factor *= -1
                notes.append(f"said of '{units[anchor[0]].surface}' (counter-target)")
            elif anchor is None and not (si == focus and source != "lexicon" and _same_clause(units, k, hits)):
                # A theme cue in a mention's clause is about it however long the
                # clause ("the lifting of the economic and financial embargo").
                far = rules.lexicon_far if source == "lexicon" else rules.far
                if far == 0:
                    continue
                if far != 1:
                    factor *= far
                    notes.append(f"away from the target x{far:g}")
            v = value * factor
            total += v
            cues.append({
                "term": units[k].surface, "key": units[k].key, "source": source,
                "pole": pole, "value": round(v, 4), "rules": notes,
                "sentence": si - focus, "span": [units[k].start, units[k].end],
            })
    for frame in _frames(focal, focal_values, hits, theme, rules, anchors):
        total += frame["value"]
        cues.append(frame)
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
