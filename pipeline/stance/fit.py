"""Adapting a theme's lexicon to a corpus: ``python -m pipeline.stance fit``.

``python -m pipeline.stance fit GOLD.jsonl --theme sanctions --out lexicon/themes/sanctions_mycorpus.yaml``
re-weights the theme's cues, drops the ones that point the wrong way and
proposes new ones from hand-coded rows of the user's corpus, and writes a theme
file in the schema of ``lexicon/themes/*.yaml`` whose header says how well the
fitted theme does on documents it was not fitted on.

The model
---------
Every gold row of the theme that is relevant (and that the scorer finds a
mention in) is scored once by the :class:`~pipeline.stance.model.Scorer` with
the theme as configured. Its features are read off the scorer's cue records,
so negation, distancing, advocacy and the target window count as they do in
scoring:

* ``total``: the scorer's sum for the row (what it thresholds);
* one column per theme cue that fired: the sum over its records of
  ``value / signed weight`` (the rules' factor: +1 plain, -1 negated, 0.5 far
  from the target, ...);
* one column per *candidate*: a word or two-word phrase within
  ``stance.rules.target.window`` words of a mention in at least ``--min-docs``
  training documents (no stop word, rule word, target, existing cue or
  capitalised name), counted by scoring the rows with every candidate added as
  a cue of weight 1.

The model is a cumulative-logit ordinal regression with the scorer's own cut
points: ``P(stance >= 0) = sigmoid(a (total + d.x - t_neg))`` and ``P(stance >= 1)
= sigmoid(a (total + d.x - t_pos))``, where ``t = stance.scale * atanh(threshold)``
are the totals at which the scorer's labels change and ``d`` is one change per
column. It is fitted as an L2-regularised logistic regression (scikit-learn,
Newton-Cholesky, no intercept) on two copies of each row (Li & Lin 2007, "ordinal
regression by extended binary classification"); the ``total`` column is scaled
by 100 so its slope ``a`` is in effect not penalised, while the changes ``d``
are shrunk toward 0, i.e. toward the theme as written: with no evidence a cue
keeps its weight. ``C`` (inverse penalty) is chosen from :data:`C_GRID` by
grouped cross-validation inside the training rows, scoring each candidate
theme with the real scorer; ``C = 0`` stands for "change nothing".

With ``--fit-thresholds`` the cut points are fitted too (off by default: on the
multi-source development set they cost security, and for sanctions the sign of the gain depends on the
fold split, README): each copy of the
rows has an indicator column whose coefficient ``c_k`` (penalised like the
cues', so shrunk toward the scorer's thresholds) moves its cut to
``t_k - c_k / a``. A corpus whose coded mentions mostly lean one way (the
sanctions of a government under them) moves the negative cut above 0, so a
mention with no cue is labelled by that prior; few coded 0 rows narrow the 0
band. The new cuts become the theme's own ``thresholds`` (``tanh(cut / scale)``,
rounded to :data:`THRESHOLD_STEP`), which the scorer honours for this theme
only (:func:`pipeline.stance.scoring.theme_label`); a theme without them is
labelled by ``stance.thresholds`` as before. With ``--max-new 0`` candidates
are not columns at all.

From coefficients to weights
----------------------------
A column's coefficient ``b`` (log-odds per occurrence) is ``a * d``, so its
change in scorer units is ``d = b / a``. A cue's new signed weight is
``w' = w + d`` (``w = 0`` for a candidate). Then: ``|w'| < 0.25`` or a sign
opposite to the cue's pole: the cue is dropped (a candidate is not added);
otherwise the weight is ``|w'|`` clipped to [0.5, max(1.5, largest weight of
the theme)] and rounded to 0.1. A weight that rounds to its old value is left
as written. At most ``--max-new`` candidates are added, largest ``|w'|`` first.

Cross-validation
----------------
Rows are split by document (the ``doc`` field) with scikit-learn's
``StratifiedGroupKFold`` (``--folds``, shuffled with ``--seed``): no document
is in both the training and the test rows of a fold. On each fold the whole
procedure (candidates, choice of ``C``, fit) sees the training rows only and
the fitted theme scores the test rows with the real scorer. "Before" is the
unfitted scorer on the same test rows (every relevant row once); both are
stance macro-F1 as ``evaluate`` computes it (a row predicted irrelevant counts
as 0), with 95% percentile bootstrap intervals (rows resampled, both on the
same resamples, and the interval of the difference).
"""
from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import re
import shlex
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import yaml

from ..core.config import lexicons, load_params
from ..core.config.lexicons import theme_file
from ..core.errors import OneLineParser, UserError
from ..core.io import dumps, write_text
from ..core.text import matcher_for
from .evaluate import SEED, macro_f1, macro_f1_of_confusion, numbered_objects, read_gold
from .model import Scorer
from .scoring import Sentence, _is_rule_word, mentions, prepare, units_of
from .themes import Theme, compile_theme, term_key, validate_theme, validate_themes

log = logging.getLogger("stance")

FOLDS = 5
MAX_NEW = 30
MIN_DOCS = 3
RESAMPLES = 1000
#: Inverse L2 penalties tried by the inner cross-validation; 0 keeps the theme as written.
C_GRID = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)
#: The ``total`` column is multiplied by this, so its slope is in effect unpenalised.
TOTAL_SCALE = 100.0
#: Fitted thresholds are rounded to this.
THRESHOLD_STEP = 0.01
DROP_BELOW = 0.25
MIN_WEIGHT = 0.5
MAX_WEIGHT = 1.5
#: Gold rows of at least this many words are checked not to occur in the output.
CHECK_WORDS = 3


# ---------------------------------------------------------------------- data
@dataclass
class Row:
    """One relevant gold row of the theme, as the unfitted scorer sees it."""

    text: str
    sentence: Sentence  # the text tokenised once (scorer.window scores it as scorer.sentence would)
    doc: str
    y: int
    label: int  # the unfitted scorer's label (0 when it finds no mention)
    found: bool  # the scorer finds a mention
    total: float
    cues: dict[str, float]  # cue key -> summed rule factor


@dataclass
class Candidate:
    key: str
    term: str
    docs: frozenset[str]


@dataclass
class Fitted:
    """A fitted theme and what changed."""

    theme: dict
    C: float
    slope: float | None = None
    changes: list[dict] = field(default_factory=list)  # {term, pole, old, new, coef, delta, rows, docs, action}
    thresholds: dict | None = None  # new_thresholds(): {old, new, coef, cut_old, cut_new}


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def gold_rows(path: str | Path, theme: str, coded_as: str | None = None) -> tuple[list[dict], int]:
    """The theme's relevant gold rows and the number of its rows (relevant or not).

    Rows coded under ``theme`` or under ``coded_as`` (the theme it is a version
    of) are the theme's. Rows of other themes are read (and checked) but not
    used; they need not be selected themes.
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: gold file not found")
    wanted = {theme} | ({coded_as} if coded_as else set())
    themes = set(wanted)
    without_doc = None
    for n, row in numbered_objects(p):  # a line that is no JSON object stops here, named
        if isinstance(row.get("theme"), str):
            themes.add(row["theme"])
            if (row["theme"] in wanted and row.get("relevant") is True and without_doc is None
                    and (not isinstance(row.get("doc"), str) or not row["doc"])):
                without_doc = n
    rows = [r for r in read_gold(p, themes) if r["theme"] in wanted]
    if not rows:
        raise UserError(f"{p}: no rows for theme {' or '.join(repr(t) for t in sorted(wanted))}")
    relevant = [r for r in rows if r["relevant"]]
    if not relevant:
        raise UserError(f"{p}: no relevant rows for theme {theme!r} (nothing to fit stance on)")
    if without_doc is not None:
        raise UserError(f"{p}:{without_doc}: a row of theme {theme!r} has no 'doc': fit splits rows by document, "
                        f"so every row needs one")
    return relevant, len(rows)


def cue_signs(scorer: Scorer, theme: str) -> dict[str, float]:
    """Signed weight of each cue key of the compiled theme."""
    return {k: v for k, (_, v) in scorer.themes[theme].cues.items()}


def featurise(scorer: Scorer, theme: str, gold: list[dict]) -> list[Row]:
    """Score each row with the theme as configured; keep the total and each cue's rule factors."""
    signs = cue_signs(scorer, theme)
    out = []
    for r in gold:
        sentence = prepare(r["text"])
        sc = scorer.window([sentence], 0, theme)
        cues: dict[str, float] = defaultdict(float)
        for c in sc.cues:
            if c["source"] == "cue" and signs.get(c["key"]):
                cues[c["key"]] += c["value"] / signs[c["key"]]
        label = sc.label if sc.relevant and sc.label is not None else 0
        out.append(Row(r["text"], sentence, r["doc"], r["stance"], label, sc.relevant, sc.total, dict(cues)))
    return out


# ---------------------------------------------------------------- candidates
def _stopwords() -> frozenset[str]:
    from gensim.parsing.preprocessing import STOPWORDS

    return frozenset(STOPWORDS)


_ALPHA = re.compile(r"[a-z][a-z'-]*[a-z]")


def candidates(scorer: Scorer, theme: str, rows: Sequence[Row], min_docs: int) -> list[Candidate]:
    """Words and two-word phrases within the target window of a mention, in ``min_docs`` documents or more.

    Left out: stop words (gensim's list), rule words (negators, contrast and
    topic markers, ...), targets, exclusions, counter-targets, the theme's cues
    and frame words, words shorter than three letters or with digits, and
    every word written capitalised anywhere but at the start of a row (names
    of people and places). A phrase is two adjacent such words in one clause.
    """
    th = scorer.themes[theme]
    rules = scorer.rules
    stop = _stopwords()
    taken = (set(th.targets) | th.exclude | th.off_topic | th.counter_targets | set(th.cues) | set(th.calls)
             | th.victims | th.wrongdoers | th.harm | th.success | th.failure | th.effects)
    matcher = matcher_for(tuple(sorted(set(th.expressions) | set(rules.expressions))))
    parsed = []
    names: set[str] = set()
    for r in rows:
        units = units_of(r.sentence, matcher)
        parsed.append(units)
        for i, u in enumerate(units):
            if i > 0 and any(w[:1].isupper() for w in u.surface.split()):
                names.add(u.key)

    def ok(u) -> bool:
        return ("_" not in u.key and u.key not in taken and u.key not in names and u.key not in stop
                and not any(f in stop for f in u.forms) and _ALPHA.fullmatch(u.key) is not None
                and not _is_rule_word(u.key, rules))

    docs: dict[str, set[str]] = defaultdict(set)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for r, units in zip(rows, parsed):
        hits = mentions(units, th)
        if not hits:
            continue
        near = [any(abs(i - h) <= rules.target_window for h in hits) and i not in hits for i in range(len(units))]
        good = [near[i] and ok(u) for i, u in enumerate(units)]
        for i, u in enumerate(units):
            if good[i]:
                docs[u.key].add(r.doc)
                surfaces[u.key][" ".join(u.forms)] += 1
            if i + 1 < len(units) and good[i] and good[i + 1] and not units[i + 1].boundary:
                key = f"{u.key}_{units[i + 1].key}"
                docs[key].add(r.doc)
                surfaces[key][" ".join(u.forms + units[i + 1].forms)] += 1
    out = []
    for key in sorted(docs):
        if len(docs[key]) < min_docs:
            continue
        # The commonest spelling whose lemmas give the key back (ties: alphabetical).
        for term, _ in sorted(surfaces[key].items(), key=lambda kv: (-kv[1], kv[0])):
            if term_key(term) == key:
                out.append(Candidate(key, term, frozenset(docs[key])))
                break
    return out


def _scorer_with(base: Scorer, name: str, raw: dict) -> Scorer:
    """The base scorer's rules and lexicon with one theme (``raw``, validated) under ``name``."""
    theme = compile_theme(validate_theme(name, raw))
    return Scorer(base.cfg, base.rules, base.lexicon, {name: theme})


def _pole_names(raw: dict) -> dict[int, str]:
    return {spec["sign"]: pole for pole, spec in raw["poles"].items()}


def candidate_features(base: Scorer, theme: str, raw: dict, rows: Sequence[Row],
                       cands: Sequence[Candidate]) -> np.ndarray:
    """Rows x candidates: each candidate's summed rule factor when it is a cue of weight 1 (favour pole)."""
    if not cands:
        return np.zeros((len(rows), 0))
    probe = copy.deepcopy(raw)
    plus = _pole_names(raw)[1]
    probe["cues"] = {pole: dict(terms) for pole, terms in raw["cues"].items()}
    probe["cues"].setdefault(plus, {})
    for c in cands:
        probe["cues"][plus][c.term] = 1.0
    scorer = _scorer_with(base, theme, probe)
    col = {c.key: j for j, c in enumerate(cands)}
    X = np.zeros((len(rows), len(cands)))
    for i, r in enumerate(rows):
        sc = scorer.window([r.sentence], 0, theme)
        for c in sc.cues:
            if c["source"] == "cue" and c["key"] in col:
                X[i, col[c["key"]]] += c["value"]
    return X


# --------------------------------------------------------------------- model
def thresholds_of(cfg: dict, theme: Theme) -> tuple[float, float]:
    """The (negative, positive) thresholds the scorer labels the theme by: its own, else ``stance.thresholds``."""
    if theme.thresholds is not None:
        return theme.thresholds
    t = cfg["thresholds"]
    return t["negative"], t["positive"]


def cut_points(cfg: dict, theme: Theme | None = None) -> tuple[float, float]:
    """The totals at which the scorer's label leaves 0: ``scale * atanh(threshold)``."""
    t = thresholds_of(cfg, theme) if theme is not None else (cfg["thresholds"]["negative"],
                                                             cfg["thresholds"]["positive"])
    return cfg["scale"] * math.atanh(t[0]), cfg["scale"] * math.atanh(t[1])


def ordinal_fit(total: np.ndarray, X: np.ndarray, y: np.ndarray, cuts: tuple[float, float], C: float,
                free_cuts: bool = False) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Slope ``a``, coefficients ``b`` and cut shifts ``c`` of the cumulative-logit model; None when it cannot be fitted.

    Two binary copies of every row: ``y >= 0`` with cut ``cuts[0]`` and ``y >= 1``
    with cut ``cuts[1]``; first column ``TOTAL_SCALE * (total - cut)``, no intercept.
    With ``free_cuts`` each copy also has an indicator column (penalised like
    ``b``), whose coefficient ``c_k`` moves its cut to ``cuts[k] - c_k / a``;
    without, ``c`` is ``[0, 0]``.
    """
    from sklearn.linear_model import LogisticRegression

    lo, hi = cuts
    n = len(total)
    ind = [np.column_stack([np.ones(n), np.zeros(n)]), np.column_stack([np.zeros(n), np.ones(n)])] if free_cuts \
        else [np.zeros((n, 0)), np.zeros((n, 0))]
    Z = np.vstack([np.column_stack([TOTAL_SCALE * (total - lo), ind[0], X]),
                   np.column_stack([TOTAL_SCALE * (total - hi), ind[1], X])])
    target = np.concatenate([y >= 0, y >= 1]).astype(int)
    if len(set(target.tolist())) < 2:
        return None
    model = LogisticRegression(C=C, fit_intercept=False, solver="newton-cholesky", max_iter=1000, tol=1e-10)
    model.fit(Z, target)
    coef = model.coef_[0]
    a = float(coef[0]) * TOTAL_SCALE
    if a <= 1e-6:
        return None  # the scorer's own total does not order the labels: nothing to calibrate against
    k = 2 if free_cuts else 0
    return a, coef[1 + k:], (coef[1:1 + k] if free_cuts else np.zeros(2))


def new_thresholds(cfg: dict, theme: Theme, a: float, shift: np.ndarray) -> dict | None:
    """The theme's fitted thresholds and why (see the module doc), None when they stay as they are.

    The cut ``t_k`` moves to ``t_k - c_k / a`` (in units of the total); the
    threshold is ``tanh(cut / scale)`` rounded to :data:`THRESHOLD_STEP`,
    within [-0.99, 0.99]. Unchanged when both round to the current ones or the
    negative one would not be below the positive one.
    """
    old = thresholds_of(cfg, theme)
    cuts = cut_points(cfg, theme)
    moved = [cuts[i] - float(shift[i]) / a for i in range(2)]
    new = tuple(min(max(round(math.tanh(m / cfg["scale"]) / THRESHOLD_STEP) * THRESHOLD_STEP, -0.99), 0.99)
                for m in moved)
    new = tuple(round(v, 2) + 0.0 for v in new)
    if not new[0] < new[1] or all(round(n, 2) == round(o, 2) for n, o in zip(new, old)):
        return None
    return {"old": tuple(old), "new": new, "coef": [float(c) for c in shift], "cut_old": list(cuts),
            "cut_new": moved}


def _weight(signed: float, cap: float) -> float | None:
    """The weight a signed value becomes (see the module doc), None when it is no cue."""
    if abs(signed) < DROP_BELOW:
        return None
    return round(min(max(abs(signed), MIN_WEIGHT), cap), 1)


def weight_cap(base: Scorer, theme: str) -> float:
    """The largest weight a fitted cue may have: 1.5, or the theme's largest if that is more."""
    return max([MAX_WEIGHT] + [abs(v) for v in cue_signs(base, theme).values()])


def fit_theme(base: Scorer, theme: str, raw: dict, rows: Sequence[Row], C: float, max_new: int,
              min_docs: int, free_cuts: bool = False) -> Fitted:
    """The theme fitted on ``rows`` with inverse penalty ``C`` (0: the theme unchanged).

    With ``free_cuts`` the theme's thresholds are fitted too (written as its
    ``thresholds`` when they move).
    """
    if C <= 0:
        return Fitted(copy.deepcopy(raw), 0.0)
    used = [r for r in rows if r.found]
    if not used:
        return Fitted(copy.deepcopy(raw), 0.0)
    signs = cue_signs(base, theme)
    keys = sorted({k for r in used for k in r.cues})
    # With --max-new 0 no candidate can be added, so none is a column to soak up what the cues and cuts explain.
    cands = candidates(base, theme, used, min_docs) if max_new > 0 else []
    Xc = np.array([[r.cues.get(k, 0.0) for k in keys] for r in used]).reshape(len(used), len(keys))
    Xn = candidate_features(base, theme, raw, used, cands)
    total = np.array([r.total for r in used])
    y = np.array([r.y for r in used])
    fitted = ordinal_fit(total, np.hstack([Xc, Xn]), y, cut_points(base.cfg, base.themes[theme]), C, free_cuts)
    if fitted is None:
        return Fitted(copy.deepcopy(raw), 0.0)
    a, coef, shift = float(fitted[0]), fitted[1], fitted[2]
    cap = weight_cap(base, theme)
    poles = _pole_names(raw)
    out = copy.deepcopy(raw)
    out["cues"] = {pole: dict(terms) for pole, terms in raw["cues"].items()}
    changes = []

    def evidence(j: int, X: np.ndarray) -> tuple[int, int]:
        on = [i for i in range(len(used)) if X[i, j]]
        return len(on), len({used[i].doc for i in on})

    for j, key in enumerate(keys):
        delta = float(coef[j]) / a
        old = signs[key]
        new = old + delta
        weight = _weight(new, cap) if new * old > 0 else None
        n_rows, n_docs = evidence(j, Xc)
        for pole, terms in out["cues"].items():
            for term in list(terms):
                if term_key(term) != key:
                    continue
                was = terms[term]
                if weight is None:
                    del terms[term]
                    action = "dropped"
                elif weight != round(was, 1):
                    terms[term] = weight
                    action = "re-weighted"
                else:
                    continue
                changes.append({"action": action, "term": term, "pole": pole, "old": was, "new": weight,
                                "coef": float(coef[j]), "delta": delta, "rows": n_rows, "docs": n_docs})
    added = []
    for j, c in enumerate(cands):
        delta = float(coef[len(keys) + j]) / a
        weight = _weight(delta, cap)
        if weight is not None:
            added.append((-abs(delta), c.key, c, delta, weight, j))
    for _, _, c, delta, weight, j in sorted(added)[:max_new]:
        pole = poles[1 if delta > 0 else -1]
        out["cues"].setdefault(pole, {})[c.term] = weight
        n_rows, _ = evidence(j, Xn)
        changes.append({"action": "added", "term": c.term, "pole": pole, "old": None, "new": weight,
                        "coef": float(coef[len(keys) + j]), "delta": delta, "rows": n_rows,
                        "docs": len(c.docs)})
    out["cues"] = {pole: terms for pole, terms in out["cues"].items() if terms}
    order = {"added": 0, "dropped": 1, "re-weighted": 2}
    changes.sort(key=lambda ch: (order[ch["action"]], ch["pole"], -abs(ch["delta"]), ch["term"]))
    moved = new_thresholds(base.cfg, base.themes[theme], a, shift) if free_cuts else None
    if moved is not None:
        out["thresholds"] = {"negative": moved["new"][0], "positive": moved["new"][1]}
        out = _with_thresholds_after_cues(out)
    return Fitted(out, C, a, changes, moved)


def _with_thresholds_after_cues(theme: dict) -> dict:
    """The theme with ``thresholds`` right after ``cues`` (where a reader of the file looks for weights)."""
    out = {}
    for key, value in theme.items():
        if key != "thresholds":
            out[key] = value
        if key == "cues":
            out["thresholds"] = theme["thresholds"]
    return out


def predict(base: Scorer, theme: str, raw: dict, rows: Sequence[Row]) -> list[int]:
    """Labels of ``rows`` by the real scorer with theme ``raw`` (0 where it finds no mention)."""
    scorer = _scorer_with(base, theme, raw)
    out = []
    for r in rows:
        sc = scorer.window([r.sentence], 0, theme)
        out.append(sc.label if sc.relevant and sc.label is not None else 0)
    return out


# ---------------------------------------------------------- cross-validation
def grouped_folds(rows: Sequence[Row], k: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """``k`` (train, test) index lists, stratified by gold stance, no document on both sides."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.array([r.y for r in rows])
    groups = np.array([r.doc for r in rows])
    n_docs = len(set(groups.tolist()))
    if n_docs < k:
        raise UserError(f"{k} folds need at least {k} documents; the rows come from {n_docs}")
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    # A class rarer than k draws a warning from scikit-learn; grouping, not stratification, is the guarantee.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return [(sorted(tr.tolist()), sorted(te.tolist())) for tr, te in splitter.split(np.zeros(len(y)), y, groups)]


def choose_C(base: Scorer, theme: str, raw: dict, rows: Sequence[Row], k: int, seed: int, max_new: int,
             min_docs: int, free_cuts: bool = False) -> tuple[float, dict[float, float]]:
    """The ``C`` of :data:`C_GRID` whose fitted themes score best on grouped folds of ``rows``.

    Ties go to the smaller ``C`` (the smaller change); 0 is the theme as written.
    """
    k = min(k, len({r.doc for r in rows}))
    if k < 2:
        return 0.0, {}
    folds = grouped_folds(rows, k, seed)
    scores = {}
    for C in C_GRID:
        pred = [0] * len(rows)
        for train, test in folds:
            fitted = fit_theme(base, theme, raw, [rows[i] for i in train], C, max_new, min_docs, free_cuts)
            for i, p in zip(test, predict(base, theme, fitted.theme, [rows[i] for i in test])):
                pred[i] = p
        scores[C] = macro_f1([r.y for r in rows], pred)
    best = max(C_GRID, key=lambda C: (scores[C], -C))
    return best, scores


def bootstrap(gold: Sequence[int], before: Sequence[int], after: Sequence[int], resamples: int,
              seed: int) -> dict[str, list[float]]:
    """95% percentile intervals of macro-F1 before, after and of the difference, on the same resamples."""
    g = np.asarray(gold)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(g), size=(resamples, len(g)))
    offsets = (np.arange(resamples) * 9)[:, None]

    def f1s(pred: Sequence[int]) -> np.ndarray:
        codes = 3 * (g + 1) + (np.asarray(pred) + 1)
        counts = np.bincount((offsets + codes[pick]).ravel(), minlength=resamples * 9).reshape(resamples, 3, 3)
        return macro_f1_of_confusion(counts)

    b, a = f1s(before), f1s(after)

    def interval(x: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in np.quantile(x, [0.025, 0.975])]

    return {"before": interval(b), "after": interval(a), "difference": interval(a - b)}


# -------------------------------------------------------------------- output
def _fmt(x: float) -> str:
    return f"{x:.4f}"


def _change_line(ch: dict) -> str:
    why = f"coef {ch['coef']:+.3f}, d {ch['delta']:+.2f}; in {ch['rows']} rows of {ch['docs']} docs"
    if ch["action"] == "added":
        return f"#   + {ch['term']!r} -> {ch['pole']} {ch['new']:g} ({why})"
    if ch["action"] == "dropped":
        return f"#   - {ch['term']!r} ({ch['pole']} {ch['old']:g}) dropped ({why})"
    return f"#   ~ {ch['term']!r} ({ch['pole']}) {ch['old']:g} -> {ch['new']:g} ({why})"


def _threshold_lines(moved: dict | None, info: dict) -> list[str]:
    """Header lines on the thresholds: kept, or moved with their coefficients and what the move means."""
    old = info["thresholds"]
    if moved is None:
        how = "not fitted; --fit-thresholds fits them" if not info["free_cuts"] else "fitted, but they round to these"
        return [f"# Thresholds: {old[0]:g} and {old[1]:g}, as the scorer has them ({how})."]
    new, cut_old, cut_new, c = moved["new"], moved["cut_old"], moved["cut_new"], moved["coef"]
    lines = ["# Thresholds: the theme's own, in place of the scorer's (labels: -1 at or below negative, +1 at or "
             "above positive):"]
    for k, side in enumerate(("negative", "positive")):
        lines.append(f"#   {side} {old[k]:g} -> {new[k]:g} (shift coef c {c[k]:+.3f}: cut in units of the total "
                     f"{cut_old[k]:+.3f} -> {cut_new[k]:+.3f})")
    notes = []
    if new[0] >= 0:
        notes.append("a mention with no cue (stance 0) is labelled -1: most coded rows of this corpus are -1")
    if new[1] <= 0:
        notes.append("a mention with no cue (stance 0) is labelled +1: most coded rows of this corpus are +1")
    if new[1] - new[0] < old[1] - old[0]:
        notes.append("the 0 band is narrower: fewer coded rows are 0 than the scorer's thresholds assume")
    elif new[1] - new[0] > old[1] - old[0]:
        notes.append("the 0 band is wider: weak cues do not decide the coded rows")
    lines += [f"#   ({n})" for n in notes]
    return lines


def render(name: str, fitted: Fitted, info: dict) -> str:
    """The theme file: header comments, then the theme as YAML."""
    cv = info["cv"]
    lines = [
        f"# Theme {info['theme']!r} fitted to a hand-coded gold file by `python -m pipeline.stance fit`; "
        f"select with `themes=[{name},...]`",
        f"#   in place of {info['coded_as']!r}: gold rows coded {info['coded_as']!r} are scored with it when "
        f"{info['coded_as']!r} itself is not selected (variant_of).",
        f"# Command: {info['command']}",
        f"# Gold: {info['gold']} (sha256 {info['sha256']}); {info['n_rows']} rows of theme {info['theme']!r}, "
        f"{info['n_relevant']} relevant, from {info['n_docs']} documents.",
        "# Model: cumulative-logit ordinal regression on the scorer's total (slope a, in effect unpenalised) and "
        "on each cue's",
        "#   and candidate's rule-weighted count (coefficient b, L2-penalised; scikit-learn LogisticRegression), "
        "cut points at the",
        "#   scorer's thresholds, "
        + ("each moved by an L2-penalised shift c_k (cut t_k - c_k / a; threshold tanh(cut / scale), rounded to "
           f"{THRESHOLD_STEP:g})." if info["free_cuts"] else "kept as they are (no --fit-thresholds)."),
        "#   Change in scorer units d = b / a; new weight w' = w + d; |w'| < 0.25 or a flipped sign drops the cue;",
        f"#   otherwise |w'| clipped to [{MIN_WEIGHT:g}, {info['cap']:g}] and rounded to 0.1. C chosen by "
        f"grouped inner CV from {list(C_GRID)} (0 = unchanged).",
        f"# Candidates: words and 2-word phrases within {info['window']} words of a mention, in >= "
        f"{info['min_docs']} documents; at most {info['max_new']} added.",
        f"# Cross-validated stance macro-F1 ({info['folds']} folds grouped by document, StratifiedGroupKFold seed "
        f"{info['seed']}; intervals: 95% percentile bootstrap, {info['resamples']} resamples):",
        f"#   before (unfitted scorer, same test rows): {_fmt(cv['before'])} "
        f"[{_fmt(cv['ci']['before'][0])}, {_fmt(cv['ci']['before'][1])}]",
        f"#   after (fitted on the training folds, scored by the Scorer): {_fmt(cv['after'])} "
        f"[{_fmt(cv['ci']['after'][0])}, {_fmt(cv['ci']['after'][1])}]",
        f"#   difference after - before: {cv['after'] - cv['before']:+.4f} "
        f"[{cv['ci']['difference'][0]:+.4f}, {cv['ci']['difference'][1]:+.4f}]",
        f"#   C per fold: {', '.join(f'{c:g}' for c in cv['C'])}",
        f"#   thresholds per fold: {'; '.join('as they were' if t is None else f'{t[0]:g}, {t[1]:g}' for t in cv['thresholds'])}",
        f"# This file: fitted on all {info['n_relevant']} relevant rows, C = {fitted.C:g}"
        + (f" (a = {fitted.slope:.2f} log-odds per unit of total)." if fitted.slope else " (theme unchanged)."),
    ]
    by = defaultdict(list)
    for ch in fitted.changes:
        by[ch["action"]].append(ch)
    for action in ("added", "dropped", "re-weighted"):
        lines.append(f"# Cues {action}: {len(by[action])}" + (":" if by[action] else "."))
        lines += [_change_line(ch) for ch in by[action]]
    lines += _threshold_lines(fitted.thresholds, info)
    theme = {"name": name, "variant_of": info["coded_as"]}
    theme.update((k, v) for k, v in fitted.theme.items() if k not in theme)
    body = yaml.safe_dump(theme, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return "\n".join(lines) + "\n" + body


def check_output(text: str, name: str, gold_path: str | Path) -> None:
    """The written theme validates, selects under ``name`` (its file's name), and holds no gold sentence."""
    raw = yaml.safe_load(text)
    validate_themes({name: raw})
    flat = " ".join(text.split()).lower()
    with open(gold_path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            gold = " ".join(str(json.loads(line).get("text", "")).split()).lower()
            if len(gold.split()) >= CHECK_WORDS and gold in flat:
                raise UserError(f"{gold_path}:{n}: the fitted theme would contain this gold row's text; not written")


# ----------------------------------------------------------------------- run
def run_fit(params: dict, gold: str | Path, theme: str, out: str | Path, *, folds: int = FOLDS, seed: int = SEED,
            max_new: int = MAX_NEW, min_docs: int = MIN_DOCS, resamples: int = RESAMPLES,
            command: str = "", source: str = "params.yaml", free_cuts: bool = False) -> dict:
    """Fit ``theme`` on ``gold``, cross-validate, write the theme file ``out``; return the figures."""
    name = Path(out).stem
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise UserError(f"--out {out}: the file name gives the theme's name, so it must be letters, digits and _ "
                        f"(e.g. {theme_file(theme + '_mycorpus')})")
    if Path(out).suffix != ".yaml":
        raise UserError(f"--out {out}: a theme file ends in .yaml")
    lexicon = lexicons.read(params, ".", source)
    base = Scorer.from_params(params, source, lexicon=lexicon)
    if theme not in base.themes:
        raise UserError(f"theme {theme!r} is not in {source} (themes: {', '.join(base.themes)})")
    coded_as = base.themes[theme].coded_as
    if name in (theme, coded_as):
        raise UserError(f"--out {out}: a theme named {name!r} would replace the theme it is fitted from; "
                        f"give the file another name (e.g. {coded_as}_mycorpus.yaml)")
    raw = lexicon["themes"][theme]
    gold_list, n_rows = gold_rows(gold, theme, coded_as)
    rows = featurise(base, theme, gold_list)
    split = grouped_folds(rows, folds, seed)
    after = [0] * len(rows)
    Cs, Ts = [], []
    for f, (train, test) in enumerate(split):
        tr = [rows[i] for i in train]
        C, _ = choose_C(base, theme, raw, tr, folds, seed, max_new, min_docs, free_cuts)
        Cs.append(C)
        fitted = fit_theme(base, theme, raw, tr, C, max_new, min_docs, free_cuts)
        for i, p in zip(test, predict(base, theme, fitted.theme, [rows[i] for i in test])):
            after[i] = p
        Ts.append(fitted.thresholds["new"] if fitted.thresholds else None)
        log.info("fold %d: C = %g, %d changes, thresholds %s", f + 1, C, len(fitted.changes),
                 "as they were" if Ts[-1] is None else f"{Ts[-1][0]:g}, {Ts[-1][1]:g}")
    y = [r.y for r in rows]
    before = [r.label for r in rows]
    cv = {"before": macro_f1(y, before), "after": macro_f1(y, after), "C": Cs, "thresholds": Ts,
          "ci": bootstrap(y, before, after, resamples, seed)}
    C, inner = choose_C(base, theme, raw, rows, folds, seed, max_new, min_docs, free_cuts)
    final = fit_theme(base, theme, raw, rows, C, max_new, min_docs, free_cuts)
    info = {"theme": theme, "coded_as": coded_as, "command": command, "gold": str(gold), "sha256": sha256(gold),
            "n_rows": n_rows, "n_relevant": len(rows), "n_docs": len({r.doc for r in rows}), "window": base.rules.target_window,
            "min_docs": min_docs, "max_new": max_new, "cap": weight_cap(base, theme), "folds": folds, "seed": seed,
            "resamples": resamples, "cv": cv, "free_cuts": free_cuts,
            "thresholds": thresholds_of(base.cfg, base.themes[theme]), "scale": base.cfg["scale"]}
    text = render(name, final, info)
    check_output(text, name, gold)
    write_text(out, text)
    return {"out": str(out), "theme": name, "before": cv["before"], "after": cv["after"], "ci": cv["ci"],
            "C": Cs, "final_C": C, "inner": {f"{k:g}": v for k, v in inner.items()},
            "changes": {a: sum(ch["action"] == a for ch in final.changes) for a in ("added", "dropped", "re-weighted")},
            "thresholds": list(final.thresholds["new"]) if final.thresholds else None}


def main(argv: list[str]) -> int:
    """The ``fit`` subcommand: parse ``argv`` (after ``fit``), fit, print the figures as one JSON line."""
    ap = OneLineParser(prog="python -m pipeline.stance fit",
                       description="Fit a theme's cue weights and new cues to a hand-coded gold file.")
    ap.add_argument("gold", help="JSONL rows {doc, text, theme, relevant, stance}")
    ap.add_argument("--theme", required=True, help="the theme to fit (a theme of --params)")
    ap.add_argument("--out", required=True, help="the theme file to write, e.g. lexicon/themes/sanctions_mycorpus.yaml (then "
                                                  "selectable as themes=[sanctions_mycorpus,...])")
    ap.add_argument("--params", default="params.yaml", help="parameters to read (default: %(default)s)")
    ap.add_argument("--folds", type=int, default=FOLDS, help=f"cross-validation folds (default {FOLDS})")
    ap.add_argument("--seed", type=int, default=SEED, help=f"folds and bootstrap (default {SEED})")
    ap.add_argument("--max-new", type=int, default=MAX_NEW, help=f"new cues at most (default {MAX_NEW})")
    ap.add_argument("--min-docs", type=int, default=MIN_DOCS,
                    help=f"documents a candidate must occur in (default {MIN_DOCS})")
    ap.add_argument("--resamples", type=int, default=RESAMPLES, help=f"bootstrap resamples (default {RESAMPLES})")
    ap.add_argument("--fit-thresholds", action="store_true",
                    help="also fit the theme's own label thresholds (default: off, cue weights only)")
    args = ap.parse_args(argv)
    for flag, value, least in (("--folds", args.folds, 2), ("--max-new", args.max_new, 0),
                               ("--min-docs", args.min_docs, 1), ("--resamples", args.resamples, 1)):
        if value < least:
            ap.error(f"{flag} {value}: must be at least {least}")
    command = "python -m pipeline.stance fit " + shlex.join(argv)
    result = run_fit(load_params(args.params), args.gold, args.theme, args.out, folds=args.folds, seed=args.seed,
                     max_new=args.max_new, min_docs=args.min_docs, resamples=args.resamples, command=command,
                     source=args.params, free_cuts=args.fit_thresholds)
    sys.stdout.write(dumps(result) + "\n")
    return 0
