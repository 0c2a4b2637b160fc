"""The ``stance`` config group: scoring window, rules, general polarity lexicon, bootstrap.

Rules are data: negators, distancing markers, intensifiers, diminishers,
contrast and topic markers are word lists in ``lexicon/stance.yaml``, their
factors and scopes parameters (``stance.rules.*``), matched on lemmas like
theme terms. :mod:`pipeline.core.schema.stance` validates and merges them; this
module compiles the result; :mod:`.scoring` applies it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

from ..core.errors import UserError
from .themes import term_key, term_words

from ..core.schema.stance import EXPANSION_DEFAULTS, SCHEMA, validate  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Rules:
    """The ``stance.rules`` word lists as lemma keys."""

    negators: frozenset[str]
    negation_factor: float
    negation_scope: int
    transparent: frozenset[str]  # volition/permission words a negation passes through
    distancers: frozenset[str]
    distancing_factor: float
    distancing_scope: int
    scalers: dict[str, float]  # intensifiers and diminishers
    modifier_scope: int
    contrast: frozenset[str]
    contrast_before: float
    contrast_after: float
    topic: frozenset[str]
    topic_factor: float
    breakers: frozenset[str]
    expressions: tuple[str, ...]
    advocacy: frozenset[str] = frozenset()
    advocacy_factor: float = 1.0
    advocacy_scope: int = 1
    opposition: frozenset[str] = frozenset()
    speakers: frozenset[str] = frozenset()
    target_window: int = 1000
    far: float = 1.0
    lexicon_far: float = 1.0
    pronouns: frozenset[str] = frozenset()
    attributive: float = 1.0
    prepositions: frozenset[str] = frozenset()
    comparison: frozenset[str] = frozenset()
    irony: frozenset[str] = frozenset()
    irony_factor: float = 1.0
    scare_quotes: bool = False
    news_voice: frozenset[str] = frozenset()  # lower-cased first-person words, as written
    news_tags: int = 2
    news_factor: float = 1.0


def compile_rules(cfg: dict) -> Rules:
    r = cfg["rules"]
    # Negation exceptions ("not only", "nothing but") are joined into one unit
    # that is no negator, so they never flip anything.
    terms = (r["negation"]["terms"] + r["negation"]["exceptions"] + r["distancing"]["terms"] + list(r["intensifiers"]) + list(r["diminishers"])
             + r["contrast"]["terms"] + r["topic"]["terms"] + r["scope_breakers"] + r["advocacy"]["terms"]
             + r["advocacy"]["opposition"] + r["irony"]["terms"])
    multi = tuple(sorted({" ".join(term_words(t)) for t in terms if len(term_words(t)) > 1}))
    keys = lambda xs: frozenset(term_key(x) for x in xs)  # noqa: E731
    return Rules(
        negators=keys(r["negation"]["terms"]),
        negation_factor=r["negation"]["factor"],
        negation_scope=r["negation"]["scope"],
        transparent=keys(r["negation"]["transparent"]),
        distancers=keys(r["distancing"]["terms"]),
        distancing_factor=r["distancing"]["factor"],
        distancing_scope=r["distancing"]["scope"],
        scalers={term_key(t): w for t, w in {**r["intensifiers"], **r["diminishers"]}.items()},
        modifier_scope=r["modifier_scope"],
        contrast=keys(r["contrast"]["terms"]),
        contrast_before=r["contrast"]["before"],
        contrast_after=r["contrast"]["after"],
        topic=keys(r["topic"]["terms"]),
        topic_factor=r["topic"]["factor"],
        breakers=keys(r["scope_breakers"]),
        expressions=multi,
        advocacy=keys(r["advocacy"]["terms"]),
        advocacy_factor=r["advocacy"]["factor"],
        advocacy_scope=r["advocacy"]["scope"],
        opposition=keys(r["advocacy"]["opposition"]),
        speakers=keys(r["advocacy"]["speakers"]),
        target_window=r["target"]["window"],
        far=r["target"]["far"],
        lexicon_far=r["target"]["lexicon_far"],
        pronouns=keys(r["target"]["pronouns"]),
        attributive=r["target"]["attributive"],
        prepositions=keys(r["target"]["prepositions"]),
        comparison=keys(r["target"]["comparison"]),
        irony=keys(r["irony"]["terms"]),
        irony_factor=r["irony"]["factor"],
        scare_quotes=r["scare_quotes"]["enabled"],
        news_voice=frozenset(w.lower() for w in r["news"]["voice"]),
        news_tags=r["news"]["tags"],
        news_factor=r["news"]["factor"],
    )


# ------------------------------------------------------------- polarity lexicon
_SCALE = {"vader": 4.0, "afinn": 5.0}


@functools.lru_cache(maxsize=4)
def _raw_lexicon(name: str) -> tuple[tuple[str, float], ...]:
    if name == "none":
        return ()
    if name == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        items = SentimentIntensityAnalyzer().lexicon.items()
    else:
        try:
            from afinn import Afinn
        except ImportError:
            raise UserError("stance.polarity.lexicon = 'afinn' needs the afinn package: pip install afinn") from None
        items = Afinn(emoticons=False)._dict.items()  # the word list the package ships
    return tuple(sorted((str(w), float(v)) for w, v in items if " " not in str(w)))


def polarity_lexicon(name: str, overrides: Mapping[str, float]) -> dict[str, float]:
    """Word -> valence in [-1, 1]; keys are lower-cased forms and their lemmas.

    A form's own entry wins over a lemma's ("rejected" keeps VADER's value for
    "rejected"); ``overrides`` (already in [-1, 1]) win over both.
    """
    scale = _SCALE.get(name, 1.0)
    out: dict[str, float] = {}
    raw = dict(_raw_lexicon(name))
    for word, v in raw.items():
        out.setdefault(term_key(word), v / scale)
    for word, v in raw.items():
        out[word] = v / scale
    for word, v in overrides.items():
        out[term_key(word)] = max(-1.0, min(1.0, v))
        out[word.lower()] = max(-1.0, min(1.0, v))
    return out
