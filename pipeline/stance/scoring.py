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
  so "never rejected the truce proposal" flips "rejected" only; in a negated
  yes/no question ("Isn't it obvious that ...?") it asserts and flips nothing;
* praise (a positive general word or theme cue) in a sentence with an irony
  tag ("yeah right", "oh great", "/s") counts ``rules.irony.factor`` times;
* distancing markers ("so-called", "what they call") flip the cue they precede,
  and so do scare quotes around one to three words ('the "liberators"');
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
  falls ("sanctions against us", "against the aggressor"), and
  ``frames.effects`` cues flip when what they hit is a victim ("hurt ordinary
  people"); ``frames.harm`` words are judged by who does them to whom, and
  ``frames.success`` / ``failure`` by whose fortune they are (the nearest
  mention before the word is its agent unless a preposition or a verb
  governs it; one after "by" too; a passive's subject is the patient);
* a general-lexicon word between a determiner and the target modifies it
  ("these absurd sanctions") and counts ``rules.target.attributive`` times;
* an opposition word heading a "that" clause ("we regret that ...") turns
  the theme cues of the clause against what they state;
* a shared news item — a text that closes with a run of hashtags and has no
  first-person word (``rules.news``) — counts its cues ``news.factor`` times:
  a headline reports, it does not take a side.

A mention makes a theme relevant unless it is only the scene of a remark
(``themes.<t>.background``) or one place in a list of many
(``themes.<t>.enumeration``) and nothing else in the sentence bears on the
theme.

The sum ``s`` becomes ``tanh(s / scale)`` in [-1, 1] and a label in {-1, 0, 1}
by ``stance.thresholds``, or by the theme's own ``thresholds`` when its file
has them (a theme fitted to a corpus, :func:`theme_label`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from ..core.text import MweMatcher, is_word, lemma, matcher_for, split_sentences
from .rules import Rules
from .themes import Theme


@dataclass(frozen=True)
class Sentence:
    """A sentence's tokens (punctuation included) as syntok gives them."""

    text: str
    tokens: tuple[str, ...]
    # Units per matcher: a sentence is the focus of one window and a neighbour in others.
    units: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def lemmas(self) -> frozenset[str]:
        """Lemmas of the word tokens, as :func:`units_of` matches them."""
        return frozenset(lemma(t) for t in self.tokens if is_word(t))


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


def units_of(sentence: Sentence, matcher: MweMatcher) -> list[Unit]:
    """Words of the sentence with multi-word terms joined, within punctuation-free runs (computed once)."""
    if matcher not in sentence.units:
        sentence.units[matcher] = _units_of(sentence, matcher)
    return sentence.units[matcher]


def _units_of(sentence: Sentence, matcher: MweMatcher) -> list[Unit]:
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

    # Scare quotes mark words, not clauses: 'the "peaceful" regime' is one phrase.
    marks = {m for span in _scare_quote_spans(sentence.tokens) for m in (span[0] - 1, span[1])}
    for i, tok in enumerate(sentence.tokens):
        if is_word(tok):
            run.append(i)
        elif i in marks:
            continue
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

    Empty when an ``off_topic`` word puts the sentence in another domain, or
    when every mention is inside a scene-setting phrase (:func:`_background`)
    and nothing outside it bears on the theme; mentions that are one place in
    a list of many (:func:`_enumerated`) are dropped.

    Parameters
    ----------
    units
        The sentence's units (:func:`units_of`).
    theme
        The compiled theme.

    Returns
    -------
    list of int
        Positions in ``units``, ascending; empty when the theme is not relevant.
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
        if all(i in scene for i in out) and not _bears_on_theme(units, theme, scene):
            return []
    if out and theme.enumeration:
        out = [i for i in out if not _enumerated(units, i, theme)]
    return out


def _bears_on_theme(units: list[Unit], theme: Theme, skip: set[int]) -> bool:
    """Whether a unit outside ``skip`` is a theme cue, a frame word or a counter-target.

    Such a word makes the rest of the sentence about the theme, so a mention
    that would otherwise be only a scene or a list item keeps it relevant
    ("During the operation, the invaders shelled the town").
    """
    words = (theme.cues.keys() | theme.calls.keys() | theme.harm | theme.success | theme.failure
             | theme.counter_targets)
    return any(u.key in words for j, u in enumerate(units) if j not in skip)


def _background(units: list[Unit], markers: frozenset[str]) -> set[int]:
    """Positions inside a scene-setting phrase set off by punctuation.

    The phrase opens the sentence and is closed by punctuation ("Amid the
    fighting in Ukraine, grain prices rose"), or follows punctuation and runs
    to the next or to the end ("..., given the war in Ukraine"). Its marker is
    matched on the words as written ("given", not the lemma "give"); a marker
    that heads a clause ("given that Kyiv refuses ...") sets no scene, and
    mid-clause ("they met during peace talks") the phrase is part of what the
    sentence says.
    """
    inside: set[int] = set()
    for i, u in enumerate(units):
        if " ".join(u.forms) not in markers or not (i == 0 or u.boundary):
            continue
        if i + 1 < len(units) and units[i + 1].key == "that":
            continue
        j = i + 1
        while j < len(units) and not units[j].boundary:
            j += 1
        if i == 0 and j == len(units):
            continue  # nothing closes the phrase: it is the sentence
        inside.update(range(i + 1, j))
    return inside


def _enumerated(units: list[Unit], i: int, theme: Theme) -> bool:
    """Whether mention ``i`` is one of ``theme.enumeration`` or more capitalised names listed together.

    Items are single capitalised units joined by commas, "and" or "or" (with
    or without a comma before it). A list at least half of whose items are
    targets or counter-targets ("Kherson, Crimea and Russia") pairs the
    parties of the theme, so it is about it; a place among many other places
    ("between Vienna and Prague, Kyiv and Warsaw, Oslo") is not, unless the
    rest of the sentence bears on the theme (:func:`_bears_on_theme`).
    """
    def name(j: int) -> bool:
        # Capitalised mid-sentence: a sentence's first word and "I" name nothing.
        return 0 < j < len(units) and units[j].surface[:1].isupper() and units[j].key != "i"

    def step(j: int, d: int) -> int | None:
        # The next item from j in direction d (+1 or -1), or None when the list ends there.
        if d > 0:
            if j + 1 < len(units) and units[j + 1].boundary and name(j + 1) \
                    and units[j + 1].key not in ("and", "or"):
                return j + 1  # "Chile, Ghana"
            if j + 2 < len(units) and units[j + 1].key in ("and", "or") and not units[j + 2].boundary \
                    and name(j + 2):
                return j + 2  # "Ghana and Peru", "Ghana, and Peru"
            return None
        if units[j].boundary and name(j - 1) and units[j - 1].key not in ("and", "or"):
            return j - 1
        if j >= 2 and units[j - 1].key in ("and", "or") and not units[j].boundary and name(j - 2):
            return j - 2
        return None

    items = [i]
    for d in (-1, 1):
        j = i
        while (j := step(j, d)) is not None:
            items.append(j)
    if len(items) < theme.enumeration:
        return False
    parties = sum(units[j].key in theme.targets or units[j].key in theme.counter_targets for j in items)
    return 2 * parties < len(items) and not _bears_on_theme(units, theme, set(items))


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
             depth: int = 0, asked: frozenset[int] = frozenset()) -> Unit | None:
    """The negator that reaches the polar unit ``i``, if any.

    A negator at a position in ``asked`` (:func:`asking_negators`) makes a
    question that asserts ("Isn't it obvious that ...?") and reaches nothing.

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
            return None if j in asked else u
        if u.key in rules.transparent:
            continue
        # "did not expect that the army would be so brave": the negation stays in
        # its clause, except through a truth word ("not true that ...").
        if u.key == "that" and (j == 0 or units[j - 1].key not in rules.transparent):
            return None
        if u.key in rules.breakers or u.key in rules.contrast:
            return None
        if values[j]:
            if (depth < 3 and sources[i] == "cue" and sources[j] == "cue" and values[i] * values[j] > 0):
                return _negator(units, j, values, sources, rules, depth + 1, asked)
            return None
    return None


def _modifiers(units: list[Unit], i: int, values: list[float], sources: list[str],
               rules: Rules, negatable: bool = True, quoted: bool = False,
               asked: frozenset[int] = frozenset()) -> tuple[float, list[str]]:
    """The product of the rules that apply to the polar unit ``i`` of one sentence.

    With ``negatable`` False (a word modifying the target, "these senseless
    sanctions") a clause's negator is not its: "nobody needs these senseless
    sanctions" denies the need, not the senselessness. With ``quoted`` the unit
    is inside scare quotes (:func:`scare_quoted`), which distance it as
    "so-called" does. ``asked``: negators that make a question rather than deny (:func:`asking_negators`).
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

    neg = _negator(units, i, values, sources, rules, asked=asked) if negatable else None
    if neg is not None:
        factor *= rules.negation_factor
        notes.append(f"negated by '{neg.surface}'")
    dist = shifted(rules.distancers, rules.distancing_scope)
    if dist is not None:
        factor *= rules.distancing_factor
        notes.append(f"distanced by '{dist.surface}'")
    elif quoted:
        factor *= rules.distancing_factor
        notes.append("in scare quotes")
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
    if dist is None and not quoted:
        start = before[-1] + 1 if before else 0
        topic = next((j for j in range(start, i) if units[j].key in rules.topic), None)
        # "never discussed any plan to ..." denies the topic rather than naming it;
        # "we must discuss how to alleviate ..." calls for it.
        if topic is not None and not any(units[k].key in rules.negators or units[k].key in rules.advocacy
                                         for k in range(max(0, topic - 2), topic)):
            factor *= rules.topic_factor
            notes.append(f"topic of '{units[topic].surface}' x{rules.topic_factor:g}")
    return factor, notes


# Quotation marks that open and close a quoted phrase; the ASCII mark does both.
_OPENING_QUOTES = frozenset({'"', "\u201c", "\u201e", "\u00ab"})
_CLOSING_QUOTES = frozenset({'"', "\u201d", "\u201c", "\u00bb"})
# Scare quotes hold a word or a short phrase; a longer quotation is someone's words.
_SCARE_QUOTE_WORDS = 3


def _scare_quote_spans(toks: tuple[str, ...]) -> list[tuple[int, int]]:
    """Token spans ``(first, end)`` of the words inside scare quotes (see :func:`scare_quoted`).

    Quotation marks pair in order (an opening mark with the next closing
    one); a pair is scare quotes when it holds one to three words and nothing else.
    """
    spans, opened = [], None
    for i, t in enumerate(toks):
        if opened is not None and t in _CLOSING_QUOTES:
            if 1 <= i - opened - 1 <= _SCARE_QUOTE_WORDS and all(is_word(x) for x in toks[opened + 1:i]):
                spans.append((opened + 1, i))
            opened = None
        elif t in _OPENING_QUOTES:
            opened = i
    return spans


def scare_quoted(sentence: Sentence, units: list[Unit], rules: Rules) -> set[int]:
    """Positions of the units inside scare quotes: one to three words between double quotation marks.

    Empty unless ``stance.rules.scare_quotes.enabled``: in speeches such quotes
    mostly name or mention ('the "star wars" programme', 'the word "terror"').

    The tokenizer keeps quotation marks as tokens. The pair holds words only
    (no other punctuation), so a quotation that runs across a clause or a
    sentence, or whose other mark is in another sentence, marks nothing: in
    'the "liberators"' or 'a "special operation"' the speaker keeps a
    distance from the words; in 'he said: "we will win, whatever it takes"' he
    reports them. Single quotation marks are left out: the same character is an
    apostrophe. The marks of a pair are no clause boundary (:func:`units_of`).
    """
    spans = _scare_quote_spans(sentence.tokens) if rules.scare_quotes else []
    if not spans:
        return set()
    return {k for k, u in enumerate(units) if any(a <= u.start and u.end <= b for a, b in spans)}


# Forms that open a yes/no question ("Isn't it ...?", "Shouldn't we ...?"); syntok
# splits "can't", "won't" into "ca"/"wo" and "n't".
_AUXILIARIES_ASKING = frozenset({"is", "are", "was", "were", "am", "do", "does", "did", "have", "has", "had", "can",
                                 "ca", "could", "will", "wo", "would", "should", "shall", "must", "may", "might"})
_SENTENCE_ENDS = frozenset({".", "!", "?", "\u2026"})


def ironic_units(sentence: Sentence, units: list[Unit], rules: Rules) -> set[int]:
    """Positions of the units in a sentence that an irony tag marks.

    The tags are ``rules.irony`` ("yeah right", "oh great") and the
    social-media "/s"; the sentence is the tokens between sentence-final
    punctuation, so "Oh great, they really want peace. Talks start today."
    marks only the first.
    """
    toks = sentence.tokens
    sentence_of, n = [], 0
    for t in toks:
        sentence_of.append(n)
        n += t in _SENTENCE_ENDS
    marked = {sentence_of[i] for i in range(len(toks) - 1) if toks[i] == "/" and toks[i + 1].lower() == "s"}
    marked |= {sentence_of[u.start] for u in units if u.key in rules.irony}
    if not marked:
        return set()
    return {k for k, u in enumerate(units) if sentence_of[u.start] in marked and u.key not in rules.irony}


def asking_negators(sentence: Sentence, units: list[Unit], rules: Rules) -> frozenset[int]:
    """Positions of negators that make a yes/no question rather than deny.

    An auxiliary opens the clause, the negator follows it ("Isn't it",
    "Shouldn't we") or its subject ("Is it not"), and the sentence ends with a
    question mark: the question asserts what it asks ("Isn't it obvious
    that they are brave?" says they are). A question word before the
    auxiliary keeps the denial ("Why didn't they help?"), as does a
    statement ("It isn't obvious.").
    """
    toks = sentence.tokens
    if "?" not in toks:
        return frozenset()
    end_of = [0] * len(toks)  # the token that ends each token's sentence
    end = len(toks)
    for t in range(len(toks) - 1, -1, -1):
        if toks[t] in _SENTENCE_ENDS:
            end = t
        end_of[t] = end
    out = set()
    for k, u in enumerate(units):
        if u.forms[-1] not in _AUXILIARIES_ASKING or not (k == 0 or u.boundary):
            continue
        for j in (k + 1, k + 2):
            if j >= len(units) or units[j].boundary:
                break
            if units[j].key in rules.negators:
                e = end_of[units[j].start]
                if (j == k + 1 or units[j].forms[-1] == "not") and e < len(toks) and toks[e] == "?":
                    out.add(j)
                break
    return frozenset(out)


def _clause_before(units: list[Unit], i: int, words: frozenset[str], scope: int) -> int | None:
    """Position of the nearest word of ``words`` within ``scope`` units before ``i`` in its clause."""
    for j in range(i - 1, max(-1, i - 1 - scope), -1):
        if units[j + 1].boundary:
            return None
        if units[j].key in words:
            return j
    return None


def _closing_tag_run(sentence: Sentence) -> tuple[int, int]:
    """Where the run of hashtags that closes a text starts (a token index), and how many tags it holds.

    The tokenizer splits a camel-case tag ("#UkraineRussiaWar" into "#",
    "Ukraine", "Russia", "War"), so a tag is a "#" and the words after it up to
    the next "#" or the end, when the text writes them together. ``(len(tokens), 0)``
    when the text does not end with a tag.
    """
    toks = sentence.tokens
    start, n = len(toks), 0
    while start > 0:
        j = start - 1
        while j >= 0 and toks[j] != "#" and is_word(toks[j]) and start - j <= _TAG_WORDS:
            j -= 1
        if j < 0 or toks[j] != "#" or j == start - 1 or "#" + "".join(toks[j + 1:start]) not in sentence.text:
            break
        start, n = j, n + 1
    return start, n


# Words of one camel-case hashtag, at most.
_TAG_WORDS = 6


def shared_news(sentence: Sentence, rules: Rules) -> bool:
    """Whether a text is a shared news item: it closes with ``rules.news_tags`` or more hashtags
    and has none of ``rules.news_voice`` (first-person words, as written).

    A headline posted with its distribution tags ("Ukraine says the bridge
    was hit overnight #Ukraine #Russia") reports; what it reports is not its
    poster's stance. A post in the first person ("We stand with them
    #Ukraine #Kyiv") speaks for its author, tags or not.
    """
    _, tags = _closing_tag_run(sentence)
    if tags < rules.news_tags:
        return False
    return not any(t.lower().replace("\u2019", "'") in rules.news_voice for t in sentence.tokens)


def _closing_hashtags(sentence: Sentence, units: list[Unit]) -> set[int]:
    """Units of the run of hashtags that closes a text (social-media tags)."""
    start, _ = _closing_tag_run(sentence)
    return {i for i, u in enumerate(units) if u.start > start}


# Copulas and verbs of seeming: "Russia is brutal", "the occupiers seem desperate".
_COPULAS = frozenset({"be", "seem", "look", "remain", "become", "appear", "sound"})


def _attached(units: list[Unit], k: int, c: int) -> bool:
    """Whether the word ``k`` is said of the mention ``c`` by its grammar, not just near it.

    True when ``k`` modifies ``c`` (right before it, or with one determiner or
    possessive between: "the barbaric invaders", "brutal Russia") or follows
    it as its predicate or its possession within three words with a copula
    or a possessive among them ("Russia is so brutal", "the occupiers seem
    desperate", "Russia's barbaric war"). Both in one clause.
    """
    if k == c or any(units[j].boundary for j in range(min(k, c) + 1, max(k, c) + 1)):
        return False
    if k < c:
        between = [units[j].forms[-1] for j in range(k + 1, c)]
        return len(between) <= 1 and all(b in _DETERMINERS_ALL or b in ("'s", "s") for b in between)
    between = [units[j] for j in range(c + 1, k)]
    if len(between) > 3:
        return False
    return not between or any(u.key in _COPULAS or u.forms[-1] in ("'s", "s", "'") for u in between)


def _said_of_event(units: list[Unit], k: int, hits: list[int], anchor: tuple[int, str, str] | None,
                   attributive: bool, theme: Theme) -> bool:
    """Whether the general-lexicon word ``k`` is said of mentions that are all ``theme.events``.

    The mentions it modifies when ``attributive`` ("this senseless war"), else the one it is anchored to.
    """
    if attributive:
        said_of = [h for h in hits if 0 < h - k <= 2]
    elif anchor is not None and anchor[1] == "target":
        said_of = [anchor[0]]
    else:
        return False
    return bool(said_of) and all(units[h].key in theme.events for h in said_of)


def _resolve_pronouns(units: list[Unit], hits: list[int], counters: list[int], rules: Rules
                      ) -> tuple[list[int], list[int]]:
    """Pronouns (``rules.pronouns``) that stand for a mention: (those for a target, those for a counter-target).

    A pronoun stands for the nearest mention before it, whether a target or a
    counter-target: in "Russia told us they would not invade Ukraine" "they"
    is Russia, in "Ukraine says it will not retreat" "it" is Ukraine. A
    pronoun before any mention stands for none.
    """
    marks = sorted([(h, "target") for h in hits] + [(c, "counter") for c in counters])
    to_target, to_counter = [], []
    for j, u in enumerate(units):
        if u.key not in rules.pronouns:
            continue
        before = [kind for p, kind in marks if p < j]
        if before:
            (to_target if before[-1] == "target" else to_counter).append(j)
    return to_target, to_counter


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


# Words after a role-judged word that introduce the one it is done by or
# befalls: "strikes from Ukraine", "losses on the invaders"; a retreat "from"
# a place is no one's doing.
_AGENT_MARKERS = {"harm": ("by", "from"), "success": ("by",), "failure": ("by", "on", "upon")}

_AUXILIARIES = frozenset({"to", "will", "would", "can", "could", "must", "should", "may", "might", "do", "have",
                          "shall"})


def _governors(units: list[Unit], values: list[float], sources: list[str]) -> frozenset[int]:
    """Positions of polar words that take an object: the theme's own cue and frame words, and
    general-lexicon words that read as verbs (after "to" or an auxiliary, or an -ed/-ing form
    not after an article), so "to undermine Kyiv" governs "Kyiv" and "corrupt Kyiv" does not."""
    out = set()
    for k, (v, src) in enumerate(zip(values, sources)):
        if not v:
            continue
        if src != "lexicon":
            out.add(k)
            continue
        before = units[k - 1].key if k > 0 and not units[k].boundary else None
        verb_form = units[k].forms[-1].endswith(("ed", "ing")) and not (
            k > 0 and units[k - 1].forms[-1] in _DETERMINERS_ALL)
        if before in _AUXILIARIES or (verb_form and k > 0):
            out.add(k)
    return frozenset(out)


def _governed(units: list[Unit], p: int, rules: Rules, polar: frozenset[int]) -> bool:
    """Whether the mention at ``p`` is a place or an object, so no subject.

    True when the word that governs it (skipping articles and the conjuncts
    of a list, "in Aleppo and Kharkiv") is one of ``rules.prepositions`` or a
    word that takes an object, at a position in ``polar``
    (:func:`_governors`: "the occupiers looted villages, then shelled them":
    "villages" is what was looted, not who shelled).
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
    """Position of an opposition word ("regret", "deplore") heading the "that" clause that holds ``k``.

    The clause runs from "that" across commas ("we regret that the trade,
    travel and banking embargo is still in force") to a contrast
    marker or a scope breaker other than "and"; ``k`` must be in it. None
    otherwise.
    """
    for j in range(k - 1, 0, -1):
        key = units[j].key
        if key in rules.contrast or (key in rules.breakers and key != "and"):
            return None
        if key == "that" and units[j - 1].key in rules.opposition and not units[j].boundary:
            return j - 1
    return None


def _other_object(units: list[Unit], k: int, targets: set[int], rules: Rules) -> bool:
    """Whether the act ``k`` has an "of" object that is not a mention ("the end of collaboration").

    The object runs from the "of" to a scope breaker other than "and" or a preposition, at
    most eight units, across commas ("the lifting of the trade, travel
    and banking embargo" is the target's).
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


# Words that open a noun phrase; "this", "that", "those", "no" and "all" are left
# out because they as often stand alone ("this never helps", "no senseless ...").
_DETERMINERS_ALL = frozenset({"a", "an", "the", "these", "such", "our", "their", "its", "his", "her", "your",
                              "my", "any", "every", "each"})


def _attributive(units: list[Unit], k: int, hits: list[int], values: list[float], rules: Rules) -> bool:
    """Whether unit ``k`` modifies a mention right after it ("these absurd sanctions").

    A determiner opens the phrase right before ``k`` (or two before, with an
    intensifier between: "these utterly absurd sanctions"); without one the
    word is as likely a verb taking the mention as object ("save Ukraine",
    "nobody likes sanctions"). The mention follows within two units, in the
    same clause, with neither a polar word nor "of"/"to" between them.
    """
    if k == 0 or units[k].boundary:
        return False
    # Matched on the words as written: the lemma of "these" is "this".
    if units[k - 1].forms[-1] not in _DETERMINERS_ALL:
        if not (k >= 2 and units[k - 1].key in rules.scalers and units[k - 2].forms[-1] in _DETERMINERS_ALL
                and not units[k - 1].boundary):
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
    if agent_first:
        # "Russia's barbaric invasion", "Kyiv's shelling of Donetsk": a possessive opens
        # a noun phrase whose head is the act, so the possessor is its agent, whatever
        # verb governs the phrase ("help Ukraine repel Russia's invasion").
        kinds = dict(marks)
        for j in range(k - 2, max(-1, k - 5), -1):
            if any(units[m].boundary for m in range(j + 1, k + 1)):
                break
            if j in kinds and units[j + 1].forms[-1] in ("'s", "'") \
                    and not any(m in kinds for m in range(j + 2, k)):
                return j, kinds[j], "agent"
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
    # "Kharkiv has been shelled for months": a passive makes its subject the patient.
    if role == "agent" and _passive(units, k):
        role = "patient"
    return p, kind, role


def _verb_after(units: list[Unit], k: int, a: int) -> bool:
    """Whether unit ``k`` is the verb an advocacy word ``a`` takes ("should bomb", "must not attack").

    At most one word may stand between them (a negator or an adverb: "should
    just bomb", "must never attack"); "to" may follow the advocacy word ("urge
    them to strike" is not this: a pronoun or a name between them is the one
    urged). An act named as a noun ("condemn the invasion") is not called for.
    """
    between = [u for u in units[a + 1:k]]
    if any(units[m].boundary for m in range(a + 1, k + 1)):
        return False
    between = [u for u in between if u.key != "to"]
    return len(between) == 0 or (len(between) == 1 and (between[0].forms[-1].endswith("ly")
                                                         or between[0].key in _ADVERBS_BEFORE_VERB))


_ADVERBS_BEFORE_VERB = frozenset({"not", "never", "just", "also", "then", "still", "rather", "simply", "n't"})


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
            anchors: list[int] | None = None, sources: list[str] | None = None,
            asked: frozenset[int] = frozenset()) -> list[dict]:
    """Cues that come from the target's role in the sentence rather than from one word.

    * advocated / opposed: an advocacy (or opposition) word with a target
      as its object, within ``rules.advocacy.scope`` words and no cue between
      them ("we fully support the sanctions", "many oppose the embargo");
    * victims / wrongdoers: a victim or wrongdoer word within twice
      ``rules.target.window`` of a target (the role is often a clause away:
      "the cost of the embargo is borne by pensioners"), and not the word
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
        mentions and the pronouns after the first ("nobody wants them");
        ``hits`` when None.
    sources
        Each unit's cue source (:func:`base_value`); a polar word between an
        advocacy word and its object blocks the frame unless it is a
        general-lexicon word right before the target. None: any polar word blocks.

    Returns
    -------
    list of dict
        Cue records in the shape of :class:`Scored` ``cues``, ``source``
        ``"frame: <kind>"``. Each frame counts at most once per sentence. A
        negator right before the advocacy word flips it ("we have never
        supported these sanctions") unless it is in ``asked``
        (:func:`asking_negators`: "Don't we all support these sanctions?").
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
            # A cue between them is the verb's object instead ("oppose any lifting
            # of sanctions"), unless it is a general-lexicon word modifying the
            # target ("support these effective measures"); an opposition word
            # heading a "that" clause is a regret (see _regretted).
            if h is None or any(units[j].boundary for j in range(a + 1, h + 1)) \
                    or any(values[j] and (h - j > 2 or sources is None or sources[j] != "lexicon")
                           for j in range(a + 1, h)) \
                    or (a + 1 < len(units) and units[a + 1].key == "that" and h != a + 2):
                continue
            neg = _clause_before(units, a, rules.negators, 3)
            if neg in asked:
                neg = None  # "Don't we all support the sanctions?"
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
    """The label of a stance under ``stance.thresholds``: a pole needs a stance of its sign."""
    if stance >= positive and stance > 0:
        return 1
    if stance <= negative and stance < 0:
        return -1
    return 0


def theme_label(stance: float, thresholds: tuple[float, float]) -> int:
    """The label of a stance under a theme's own ``(negative, positive)`` thresholds (``negative < positive``).

    Fitted to a corpus (``python -m pipeline.stance fit``), they may lie on
    either side of 0: with ``negative`` >= 0 a mention with no cue (stance 0)
    is labelled -1, the corpus's prior.
    """
    negative, positive = thresholds
    if stance >= positive:
        return 1
    if stance <= negative:
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
    if theme.target_heads.isdisjoint(window[focus].lemmas):
        return Scored(relevant=False)  # no target word at all: most sentences of a corpus, decided cheaply
    matcher = matcher_for(tuple(sorted(set(theme.expressions) | set(rules.expressions))))
    focal = units_of(window[focus], matcher)
    hits = mentions(focal, theme)
    if not hits:
        return Scored(relevant=False)
    per_sentence = [units_of(s, matcher) for s in window]
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
    # A demonstrative before a noun refers back as well ("these measures").
    # A pronoun stands for the nearest mention before it, the target's or its
    # adversary's ("Russia said they would not attack": "they" is Russia).
    for_target, for_counter = _resolve_pronouns(focal, [h for h in hits if h not in tags], counters, rules)
    anchors = sorted({h for h in hits if h not in tags} | set(for_target))
    counters = sorted(set(counters) | set(for_counter))
    total, cues = 0.0, []
    focal_values: list[float] = []
    focal_sources: list[str] = []
    focal_asked: frozenset[int] = frozenset()
    for si, units in enumerate(per_sentence):
        base = [base_value(u, theme, rules, lexicon, weight, si == focus and k in target_set)
                for k, u in enumerate(units)]
        values = [b[0] for b in base]
        sources = [b[2] for b in base]
        quoted = scare_quoted(window[si], units, rules)
        asked = asking_negators(window[si], units, rules)
        ironic = ironic_units(window[si], units, rules) if rules.irony_factor != 1 else set()
        if si == focus:
            focal_asked = asked
            focal_values = values
            governors = _governors(units, values, sources)
            focal_sources = sources
        for k, (value, pole, source) in enumerate(base):
            if value == 0:
                continue
            if max_dist and min(abs(offsets[si] + k - h) for h in hit_pos) > max_dist:
                continue
            attributive = (si == focus and source == "lexicon" and rules.attributive != 1
                           and _attributive(units, k, hits, values, rules))
            factor, notes = _modifiers(units, k, values, sources, rules, not attributive, k in quoted, asked)
            # A modifier of the target is not itself what is called for.
            called = None if attributive else _clause_before(units, k, rules.advocacy, rules.advocacy_scope)
            # Only the theme's own cues state what is regretted; sentiment and
            # harm words there are the speaker's view of the events.
            regretted = _regretted(units, k, rules) if source in ("cue", "call") else None
            if regretted is not None:
                # "we regret that the embargo was never lifted": the speaker
                # opposes the state the clause describes.
                factor *= -1
                notes.append(f"regretted by '{units[regretted].surface}'")
            if source == "call" and _other_object(units, k, target_set if si == focus else set(), rules):
                continue  # "demand the end of arms deliveries": not an end of the target
            # Denying an act toward the +1 pole is a refusal ("refused to join the
            # measures"); denying its undoing only reports that the target
            # persists ("the embargo was not lifted in May").
            refused = value > 0 and any(n.startswith("negated") for n in notes)
            if source == "call" and called is None and not refused and regretted is None:
                speaker = _clause_before(units, k, rules.speakers, rules.advocacy_scope)
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
            anchor = (_anchor(units, k, anchors, counters, reach, rules, role_judged, governors,
                              _AGENT_MARKERS.get(source, ("by", "from")))
                      if si == focus else None)
            if source == "lexicon" and theme.events and _said_of_event(units, k, hits, anchor, attributive, theme):
                continue  # "this senseless war": the events are judged, not the target's side
            if source == "harm":
                # Harm done by the target counts against it; harm done by its
                # adversary, or to the target, for it.
                if anchor is None:
                    continue
                p, kind, role = anchor
                if kind == "counter" and role == "patient":
                    continue  # harm to the adversary is news, not sympathy for it
                sign = -1 if (kind == "target") == (role == "agent") else 1
                if called is not None and role == "agent" and _verb_after(units, k, called):
                    # "Russia should bomb Kyiv", "Ukraine must strike back": calling
                    # for an act sides with the one who is to do it.
                    sign = -sign
                    notes.append(f"called for: sides with '{units[p].surface}'")
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
                if not _attached(units, k, anchor[0]):
                    # A general word near the adversary's name is about the
                    # events or the speaker's mood more often than about the
                    # adversary ("good essay on Russia", "interesting that Moscow
                    # ..."); flipping it would push the wrong way. Only a word
                    # that modifies the name or is said of it as a predicate
                    # ("the brutal invaders", "Russia is brutal") counts.
                    continue
                factor *= -1
                notes.append(f"said of '{units[anchor[0]].surface}' (counter-target)")
            elif anchor is None and not (si == focus and source != "lexicon" and _same_clause(units, k, hits)):
                # A theme cue in a mention's clause is about it however long the
                # clause ("the lifting of the trade and banking embargo").
                far = rules.lexicon_far if source == "lexicon" else rules.far
                if far == 0:
                    continue
                if far != 1:
                    factor *= far
                    notes.append(f"away from the target x{far:g}")
            v = value * factor
            if k in ironic and value > 0 and v > 0 and source in ("lexicon", "cue"):
                # "Oh great, they really want peace": praise under an irony tag mocks.
                v *= rules.irony_factor
                notes.append(f"ironic x{rules.irony_factor:g}")
            total += v
            if source == "cue" and units[k].key in theme.expanded:
                source = "expansion"  # a cue stance.expansion added: the evidence says so
            cues.append({
                "term": units[k].surface, "key": units[k].key, "source": source,
                "pole": pole, "value": round(v, 4), "rules": notes,
                "sentence": si - focus, "span": [units[k].start, units[k].end],
            })
    for frame in _frames(focal, focal_values, hits, theme, rules, anchors, focal_sources, focal_asked):
        total += frame["value"]
        cues.append(frame)
    # A target in scare quotes ("so-called sanctions", 'the "sanctions"') is disputed by the speaker.
    if theme.distanced_target:
        sign = 1 if theme.distanced_target > 0 else -1
        focal_quoted = scare_quoted(window[focus], focal, rules)
        for h in hits:
            marker = next((f"distanced by '{focal[j].surface}'" for j in range(h - 1, max(-1, h - 3), -1)
                           if focal[j].key in rules.distancers and not any(focal[m].boundary for m in range(j + 1, h + 1))),
                          "in scare quotes" if h in focal_quoted else None)
            if marker is not None:
                total += theme.distanced_target
                cues.append({
                    "term": focal[h].surface, "key": focal[h].key, "source": "distanced target",
                    "pole": theme.pole_name(sign), "value": round(theme.distanced_target, 4),
                    "rules": [marker], "sentence": 0,
                    "span": [focal[h].start, focal[h].end],
                })
    if rules.news_factor != 1 and shared_news(window[focus], rules):
        # A shared news item reports what its headline says; its cues are the news's.
        total *= rules.news_factor
        for c in cues:
            c["value"] = round(c["value"] * rules.news_factor, 4)
            c["rules"] = c["rules"] + [f"shared news item x{rules.news_factor:g}"]
    stance = math.tanh(total / cfg["scale"])
    t = cfg["thresholds"]
    return Scored(
        relevant=True,
        stance=round(stance, 4),
        label=(label_of(stance, t["negative"], t["positive"]) if theme.thresholds is None
               else theme_label(stance, theme.thresholds)),
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
