"""The schema of a theme file, ``lexicon/themes/<name>.yaml``, and the term keys its checks need.

``params.yaml`` lists the themes by name (``themes: [sanctions, ...]``);
:func:`pipeline.core.config.lexicons.read` reads their files and
:func:`validate_themes` checks them, every error naming the file and the key
in it. Validation only; :mod:`pipeline.stance.themes` compiles the validated themes.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from .. import config as C
from ..config.lexicons import theme_file
from ..errors import UserError
from ..text import lemma

#: Where a configured term splits into words: white space and hyphens, as syntok splits text.
TERM_SPLIT = re.compile(r"[\s\-\u2010-\u2015]+")


def term_words(term: str) -> list[str]:
    """Lemmas of the words of a configured term, split as syntok splits text."""
    return [lemma(w) for w in TERM_SPLIT.split(term.strip()) if w]


def term_key(term: str) -> str:
    """The key a term has after multi-word joining ("Peace Talks" -> "peace_talk")."""
    return "_".join(term_words(term))


_theme_file = theme_file


def _mapping_of_numbers(key: str, value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise C.fail(key, value, "a mapping of term: weight")
    out = {}
    for term, weight in value.items():
        if not isinstance(term, str) or not term_words(term):
            raise C.fail(key, term, "a non-empty term")
        out[term] = C.Float().check(f"{key}.{term}", weight)
    return out


def _mapping_of_poles(key: str, value: Any) -> dict[str, dict]:
    pole = C.Section({"sign": C.Int(min=-1, max=1), "description": C.Str()})
    if not isinstance(value, Mapping) or len(value) != 2:
        raise C.fail(key, value, "exactly two poles, each {sign: -1 or 1, description: ...}")
    out = {str(name): pole.check(f"{key}.{name}", spec) for name, spec in value.items()}
    signs = sorted(p["sign"] for p in out.values())
    if signs != [-1, 1]:
        raise C.fail(f"{key}.*.sign", signs, "one pole with sign -1 and one with sign 1")
    return out


def _mapping_of_cues(key: str, value: Any) -> dict[str, dict[str, float]]:
    if not isinstance(value, Mapping):
        raise C.fail(key, value, "a mapping of pole name: {term: weight}")
    return {str(pole): _mapping_of_numbers(f"{key}.{pole}", terms) for pole, terms in value.items()}


_ROLE = C.Section({"terms": C.List(C.Str()), "value": C.Float(min=-2, max=2)})

TARGET = C.AnyOf(
    [
        C.Str(),
        C.Section(
            {
                "term": C.Str(),
                "near": C.optional(C.List(C.Str()), []),
                "not_near": C.optional(C.List(C.Str()), []),
                "window": C.optional(C.Int(min=1), 3),
                # Word forms the target must not have right before the next word
                # ("the assembly sanctioned the budget": approval, not sanctions).
                "not_before": C.optional(C.List(C.Str()), []),
                "forms": C.optional(C.List(C.Str()), []),
            }
        ),
    ]
)

THEME_SCHEMA = C.Section(
    {
        "name": C.Str(),
        # The theme this one is a version of, as gold rows are coded (written by
        # `python -m pipeline.stance fit`; set it by hand for a copy you edit): rows
        # coded under that name are scored with this theme when that one is not
        # selected, so the coding of a theme's poles outlives the lexicon it was
        # first scored with. Name the original, not a version of it.
        "variant_of": C.optional(C.Str(), None),
        "description": C.Str(),
        "poles": C.Free(_mapping_of_poles, "exactly two poles, each {sign: -1 or 1, description: ...}"),
        "targets": C.List(TARGET, min_len=1),
        "exclude": C.optional(C.List(C.Str()), []),
        # Words that put the whole sentence in another domain (sport, culture,
        # IT): a target there only shares a word with the theme.
        "off_topic": C.optional(C.List(C.Str()), []),
        # Phrases that set a scene ("during", "amid", "given"): a mention only
        # inside one, up to the next punctuation, is the background of a remark
        # about something else, so the sentence is not relevant.
        "background": C.optional(C.List(C.Str()), []),
        # A mention that is one of this many or more capitalised names listed
        # together ("Russia, Turkmenistan, Kyrgyzstan, Ukraine") is a place in an
        # enumeration, not a topic; 0 turns the rule off.
        "enumeration": C.optional(C.Int(min=0), 0),
        # Value added when a target itself is in scare quotes ("so-called
        # sanctions"): the speaker disputes it. Signed: < 0 counts toward the -1 pole.
        "distanced_target": C.optional(C.Float(min=-2, max=2), 0.0),
        # The target's adversaries: what is said of them counts toward the
        # opposite pole ("the invaders shelled Kharkiv" favours Ukraine).
        "counter_targets": C.optional(C.List(C.Str()), []),
        # Targets that name the events around the target rather than the target
        # itself ("war", "conflict"): they make a sentence relevant, but a
        # general-lexicon word said of one ("this senseless war") judges the
        # events, not the target, and does not count. Theme cues still do.
        "events": C.optional(C.List(C.Str()), []),
        "cues": C.Free(_mapping_of_cues, "a mapping of pole name: {term: weight}"),
        # Frames that do not depend on the speaker's side (see pipeline/stance/scoring.py).
        "frames": C.optional(
            C.Section(
                {
                    # An advocacy word (stance.rules.advocacy) whose object is the target:
                    # "we call for sanctions", "support Ukraine". Signed toward a pole.
                    "advocated": C.optional(C.Float(min=-2, max=2), 0.0),
                    # Cues that only count when called for, promised or denied ("must
                    # impose", "refused to join"); a report of them ("sanctions imposed
                    # in 2014") evaluates nothing.
                    "calls": C.optional(C.Free(_mapping_of_cues, "a mapping of pole name: {term: weight}"), {}),
                    # Who the target falls on: a victim ("sanctions against us", "on
                    # ordinary people") or a wrongdoer ("against the aggressor").
                    "victims": C.optional(_ROLE, {"terms": [], "value": 0.0}),
                    "wrongdoers": C.optional(_ROLE, {"terms": [], "value": 0.0}),
                    # Harm events judged by who does them to whom: done by the target
                    # counts toward -1, done by a counter-target or to the target toward +1.
                    "harm": C.optional(_ROLE, {"terms": [], "value": 0.0}),
                    # Fortunes of war judged by whose they are: the target's success
                    # ("Ukraine is advancing", "the invaders were repelled") counts
                    # toward +1, its adversary's toward -1; failure words the other way.
                    "success": C.optional(_ROLE, {"terms": [], "value": 0.0}),
                    "failure": C.optional(_ROLE, {"terms": [], "value": 0.0}),
                    # Effect words among the cues ("hurt", "cripple"): their sign flips
                    # when what they hit is a victim ("hurt only ordinary people").
                    "effects": C.optional(C.List(C.Str()), []),
                }
            ),
            {"advocated": 0.0, "calls": {}, "victims": {"terms": [], "value": 0.0},
             "wrongdoers": {"terms": [], "value": 0.0}, "harm": {"terms": [], "value": 0.0},
             "success": {"terms": [], "value": 0.0}, "failure": {"terms": [], "value": 0.0}, "effects": []},
        ),
        # The theme's own label thresholds on its stance, in place of
        # stance.thresholds (written by `python -m pipeline.stance fit`): -1 at or
        # below `negative`, +1 at or above `positive`. Unlike the global ones they
        # may lie on either side of 0, so a corpus whose mentions lean one way
        # (`negative: 0.05`) labels a mention with no cue at all (stance 0) -1.
        "thresholds": C.optional(
            C.Section({"negative": C.Float(min=-1, max=1), "positive": C.Float(min=-1, max=1)}), None),
        "polarity": C.optional(
            C.Section(
                {
                    "weight": C.optional(C.Float(min=0), None),
                    "overrides": C.optional(C.Free(_mapping_of_numbers, "a mapping of word: valence"), {}),
                }
            ),
            {"weight": None, "overrides": {}},
        ),
    }
)


def validate_theme(key: str, raw: Any) -> dict:
    """Validate one theme; errors name its file, ``lexicon/themes/<key>.yaml``, and the key in it."""
    try:
        theme = THEME_SCHEMA.check("", raw)
        _check_semantics(theme)
    except UserError as exc:
        raise UserError(f"{_theme_file(key)}: {exc}") from None
    return theme


def _check_semantics(theme: dict) -> None:
    for key in ("name", "variant_of"):
        if theme[key] is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", theme[key]):
            raise C.fail(key, theme[key], "a name of letters, digits and _")
    if theme["variant_of"] == theme["name"]:
        raise C.fail("variant_of", theme["variant_of"], "the name of another theme (this one is named so)")
    for i, t in enumerate(theme["targets"]):
        term = t if isinstance(t, str) else t["term"]
        if not term_words(term):
            raise C.fail(f"targets[{i}]", term, "a non-empty term")
    poles = theme["poles"]
    seen: dict[str, str] = {}
    for pole, terms in theme["cues"].items():
        if pole not in poles:
            raise UserError(f"cues.{pole} is not a pole of this theme (poles: {', '.join(poles)})")
        for term in terms:
            k = term_key(term)
            if k in seen and seen[k] != pole:
                raise UserError(f"cues: {term!r} is a cue of both poles ({seen[k]} and {pole}); "
                                f"a cue may point one way only")
            seen[k] = pole
    t = theme["thresholds"]
    if t is not None and not t["negative"] < t["positive"]:
        raise C.fail("thresholds", t, "negative < positive (between them a mention is labelled 0)")
    for pole in theme["frames"]["calls"]:
        if pole not in poles:
            raise UserError(f"frames.calls.{pole} is not a pole of this theme (poles: {', '.join(poles)})")


def validate_themes(raw: Any, source: str = C.PARAMS_FILE) -> dict[str, dict]:
    """Validate the selected themes' files: at least one, each theme named as its file.

    Parameters
    ----------
    raw : Mapping
        Theme name (the file's stem) -> the file's content, as
        :func:`pipeline.core.config.lexicons.read` returns them.
    source : str
        The parameters file that selects them, named when there is none.

    Returns
    -------
    dict
        Theme name -> the validated theme, in the order selected.
    """
    if not isinstance(raw, Mapping) or not raw:
        raise UserError(f"{source}: themes = {raw!r} is not allowed: at least one theme, e.g. "
                        f"themes: [sanctions, security, ukraine] in conf/config.yaml")
    themes: dict[str, dict] = {}
    for key in raw:
        theme = validate_theme(str(key), raw[key])
        if theme["name"] != key:
            # The name is what `themes` selects and what the tables show: one name, the file's.
            raise UserError(f"{_theme_file(str(key))}: name = {theme['name']!r} is not allowed: it must equal the "
                            f"file's name ('{key}')")
        themes[str(key)] = theme
    return themes
