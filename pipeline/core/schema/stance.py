"""The ``stance`` group's schema and that of the stance lexicon file; what the scorer gets is the two merged.

``params.yaml`` holds the settings one compares (window, polarity weight,
scale, thresholds, gold files, expansion on or off) and, optionally, the
rules' numbers (factors, scopes, the target window; defaults below). The
rules' word lists and the polarity overrides are lexicon content: they live
in ``lexicon/stance.yaml`` (:data:`LEXICON_SCHEMA`), not in ``params.yaml``,
whose every leaf is a column of ``dvc exp show``. :func:`validate` merges
them into the group the scorer has always read (``stance.rules.negation.terms``
beside ``stance.rules.negation.factor``).

Validation only; :mod:`pipeline.stance.rules` compiles the validated group.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Mapping

from .. import config as C
from . import bootstrap_section
from ..errors import UserError
from ..paths import FILES

#: ``stance.expansion`` when the group leaves it out, or leaves out some of its keys.
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


# The rules' numbers: parameters with the defaults the shipped lexicon was tuned with.
# Set one with `-S '+stance.rules.negation.factor=0'` or under stance.rules in conf/stance/.
RULE_NUMBERS = C.optional(C.Section(
    {
        # a negator flips (-1) or cancels (0) the cues within `scope` words after it, in its clause
        "negation": C.optional(C.Section({"factor": C.optional(C.Float(min=-1, max=1), -1.0),
                                          "scope": C.optional(C.Int(min=1), 10)})),
        # scare quotes mark the phrase right after them, not the rest of the clause
        "distancing": C.optional(C.Section({"factor": C.optional(C.Float(min=-1, max=1), -1.0),
                                            "scope": C.optional(C.Int(min=1), 2)})),
        # words before a cue searched for an intensifier or diminisher
        "modifier_scope": C.optional(C.Int(min=1), 2),
        # the clause before a contrast marker counts `before`, the one after it `after`
        "contrast": C.optional(C.Section({"before": C.optional(C.Float(min=0), 0.5),
                                          "after": C.optional(C.Float(min=0), 1.5)})),
        # a cue after a topic word ("discuss") counts this much
        "topic": C.optional(C.Section({"factor": C.optional(C.Float(min=0, max=1), 0.2)})),
        # the cue after an advocacy word counts `factor` times, within `scope` words
        "advocacy": C.optional(C.Section({"factor": C.optional(C.Float(min=1), 1.5),
                                          "scope": C.optional(C.Int(min=1), 4)})),
        # Target-directed evaluation: cues within `window` words of a mention are about it;
        # theme cues further away count `far`, general-lexicon words `lexicon_far`; a
        # general-lexicon word right before a mention ("absurd sanctions") counts `attributive` times.
        "target": C.optional(C.Section({"window": C.optional(C.Int(min=1), 5),
                                        "far": C.optional(C.Float(min=0, max=1), 0.5),
                                        "lexicon_far": C.optional(C.Float(min=0, max=1), 0.0),
                                        "attributive": C.optional(C.Float(min=1), 2.0)})),
        # praise in a sentence with an irony tag ("yeah right", "/s") counts `factor` times
        "irony": C.optional(C.Section({"factor": C.optional(C.Float(min=-1, max=1), -1.0)})),
        # One to three words in double quotes distanced like "so-called". Off by default: in
        # speeches quotes mostly name or mention ('the "star wars" programme', 'the word
        # "terror"'), which the rule would flip; on the development sets it changed one tweet
        # each way.
        "scare_quotes": C.optional(C.Section({"enabled": C.optional(C.Bool(), False)})),
        # A post that closes with `tags` or more hashtags and never speaks in the first
        # person shares a news item: its cues count `factor` times (0: the post is neutral).
        "news": C.optional(C.Section({"tags": C.optional(C.Int(min=1), 2),
                                      "factor": C.optional(C.Float(min=0, max=1), 0.0)})),
    }
))

_TERMS = C.List(C.Str())

#: ``lexicon/stance.yaml``: the polarity overrides and the rules' word lists.
LEXICON_SCHEMA = C.Section(
    {
        # words whose general-lexicon valence is replaced (0: not evaluative here)
        "polarity": C.Section({"overrides": C.Free(_signed_numbers, "a mapping of word: valence")}),
        "rules": C.Section(
            {
                "negation": C.Section({"terms": _TERMS,
                                       # expressions with a negator that deny nothing ("not only")
                                       "exceptions": C.optional(C.List(C.Str()), []),
                                       # words a negation passes through to its cue ("not willing to")
                                       "transparent": C.optional(C.List(C.Str()), [])}),
                "distancing": C.Section({"terms": _TERMS}),
                "intensifiers": _WEIGHTS,
                "diminishers": _WEIGHTS,
                "contrast": C.Section({"terms": _TERMS}),
                "topic": C.Section({"terms": _TERMS}),
                "scope_breakers": C.List(C.Str()),
                # Calls, demands and support: they carry the cue after them
                # ("call for the lifting of") and, with the target as their object,
                # the theme's frames.advocated value ("we support the sanctions").
                "advocacy": C.optional(C.Section({
                    "terms": C.optional(C.List(C.Str()), []),
                    # Opposing the target: frames.advocated with the opposite sign.
                    "opposition": C.optional(C.List(C.Str()), []),
                    # A first-person subject makes a call cue a commitment ("we have
                    # imposed tough sanctions") as an advocacy word does.
                    "speakers": C.optional(C.List(C.Str()), [])})),
                "target": C.optional(C.Section({
                    # Pronouns after a mention stand for it ("the sanctions are
                    # effective, but they are illegal").
                    "pronouns": C.optional(C.List(C.Str()), []),
                    # A mention right after one of these is a place or an object
                    # ("bombing in Ukraine"), never the agent of the harm after it.
                    "prepositions": C.optional(C.List(C.Str()), []),
                    # A mention after one of these is the standard of a comparison
                    # ("freer than Russia"), not what the word before it evaluates.
                    "comparison": C.optional(C.List(C.Str()), [])})),
                # Tags that mark a sentence as ironic ("yeah right", "oh great"); "/s" always does.
                "irony": C.optional(C.Section({"terms": C.optional(C.List(C.Str()), [])})),
                "news": C.optional(C.Section({
                    # First-person words: a post that uses one speaks in its author's
                    # voice, so it is no shared news item.
                    "voice": C.optional(C.List(C.Str()), [])})),
            }
        ),
    }
)

#: The merged ``stance.rules`` the scorer reads (:func:`pipeline.stance.rules.compile_rules`): words and numbers.
RULES = C.Section(
    {
        "negation": C.Section({"terms": _TERMS, "factor": C.Float(), "scope": C.Int(),
                               "exceptions": _TERMS, "transparent": _TERMS}),
        "distancing": C.Section({"terms": _TERMS, "factor": C.Float(), "scope": C.Int()}),
        "intensifiers": _WEIGHTS,
        "diminishers": _WEIGHTS,
        "modifier_scope": C.Int(),
        "contrast": C.Section({"terms": _TERMS, "before": C.Float(), "after": C.Float()}),
        "topic": C.Section({"terms": _TERMS, "factor": C.Float()}),
        "scope_breakers": _TERMS,
        "advocacy": C.Section({"terms": _TERMS, "factor": C.Float(), "scope": C.Int(), "opposition": _TERMS,
                               "speakers": _TERMS}),
        "target": C.Section({"window": C.Int(), "far": C.Float(), "lexicon_far": C.Float(), "pronouns": _TERMS,
                             "attributive": C.Float(), "prepositions": _TERMS, "comparison": _TERMS}),
        "irony": C.Section({"terms": _TERMS, "factor": C.Float()}),
        "scare_quotes": C.Section({"enabled": C.Bool()}),
        "news": C.Section({"voice": _TERMS, "tags": C.Int(), "factor": C.Float()}),
    }
)

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
            }
        ),
        # tanh(sum / scale): only the continuous score's spread; the labels depend on the thresholds
        "scale": C.optional(C.Float(min=0.01), 1.0),
        "thresholds": C.Section({"negative": C.Float(min=-1, max=0), "positive": C.Float(min=0, max=1)}),
        "rules": RULE_NUMBERS,
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
        "bootstrap": bootstrap_section(resamples=2000, seed=20240416),
        "evidence": C.optional(C.Section({
            "per_pole": C.optional(C.Int(min=1), 3),  # strongest sentences per pole, document and theme
            # documents in stance_evidence.md and the heatmap (the CSVs have all)
            "max_documents": C.optional(C.Int(min=1), 60)})),
    }
)


def merge_rules(words: Mapping, numbers: Mapping) -> dict:
    """The rules' word lists (lexicon file) and numbers (parameters) as one mapping of :data:`RULES`'s shape."""
    out = {}
    for name in RULES.fields:
        if name in words and name in numbers:  # a rule with words and numbers: negation, contrast, ...
            out[name] = {**words[name], **numbers[name]}
        else:  # words only (intensifiers, scope_breakers) or a number only (modifier_scope)
            out[name] = words[name] if name in words else numbers[name]
    return out


def validate(cfg: dict, lexicon: object, source: str = C.PARAMS_FILE) -> dict:
    """The ``stance`` group merged with the stance lexicon file, and the checks a schema cannot express.

    Parameters
    ----------
    cfg : dict
        The ``stance`` group as :data:`SCHEMA` validated it.
    lexicon : object
        The content of ``lexicon/stance.yaml`` (:func:`pipeline.core.config.lexicons.read`), unchecked.
    source : str
        The parameters file named in messages about ``cfg``; messages about the
        lexicon name its file.

    Returns
    -------
    dict
        ``cfg`` with ``polarity.overrides`` and the rules' word lists of the lexicon
        file: the shape :mod:`pipeline.stance.rules` compiles.
    """
    where = FILES["stance_lexicon"]
    try:
        words = LEXICON_SCHEMA.check("", lexicon)
    except UserError as exc:
        raise UserError(f"{where}: {exc}") from None
    for name in ("intensifiers", "diminishers"):
        for term, w in words["rules"][name].items():
            if (name == "intensifiers" and w < 1) or (name == "diminishers" and w > 1):
                bound = ">= 1" if name == "intensifiers" else "<= 1"
                raise UserError(f"{where}: rules.{name}.{term} = {w!r} is not allowed: a number {bound}")
    cfg = dict(cfg)
    cfg["polarity"] = {**cfg["polarity"], "overrides": words["polarity"]["overrides"]}
    cfg["rules"] = RULES.check("stance.rules", merge_rules(words["rules"], cfg["rules"]))
    for i, v in enumerate(cfg["validation"]):
        # DVC tracks coding/ for stance_eval; a gold file elsewhere would change unseen
        f = PurePosixPath(v["file"])
        if f.is_absolute() or ".." in f.parts or not f.is_relative_to(FILES["coding_dir"]):
            raise UserError(f"{source}: stance.validation[{i}].file = {v['file']!r} is not allowed: gold files live "
                            f"in {FILES['coding_dir']}/, the folder the stance_eval stage depends on (move it there)")
    names = [v["name"] for v in cfg["validation"]]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UserError(f"{source}: stance.validation: the name {dup!r} is used twice; each gold file needs its own")
    t = cfg["thresholds"]
    if not t["negative"] < t["positive"]:
        raise UserError(f"{source}: stance.thresholds = {t!r} is not allowed: negative < positive")
    return cfg
