"""The ``stance`` group's schema: scoring window, rules, general polarity lexicon, bootstrap, validation files.

Validation only; :mod:`pipeline.stance.rules` compiles the validated group.
"""
from __future__ import annotations

from typing import Mapping

from .. import config as C
from ..errors import UserError

#: ``stance.expansion`` when the group leaves it out (conf/stance/default.yaml says the same).
EXPANSION_DEFAULTS = {"enabled": False, "dim": 100, "window": 5, "min_count": 5, "epochs": 10, "seed": 1,
                      "candidates_window": 5, "keyness_p": 0.01, "top": 20, "min_similarity": 0.05, "weight": 0.5,
                      "corpus": None, "exclude": []}

_X = EXPANSION_DEFAULTS

_WEIGHTS = C.Free(lambda k, v: _numbers(k, v), "a mapping of term: number")


def _window_shorthand(key: str, value) -> dict[str, int]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"{key} = {value!r} is not allowed: {{sentences: N, tokens: N}} or an integer >= 0")
    return {"sentences": value, "tokens": 0}


def _identifier(key: str, value) -> str:
    import re

    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise C.fail(key, value, "a lower-case identifier (letters, digits, _), e.g. seeds_dev")
    return value


def _numbers(key: str, value) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise C.fail(key, value, "a mapping of term: number")
    return {str(t): C.Float(min=0).check(f"{key}.{t}", w) for t, w in value.items()}


def _signed_numbers(key: str, value) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise C.fail(key, value, "a mapping of word: valence")
    return {str(t): C.Float().check(f"{key}.{t}", w) for t, w in value.items()}


SCHEMA = C.Section(
    {
        "window": C.AnyOf([
            C.Section({"sentences": C.Int(min=0), "tokens": C.Int(min=0)}),
            # shorthand for sweeps: `stance.window=1` is ± 1 sentence
            C.Free(_window_shorthand, "an integer >= 0 (± N sentences)"),
        ]),
        "polarity": C.Section(
            {
                "lexicon": C.Str(choices=["vader", "afinn", "none"]),
                "weight": C.Float(min=0),
                "overrides": C.Free(_signed_numbers, "a mapping of word: valence"),
            }
        ),
        "scale": C.Float(min=0.01),
        "thresholds": C.Section({"negative": C.Float(min=-1, max=0), "positive": C.Float(min=0, max=1)}),
        "rules": C.Section(
            {
                "negation": C.Section({"terms": C.List(C.Str()), "factor": C.Float(min=-1, max=1),
                                       "scope": C.Int(min=1),
                                       "exceptions": C.optional(C.List(C.Str()), []),
                                       "transparent": C.optional(C.List(C.Str()), [])}),
                "distancing": C.Section({"terms": C.List(C.Str()), "factor": C.Float(min=-1, max=1),
                                         "scope": C.Int(min=1)}),
                "intensifiers": _WEIGHTS,
                "diminishers": _WEIGHTS,
                "modifier_scope": C.Int(min=1),
                "contrast": C.Section({"terms": C.List(C.Str()), "before": C.Float(min=0),
                                       "after": C.Float(min=0)}),
                "topic": C.Section({"terms": C.List(C.Str()), "factor": C.Float(min=0, max=1)}),
                "scope_breakers": C.List(C.Str()),
                # Calls, demands and support: they carry the cue after them
                # ("call for the lifting of") and, with the target as their object,
                # the theme's frames.advocated value ("we support the sanctions").
                "advocacy": C.optional(
                    C.Section({"terms": C.List(C.Str()), "factor": C.Float(min=1), "scope": C.Int(min=1),
                               # Opposing the target: frames.advocated with the opposite sign.
                               "opposition": C.optional(C.List(C.Str()), []),
                               # A first-person subject makes a call cue a commitment ("we have
                               # imposed tough sanctions") as an advocacy word does.
                               "speakers": C.optional(C.List(C.Str()), [])}),
                    {"terms": [], "factor": 1.0, "scope": 1, "opposition": [], "speakers": []}),
                # Target-directed evaluation: a cue within `window` words of a
                # mention is about it; one further away counts `far` (theme cues) or
                # `lexicon_far` (general-lexicon words).
                "target": C.optional(
                    C.Section({"window": C.Int(min=1), "far": C.Float(min=0, max=1),
                               "lexicon_far": C.Float(min=0, max=1),
                               # Pronouns after a mention stand for it ("the sanctions are
                               # effective, but they are illegal").
                               "pronouns": C.optional(C.List(C.Str()), []),
                               # A general-lexicon word right before a mention modifies it
                               # ("absurd sanctions") and counts this many times.
                               "attributive": C.optional(C.Float(min=1), 1.0),
                               # A mention right after one of these is a place or an object
                               # ("bombing in Ukraine"), never the agent of the harm after it.
                               "prepositions": C.optional(C.List(C.Str()), []),
                               # A mention after one of these is the standard of a comparison
                               # ("freer than Russia"), not what the word before it evaluates.
                               "comparison": C.optional(C.List(C.Str()), [])}),
                    {"window": 1000, "far": 1.0, "lexicon_far": 1.0, "pronouns": [], "attributive": 1.0,
                     "prepositions": [], "comparison": []}),
            }
        ),
        # Gold files the stance_eval stage scores, each with its role:
        # `development` (the lexicons were written or tuned on it) or `held-out`
        # (coded from the analysed corpus, never used to tune). Only a held-out
        # figure is a headline.
        "validation": C.optional(
            C.List(C.Section({"name": C.Free(_identifier, "a lower-case identifier (letters, digits, _)"),
                              "file": C.Str(),
                              "role": C.Str(choices=["development", "held-out"]),
                              "source": C.optional(C.Str(), "")})),
            []),
        # Corpus-adapted lexicon expansion (Latent Semantic Scaling, see .expansion):
        # word vectors trained on the corpus propose cues near target mentions.
        "expansion": C.optional(
            C.Section({
                "enabled": C.optional(C.Bool(), _X["enabled"]),
                "dim": C.optional(C.Int(min=2), _X["dim"]),
                "window": C.optional(C.Int(min=1), _X["window"]),
                "min_count": C.optional(C.Int(min=1), _X["min_count"]),
                "epochs": C.optional(C.Int(min=1), _X["epochs"]),
                "seed": C.optional(C.Int(min=0), _X["seed"]),
                # words within this many of a target mention are candidates
                "candidates_window": C.optional(C.Int(min=1), _X["candidates_window"]),
                # ... and are more frequent there than elsewhere (chi-square p below this; LSX char_context)
                "keyness_p": C.optional(C.Float(min=0, max=1), _X["keyness_p"]),
                "top": C.optional(C.Int(min=0), _X["top"]),  # words added per pole and theme
                # a word's mean similarity to its pole's cues minus that to the other pole's, at least
                "min_similarity": C.optional(C.Float(min=0, max=2), _X["min_similarity"]),
                "weight": C.optional(C.Float(min=0, max=2), _X["weight"]),
                "corpus": C.optional(C.Str(nullable=True), _X["corpus"]),
                # words a reviewer struck from reports/tables/stance_expansion.csv
                "exclude": C.optional(C.List(C.Str()), _X["exclude"]),
            }),
            EXPANSION_DEFAULTS),
        "bootstrap": C.Section(
            {
                "resamples": C.Int(min=100),
                "seed": C.Int(min=0),
                "confidence": C.Float(min=0.5, max=0.999),
                "min_sentences": C.Int(min=1),
                # A pooled interval resamples documents; fewer than 2 leaves nothing to resample.
                "min_documents": C.Int(min=2),
            }
        ),
        "evidence": C.Section({"per_pole": C.Int(min=1), "max_documents": C.Int(min=1)}),
    }
)


def validate(cfg: dict, source: str = C.PARAMS_FILE) -> dict:
    """Checks the schema cannot express; messages name the key like :func:`config.group`."""
    names = [v["name"] for v in cfg["validation"]]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UserError(f"{source}: stance.validation: the name {dup!r} is used twice; each gold file needs its own")
    t = cfg["thresholds"]
    if not t["negative"] < t["positive"]:
        raise UserError(f"{source}: stance.thresholds = {t!r} is not allowed: negative < positive")
    for name in ("intensifiers", "diminishers"):
        for term, w in cfg["rules"][name].items():
            if (name == "intensifiers" and w < 1) or (name == "diminishers" and w > 1):
                bound = ">= 1" if name == "intensifiers" else "<= 1"
                raise UserError(f"{source}: stance.rules.{name}.{term} = {w!r} is not allowed: a number {bound}")
    return cfg
