"""Themes as lexicon files: validation of ``lexicon/themes/<name>.yaml`` and compilation to lemma keys.

A theme lives in ``lexicon/themes/<name>.yaml``; ``params.yaml`` selects it by
name (``themes: [sanctions, ...]``) and :mod:`pipeline.core.config.lexicons` reads
it, so every error names the file the user has to edit and the key in it.

Terms are written as plain text ("peace talks", "so-called") and matched on
lemmas: each word goes through :func:`pipeline.core.text.lemma`, hyphens split
words as syntok does, and a multi-word term becomes one joined key
("peace_talk") via :class:`pipeline.core.text.MweMatcher`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from ..core.errors import UserError
from ..core.schema.themes import (TERM_SPLIT, THEME_SCHEMA, term_key, term_words, validate_theme,  # noqa: F401  (re-exported)
                             validate_themes)


# ---------------------------------------------------------------- compiled form
@dataclass(frozen=True)
class Condition:
    """Context a conditional target needs (``near``) or must not have (``not_near``)."""

    near: frozenset[str]
    not_near: frozenset[str]
    window: int
    forms: frozenset[str] = frozenset()  # lower-cased forms the condition applies to (all when empty)
    not_before: frozenset[str] = frozenset()  # lower-cased words that must not follow those forms


@dataclass
class Theme:
    """A theme ready for matching: every term reduced to its joined lemma key."""

    name: str
    description: str
    poles: dict[str, int]
    targets: dict[str, Condition | None]
    exclude: frozenset[str]
    off_topic: frozenset[str]
    distanced_target: float
    cues: dict[str, tuple[str, float]]  # key -> (pole, signed weight)
    polarity_weight: float | None
    polarity_overrides: dict[str, float]
    counter_targets: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()  # targets naming the events, not the target's side
    advocated: float = 0.0
    calls: dict[str, tuple[str, float]] = field(default_factory=dict)  # counted only when modalised
    victims: frozenset[str] = frozenset()
    victim_value: float = 0.0
    wrongdoers: frozenset[str] = frozenset()
    wrongdoer_value: float = 0.0
    harm: frozenset[str] = frozenset()
    harm_value: float = 0.0
    effects: frozenset[str] = frozenset()
    success: frozenset[str] = frozenset()
    success_value: float = 0.0
    failure: frozenset[str] = frozenset()
    failure_value: float = 0.0
    background: frozenset[str] = frozenset()
    enumeration: int = 0
    expressions: list[str] = field(default_factory=list)  # multi-word terms, for the matcher
    expanded: frozenset[str] = frozenset()  # cues added by stance.expansion (source "expansion")
    # The theme's own (negative, positive) label thresholds; None: stance.thresholds (see scoring.label_of).
    thresholds: tuple[float, float] | None = None
    variant_of: str | None = None  # the theme this one is a version of (its gold rows are this one's)

    @property
    def coded_as(self) -> str:
        """The theme name hand-coded rows of this theme carry: the theme it is a version of, else its own."""
        return self.variant_of or self.name

    def pole_name(self, sign: int) -> str | None:
        return next((p for p, s in self.poles.items() if s == sign), None)

    @cached_property
    def target_heads(self) -> frozenset[str]:
        """First lemma of every target key: a sentence without one of them cannot mention the theme."""
        return frozenset(key.split("_")[0] for key in self.targets)


def compile_theme(theme: dict) -> Theme:
    """Lemma keys for targets, exclusions and cues of one validated theme."""
    targets: dict[str, Condition | None] = {}
    expressions: list[str] = []

    def note(term: str) -> str:
        words = term_words(term)
        if len(words) > 1:
            expressions.append(" ".join(words))
        return "_".join(words)

    for t in theme["targets"]:
        if isinstance(t, str):
            targets[note(t)] = None
        else:
            # A later entry for the same lemma replaces an earlier one, so a
            # condition on some forms ("sanctioned") can follow the plain term.
            targets[note(t["term"])] = Condition(
                frozenset(term_key(w) for w in t["near"]),
                frozenset(term_key(w) for w in t["not_near"]),
                t["window"],
                frozenset(w.lower() for w in t["forms"]),
                frozenset(w.lower() for w in t["not_before"]),
            )
    exclude = frozenset(note(t) for t in theme["exclude"])
    off_topic = frozenset(note(t) for t in theme["off_topic"])
    for t in theme["background"]:
        note(t)  # joined into one unit by the matcher
    background = frozenset(" ".join(w.lower() for w in TERM_SPLIT.split(t.strip()) if w) for t in theme["background"])
    cues: dict[str, tuple[str, float]] = {}
    for pole, terms in theme["cues"].items():
        sign = theme["poles"][pole]["sign"]
        for term, weight in terms.items():
            cues[note(term)] = (pole, sign * weight)
    for words in (t["near"] + t["not_near"] for t in theme["targets"] if not isinstance(t, str)):
        for w in words:
            note(w)
    fr = theme["frames"]
    calls: dict[str, tuple[str, float]] = {}
    for pole, terms in fr["calls"].items():
        sign = theme["poles"][pole]["sign"]
        for term, weight in terms.items():
            calls[note(term)] = (pole, sign * weight)
    role = lambda r: frozenset(note(t) for t in r["terms"])  # noqa: E731
    pol = theme["polarity"]
    return Theme(
        name=theme["name"],
        description=theme["description"],
        poles={p: spec["sign"] for p, spec in theme["poles"].items()},
        targets=targets,
        exclude=exclude,
        off_topic=off_topic,
        background=background,
        enumeration=theme["enumeration"],
        distanced_target=theme["distanced_target"],
        cues=cues,
        counter_targets=frozenset(note(t) for t in theme["counter_targets"]),
        events=frozenset(note(t) for t in theme["events"]),
        advocated=fr["advocated"],
        calls=calls,
        victims=role(fr["victims"]),
        victim_value=fr["victims"]["value"],
        wrongdoers=role(fr["wrongdoers"]),
        wrongdoer_value=fr["wrongdoers"]["value"],
        harm=role(fr["harm"]),
        harm_value=fr["harm"]["value"],
        effects=frozenset(note(t) for t in fr["effects"]),
        success=role(fr["success"]),
        success_value=fr["success"]["value"],
        failure=role(fr["failure"]),
        failure_value=fr["failure"]["value"],
        polarity_weight=pol["weight"],
        polarity_overrides={term_key(w): v for w, v in pol["overrides"].items()},
        expressions=sorted(set(expressions)),
        thresholds=None if theme["thresholds"] is None else (theme["thresholds"]["negative"],
                                                             theme["thresholds"]["positive"]),
        variant_of=theme.get("variant_of"),
    )


def gold_names(variants: Mapping[str, str | None]) -> dict[str, str | tuple[str, ...]]:
    """Which selected theme scores the gold rows coded under each theme name.

    A selected theme scores its own name's rows; a selected version of another
    theme (``variant_of``, as ``fit`` writes) also scores that theme's rows
    when that theme is not selected itself, so rows coded as ``sanctions``
    evaluate ``sanctions_mycorpus`` in its place. Two selected versions of one
    unselected theme could both score its rows: the name then maps to both
    (a tuple), and whoever meets such a row refuses it (:func:`ambiguous`).

    Parameters
    ----------
    variants : mapping of str to str or None
        Each selected theme's name and the theme it is a version of (``variant_of``; None: none).

    Returns
    -------
    dict
        Gold theme name -> the selected theme's name, or a tuple of names when ambiguous.
    """
    out: dict[str, str | tuple[str, ...]] = {name: name for name in variants}
    versions: dict[str, list[str]] = {}
    for name, base in variants.items():
        if base and base not in variants:
            versions.setdefault(base, []).append(name)
    for base, names in versions.items():
        out[base] = names[0] if len(names) == 1 else tuple(sorted(names))
    return out


def ambiguous(base: str, names: tuple[str, ...], where: str) -> UserError:
    """The one line for rows coded ``base`` that several selected versions of it could score."""
    return UserError(f"{where}: rows coded {base!r} could be scored by {' or '.join(names)}, all versions of it "
                     f"(variant_of); select one of them, or {base!r} itself")
