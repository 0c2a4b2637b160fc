"""Scoring a labelled gold file: relevance and stance metrics, intervals, agreement and two baselines.

Every row is a (sentence, theme) pair scored as a sentence on its own. Stance
counts the rows whose gold ``relevant`` is true; a row predicted irrelevant
counts as stance 0. Three predictors are scored on the same rows:

``scorer``
    the configured stance scorer (the top level of the report);
``baseline``
    VADER: every row relevant, stance the whole sentence's compound score
    (±0.05). It has no notion of a theme;
``majority_baseline``
    every row relevant, stance the theme's most frequent gold label among the
    file's relevant rows (ties broken toward 0, then -1). It shows what a
    theme prior alone earns.

Headline figures
----------------
``stance_macro_f1`` is pooled over all themes' rows; ``mean_theme_stance_macro_f1``
averages the per-theme macro-F1s, so a scorer cannot score well by knowing which
label dominates which theme. Each macro-F1 has a percentile bootstrap interval
(``*_ci``, Efron & Tibshirani 1993, ch. 13): rows are resampled with replacement
within each theme (the gold file fixes how many rows each theme has), the
scorer and both baselines on the same resamples. ``alpha`` is Krippendorff's
ordinal alpha between gold and predicted stance (Krippendorff 2004, 2011).

Groups
------
A row's group is its ``group`` field, else the part of ``doc`` before the first
``:`` or ``-`` (``kremlin:67241`` -> ``kremlin``, ``ungdc:BLZ-1999`` -> ``ungdc``,
``ruw-val-12`` -> ``ruw``); a row with neither has no group. ``report["groups"]``
is present only when the rows fall into two or more groups (rows without one
then form the group ``(none)``): a single group's figures would repeat the
overall ones.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..core.errors import UserError
from .themes import ambiguous

LABELS = (-1, 0, 1)
#: Defaults of the bootstrap: resamples, seed and confidence of the intervals.
RESAMPLES = 1000
SEED = 20240416
CONFIDENCE = 0.95
#: The group of rows that have neither a ``group`` field nor a prefixed ``doc``.
NO_GROUP = "(none)"
#: The predictors of a report, as named in it.
PREDICTORS = ("scorer", "baseline", "majority_baseline")


def numbered_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) of each non-empty line of a JSON Lines file.

    Raises
    ------
    UserError
        On a line that is not valid JSON or not an object, naming the file and the line.
    """
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno}); one JSON object "
                                f"a line") from None
            if not isinstance(row, dict):
                kind = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
                    type(row), "a number")
                raise UserError(f"{path}:{n}: {kind}, not a JSON object; one JSON object a line")
            yield n, row


def read_gold(path: str | Path, themes: Iterable[str],
              aliases: Mapping[str, str | tuple[str, ...]] | None = None) -> list[dict]:
    """Rows of a gold JSONL file, checked; a bad row is one line naming file and line.

    Parameters
    ----------
    path : path
        JSON Lines of ``text, theme, relevant, stance`` (``doc``, ``group`` optional).
    themes : iterable of str
        The selected theme names.
    aliases : mapping, optional
        Further gold theme names and the selected theme that scores their rows
        (:func:`pipeline.stance.themes.gold_names`); such a row's ``theme``
        becomes that selected theme's name (the coded one kept as
        ``coded_theme``). A name mapped to several themes (a tuple) is refused
        where a row carries it.

    Raises
    ------
    UserError
        The file is missing or empty, or a row is not an object with a string
        ``text``, a selected ``theme``, a boolean ``relevant``, a stance in
        -1/0/1 when relevant and null when not, and (optionally) a string ``group``.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: gold file not found")
    known = {t: t for t in themes} | dict(aliases or {})
    rows = []
    for n, row in numbered_objects(path):
        if not isinstance(row.get("text"), str):
            raise UserError(f"{path}:{n}: 'text' must be a string")
        if row.get("theme") not in known:
            versions = "".join(f", {k} (by {v if isinstance(v, str) else ' or '.join(v)})"
                               for k, v in sorted(known.items()) if k != v)
            raise UserError(f"{path}:{n}: theme = {row.get('theme')!r} is not a selected theme "
                            f"(selected: {', '.join(sorted(t for t, v in known.items() if t == v))}{versions})")
        if isinstance(known[row["theme"]], tuple):
            raise ambiguous(row["theme"], known[row["theme"]], f"{path}:{n}")
        if known[row["theme"]] != row["theme"]:
            row["coded_theme"] = row["theme"]
            row["theme"] = known[row["theme"]]
        if not isinstance(row.get("relevant"), bool):
            raise UserError(f"{path}:{n}: relevant = {row.get('relevant')!r} is not allowed: true or false")
        if row["relevant"] and row.get("stance") not in LABELS:
            raise UserError(f"{path}:{n}: stance = {row.get('stance')!r} is not allowed: -1, 0 or 1")
        if not row["relevant"] and row.get("stance") is not None:
            raise UserError(f"{path}:{n}: stance = {row['stance']!r} but relevant is false: a sentence not about "
                            f"the theme has no stance (null)")
        if row.get("group") is not None and not isinstance(row["group"], str):
            raise UserError(f"{path}:{n}: group = {row['group']!r} is not allowed: a string")
        rows.append(row)
    if not rows:
        raise UserError(f"{path}: no rows")
    return rows


# ------------------------------------------------------------- the definitions
def prf(gold: list[bool], pred: list[bool]) -> dict:
    """Precision, recall and F1 of the positive class (0 where undefined)."""
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def confusion(gold: list[int], pred: list[int]) -> list[list[int]]:
    """Rows: gold -1, 0, 1; columns: predicted -1, 0, 1."""
    m = [[0, 0, 0] for _ in LABELS]
    for g, p in zip(gold, pred):
        m[LABELS.index(g)][LABELS.index(p)] += 1
    return m


def macro_f1_of_confusion(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 of confusion matrices, over the labels that occur in gold or prediction.

    Parameters
    ----------
    counts : ndarray, shape (..., 3, 3)
        Counts with gold -1/0/1 as rows and predicted -1/0/1 as columns; any
        leading axes (resamples, themes) are kept.

    Returns
    -------
    ndarray, shape (...)
        Unrounded macro-F1; 0 where no label occurs (no rows).

    Notes
    -----
    A label's F1 is ``2 tp / (2 tp + fp + fn)``, and ``2 tp + fp + fn`` is its
    row plus column total, which is positive exactly when the label occurs.
    A label no one used (sanctions' ``1`` on the seeds' set) is left out
    rather than counted as 0, which would cap a perfect scorer at 0.67.
    """
    counts = np.asarray(counts, dtype=float)
    tp = np.diagonal(counts, axis1=-2, axis2=-1)
    occurs = counts.sum(-1) + counts.sum(-2)
    f1 = np.divide(2 * tp, occurs, out=np.zeros_like(tp), where=occurs > 0)
    used = (occurs > 0).sum(-1)
    return np.divide(f1.sum(-1), used, out=np.zeros(used.shape), where=used > 0)


def macro_f1(gold: list[int], pred: list[int]) -> float:
    """Mean F1 over the labels that occur in gold or prediction, rounded to 4 places.

    See :func:`macro_f1_of_confusion` for why unused labels are left out.
    """
    return round(float(macro_f1_of_confusion(np.array(confusion(gold, pred)))), 4)


def ordinal_alpha(gold: Sequence[int], pred: Sequence[int]) -> float | None:
    """Krippendorff's alpha, ordinal level, between two codings of the same units.

    Parameters
    ----------
    gold, pred : sequences of int, length n
        Stance labels in -1/0/1, one pair per unit, none missing.

    Returns
    -------
    float or None
        Alpha rounded to 4 places (1 perfect agreement, 0 chance level, below
        0 systematic disagreement). ``None`` where alpha is undefined: no unit,
        or every value the same (no expected disagreement to divide by), e.g.
        a theme whose gold and predicted labels are all 0.

    Notes
    -----
    Computed by the ``krippendorff`` package with the value domain fixed to
    -1/0/1. Krippendorff, K. (2004), *Content Analysis: An Introduction to Its
    Methodology*, 2nd ed., ch. 11; Krippendorff, K. (2011), "Computing
    Krippendorff's Alpha-Reliability", Annenberg School for Communication.
    """
    import krippendorff

    data = np.array([gold, pred], dtype=float)
    if data.shape[1] == 0 or len(np.unique(data)) < 2:
        return None
    a = krippendorff.alpha(reliability_data=data, value_domain=list(LABELS), level_of_measurement="ordinal")
    return round(float(a), 4)


def stance_block(gold: list[int], pred: list[int]) -> dict:
    """Macro-F1, accuracy, confusion, n and ordinal alpha of one theme's stance rows."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0
    return {"macro_f1": macro_f1(gold, pred), "accuracy": round(acc, 4), "confusion": confusion(gold, pred), "n": n,
            "alpha": ordinal_alpha(gold, pred)}


def as_pair(prediction: Any) -> tuple[bool, int]:
    """``(relevant, label)`` of a prediction: a tuple, or an object with ``relevant`` and ``label``.

    The label of a row predicted irrelevant is 0, whatever the prediction says.
    """
    if isinstance(prediction, tuple):
        relevant, label = prediction
    else:
        relevant, label = prediction.relevant, prediction.label
    return bool(relevant), (int(label) if relevant and label is not None else 0)


def _stance_rows(rows: list[dict], predictions: list[tuple[bool, int]], theme: str) -> tuple[list[int], list[int]]:
    idx = [i for i, r in enumerate(rows) if r["theme"] == theme and r["relevant"]]
    return [rows[i]["stance"] for i in idx], [predictions[i][1] for i in idx]


def metrics(rows: list[dict], predictions: Sequence, themes: Iterable[str]) -> dict:
    """Per-theme and overall point figures of one predictor.

    Parameters
    ----------
    rows : list of dict, length n
        Gold rows (``theme``, ``relevant``, ``stance``).
    predictions : sequence, length n
        One per row: ``(relevant, label)`` or an object with those attributes
        (see :func:`as_pair`).
    themes : iterable of str
        The selected themes; only those that occur in ``rows`` are reported.

    Returns
    -------
    dict
        ``themes[t]`` = ``{"relevance": prf, "stance": stance_block}`` and
        ``overall`` = ``relevance_f1`` (mean over themes), ``stance_macro_f1``
        (pooled rows), ``mean_theme_stance_macro_f1`` (mean over the themes
        with at least one relevant gold row) and ``alpha`` (pooled rows).
    """
    pairs = [as_pair(p) for p in predictions]
    out: dict = {"themes": {}}
    pooled_g: list[int] = []
    pooled_p: list[int] = []
    rel_f1, st_f1 = [], []
    for theme in sorted(set(themes) & {r["theme"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["theme"] == theme]
        rel = prf([rows[i]["relevant"] for i in idx], [pairs[i][0] for i in idx])
        g, p = _stance_rows(rows, pairs, theme)
        pooled_g += g
        pooled_p += p
        rel_f1.append(rel["f1"])
        block = stance_block(g, p)
        if g:  # the mean is of unrounded figures
            st_f1.append(float(macro_f1_of_confusion(np.array(block["confusion"]))))
        out["themes"][theme] = {"relevance": rel, "stance": block}
    out["overall"] = {
        "relevance_f1": round(sum(rel_f1) / len(rel_f1), 4) if rel_f1 else 0.0,
        "stance_macro_f1": macro_f1(pooled_g, pooled_p),
        "mean_theme_stance_macro_f1": round(sum(st_f1) / len(st_f1), 4) if st_f1 else 0.0,
        "alpha": ordinal_alpha(pooled_g, pooled_p),
    }
    return out


# ------------------------------------------------------------------ bootstrap
def bootstrap_macro_f1(strata: Sequence[Sequence[np.ndarray]], resamples: int = RESAMPLES, seed: int = SEED,
                       confidence: float = CONFIDENCE) -> list[dict]:
    """Percentile bootstrap intervals of pooled, mean-per-theme and per-theme macro-F1.

    Parameters
    ----------
    strata : sequence of T lists of K int arrays
        Per theme (stratum), per predictor, the codes ``3 * (gold + 1) + (pred + 1)``
        of the theme's stance rows, shape (n_t,) each; every predictor of a
        theme has the same rows. Rows are resampled within each theme, the same
        positions for every predictor.
    resamples : int
        Bootstrap resamples B (at least 1).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same intervals.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    list of K dict
        Per predictor: ``pooled`` and ``mean`` as ``[lo, hi]`` and ``themes``,
        a list of T ``[lo, hi]``, all rounded to 4 places.

    Raises
    ------
    ValueError
        ``resamples`` below 1, ``confidence`` outside (0, 1), or predictors of
        one theme with different numbers of rows.

    Notes
    -----
    Efron, B. & Tibshirani, R. J. (1993), *An Introduction to the Bootstrap*,
    ch. 13 (the percentile interval). The confusion counts of all resamples
    come from one ``bincount`` per theme and predictor, so B x n work in numpy.
    The percentile interval usually, but not always, contains the point
    estimate (macro-F1 is not a smooth statistic on small samples).
    """
    if resamples < 1:
        raise ValueError(f"resamples = {resamples}: must be at least 1")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence = {confidence}: must be in (0, 1)")
    k = len(strata[0]) if strata else 0
    counts = np.zeros((k, resamples, len(strata), 9), dtype=np.int64)
    offsets = (np.arange(resamples) * 9)[:, None]
    rng = np.random.default_rng(seed)
    for t, codes in enumerate(strata):
        n = len(codes[0])
        if any(len(c) != n for c in codes):
            raise ValueError(f"stratum {t}: predictors have different numbers of rows")
        if n == 0:
            continue
        pick = rng.integers(0, n, size=(resamples, n))
        for j, c in enumerate(codes):
            counts[j, :, t] = np.bincount((offsets + np.asarray(c)[pick]).ravel(),
                                          minlength=resamples * 9).reshape(resamples, 9)
    tails = [(1 - confidence) / 2, 1 - (1 - confidence) / 2]

    def interval(x: np.ndarray) -> list[float]:
        return [round(float(v), 4) for v in np.quantile(x, tails)]

    out = []
    for j in range(k):
        c = counts[j].reshape(resamples, len(strata), 3, 3)
        per_theme = macro_f1_of_confusion(c)  # (B, T)
        present = [t for t, codes in enumerate(strata) if len(codes[0])]
        out.append({
            "pooled": interval(macro_f1_of_confusion(c.sum(axis=1))),
            "mean": interval(per_theme[:, present].mean(axis=1)) if present else [0.0, 0.0],
            "themes": [interval(per_theme[:, t]) for t in range(len(strata))],
        })
    return out


# ------------------------------------------------------------------ baselines
def vader_label(text: str, analyser=None) -> int:
    """Whole-sentence VADER compound sentiment as a label (the usual ±0.05 cut)."""
    if analyser is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyser = SentimentIntensityAnalyzer()
    c = analyser.polarity_scores(text)["compound"]
    return 1 if c >= 0.05 else -1 if c <= -0.05 else 0


def majority_labels(rows: list[dict]) -> dict[str, int]:
    """Each theme's most frequent gold stance among its relevant rows.

    Ties go to 0, then -1, then 1; a theme without relevant rows gets 0.
    """
    out = {}
    for theme in sorted({r["theme"] for r in rows}):
        counts = {lab: 0 for lab in LABELS}
        for r in rows:
            if r["theme"] == theme and r["relevant"]:
                counts[r["stance"]] += 1
        out[theme] = max((0, -1, 1), key=lambda lab: counts[lab])  # max keeps the first of equals
    return out


def group_of(row: Mapping) -> str | None:
    """A row's group: its ``group`` field, else the ``doc`` prefix before the first ``:`` or ``-``, else None."""
    if row.get("group"):
        return str(row["group"])
    doc = row.get("doc")
    if isinstance(doc, str):
        cuts = [i for i in (doc.find(":"), doc.find("-")) if i > 0]
        if cuts:
            return doc[:min(cuts)]
    return None


# ------------------------------------------------------------------- reports
def _figures(rows: list[dict], predictions: Mapping[str, Sequence[tuple[bool, int]]], themes: list[str],
             resamples: int, seed: int, confidence: float) -> dict[str, dict]:
    """:func:`metrics` of each predictor on ``rows``, with bootstrap intervals of every macro-F1."""
    blocks = {name: metrics(rows, preds, themes) for name, preds in predictions.items()}
    present = sorted(set(themes) & {r["theme"] for r in rows})
    strata = []
    for theme in present:
        idx = [i for i, r in enumerate(rows) if r["theme"] == theme and r["relevant"]]
        gold = np.array([rows[i]["stance"] for i in idx], dtype=np.int64)
        strata.append([3 * (gold + 1) + (np.array([preds[i][1] for i in idx], dtype=np.int64) + 1)
                       for preds in predictions.values()])
    cis = bootstrap_macro_f1(strata, resamples, seed, confidence)
    for (name, block), ci in zip(blocks.items(), cis):
        block["overall"]["stance_macro_f1_ci"] = ci["pooled"]
        block["overall"]["mean_theme_stance_macro_f1_ci"] = ci["mean"]
        for theme, theme_ci in zip(present, ci["themes"]):
            block["themes"][theme]["stance"]["macro_f1_ci"] = theme_ci
    return blocks


#: The keys of a predictor's figures under ``report["groups"][g]``.
GROUP_KEYS = ("stance_macro_f1", "stance_macro_f1_ci", "mean_theme_stance_macro_f1",
              "mean_theme_stance_macro_f1_ci", "alpha")


def evaluate_predictions(rows: list[dict], predictions: Sequence, themes: Iterable[str], *,
                         resamples: int = RESAMPLES, seed: int = SEED, confidence: float = CONFIDENCE) -> dict:
    """The evaluation report for the scorer's ``predictions`` of ``rows``.

    Parameters
    ----------
    rows : list of dict, length n
        Gold rows as :func:`read_gold` returns them.
    predictions : sequence, length n
        The scorer's prediction of each row: ``(relevant, label)`` or an object
        with ``relevant`` and ``label`` (a ``Scored``).
    themes : iterable of str
        The selected themes.
    resamples, seed, confidence
        The bootstrap (see :func:`bootstrap_macro_f1`); every block uses a
        fresh generator seeded with ``seed``, so a group's intervals do not
        depend on which other groups the file holds.

    Returns
    -------
    dict
        ``n``; ``themes`` and ``overall`` of the scorer (see :func:`metrics`,
        plus ``*_ci`` intervals); ``baseline`` (VADER) and ``majority_baseline``
        (plus its ``labels`` per theme) in the same shape; ``bootstrap`` (its
        settings); and ``groups`` when the rows fall into two or more groups:
        per group ``n``, ``n_relevant``, the scorer's :data:`GROUP_KEYS` and
        the same under ``baseline`` and ``majority_baseline``.

    Raises
    ------
    ValueError
        ``predictions`` and ``rows`` differ in length, or a bad bootstrap setting.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    if len(predictions) != len(rows):
        raise ValueError(f"{len(predictions)} predictions for {len(rows)} rows")
    themes = list(themes)
    analyser = SentimentIntensityAnalyzer()
    majority = majority_labels(rows)
    preds = {
        "scorer": [as_pair(p) for p in predictions],
        "baseline": [(True, vader_label(r["text"], analyser)) for r in rows],
        "majority_baseline": [(True, majority[r["theme"]]) for r in rows],
    }
    blocks = _figures(rows, preds, themes, resamples, seed, confidence)
    report = {"n": len(rows), **blocks["scorer"], "baseline": blocks["baseline"],
              "majority_baseline": {"labels": majority, **blocks["majority_baseline"]},
              "bootstrap": {"resamples": resamples, "seed": seed, "confidence": confidence,
                            "method": "percentile; rows resampled within each theme"}}
    groups = [group_of(r) or NO_GROUP for r in rows]
    if len(set(groups)) > 1:
        report["groups"] = {}
        for g in sorted(set(groups)):
            idx = [i for i, x in enumerate(groups) if x == g]
            sub = [rows[i] for i in idx]
            b = _figures(sub, {k: [v[i] for i in idx] for k, v in preds.items()}, themes, resamples, seed,
                         confidence)
            report["groups"][g] = {"n": len(sub), "n_relevant": sum(r["relevant"] for r in sub),
                                   **{k: b["scorer"]["overall"][k] for k in GROUP_KEYS},
                                   **{name: {k: b[name]["overall"][k] for k in GROUP_KEYS}
                                      for name in ("baseline", "majority_baseline")}}
    return report


def evaluate(rows: list[dict], predict: Callable[[dict], Any], themes: Iterable[str], *,
             resamples: int = RESAMPLES, seed: int = SEED, confidence: float = CONFIDENCE) -> dict:
    """The evaluation report of ``predict`` on ``rows``: :func:`evaluate_predictions` of ``predict(row)`` per row.

    ``predict`` returns ``(relevant, label)`` or an object with those attributes (a ``Scored``).
    """
    return evaluate_predictions(rows, [predict(r) for r in rows], themes, resamples=resamples, seed=seed,
                                confidence=confidence)


# ------------------------------------------------------------------- outputs
PREDICTION_HEADER = ["doc", "group", "text", "theme", "scored_with", "gold_relevant", "gold_stance", "pred_relevant",
                     "pred_stance", "pred_label", "targets", "cues", "rules"]


def _flag(v: bool | None) -> str:
    return "" if v is None else "true" if v else "false"


def prediction_rows(rows: list[dict], predictions: Sequence) -> list[list]:
    """One line per gold row for ``--rows``: gold, prediction and why (see :data:`PREDICTION_HEADER`).

    ``pred_label`` is the label the evaluation counts (0 for a row predicted
    irrelevant); ``pred_stance`` is the continuous score. From a ``Scored``
    prediction, ``targets`` lists the theme terms found, ``cues`` each cue as
    ``term:value`` (``term:value (expansion)`` for a cue ``stance.expansion``
    added) and ``rules`` each rule that changed a cue as ``term: rule``; a plain
    ``(relevant, label)`` prediction leaves these three and ``pred_stance`` empty.
    ``theme`` is the theme as the gold file codes it, ``scored_with`` the
    selected theme that scored the row (a version of it, ``variant_of``), so
    the lines join back to the gold file on doc, theme and text.
    """
    out = []
    for row, p in zip(rows, predictions):
        relevant, label = as_pair(p)
        cues = getattr(p, "cues", None) or []
        out.append([
            row.get("doc", ""), group_of(row) or "", row["text"], row.get("coded_theme", row["theme"]), row["theme"],
            _flag(row["relevant"]),
            row.get("stance") if row["relevant"] else "", _flag(relevant), getattr(p, "stance", None), label,
            "; ".join(t["term"] for t in getattr(p, "targets", None) or []),
            "; ".join(f"{c['term']}:{c['value']:+.2f}{' (expansion)' if c.get('source') == 'expansion' else ''}"
                      for c in cues),
            "; ".join(f"{c['term']}: {rule}" for c in cues for rule in c["rules"]),
        ])
    return out


def flat_metrics(report: dict) -> dict:
    """Flat metric names for ``dvc exp show`` (``stance_macro_f1``, ``ukraine_relevance_f1``...).

    Intervals become ``<figure>_ci_low`` and ``<figure>_ci_high``; the
    baselines' figures are prefixed ``baseline_`` (VADER) and ``majority_baseline_``.
    """
    o = report["overall"]
    flat = {"n": report["n"], "stance_macro_f1": o["stance_macro_f1"], "relevance_f1": o["relevance_f1"],
            "baseline_stance_macro_f1": report["baseline"]["overall"]["stance_macro_f1"]}
    flat["margin_over_baseline"] = round(flat["stance_macro_f1"] - flat["baseline_stance_macro_f1"], 4)
    for prefix, block in (("", report), ("baseline_", report["baseline"]),
                          ("majority_baseline_", report["majority_baseline"])):
        bo = block["overall"]
        for key in ("stance_macro_f1", "mean_theme_stance_macro_f1"):
            flat[prefix + key] = bo[key]
            flat[f"{prefix}{key}_ci_low"], flat[f"{prefix}{key}_ci_high"] = bo[f"{key}_ci"]
        flat[prefix + "stance_alpha"] = bo["alpha"]
    flat["mean_theme_margin_over_majority_baseline"] = round(
        o["mean_theme_stance_macro_f1"] - report["majority_baseline"]["overall"]["mean_theme_stance_macro_f1"], 4)
    for theme, m in report["themes"].items():
        flat[f"{theme}_relevance_f1"] = m["relevance"]["f1"]
        flat[f"{theme}_stance_macro_f1"] = m["stance"]["macro_f1"]
        flat[f"{theme}_stance_accuracy"] = m["stance"]["accuracy"]
        flat[f"{theme}_stance_alpha"] = m["stance"]["alpha"]
    return flat


def _ci(block: dict, key: str) -> list:
    return list(block.get(key) or ["", ""])


def table_rows(report: dict) -> list[list]:
    """Rows of the Markdown/CSV table (:data:`TABLE_HEADER`).

    Per predictor (scorer, VADER baseline, majority baseline): one row per
    theme, a ``mean per theme`` row (mean relevance F1 and mean stance
    macro-F1 over themes) and an ``overall`` row (stance pooled over rows).
    """
    rows = []
    for who, block in (("scorer", report), ("vader baseline", report["baseline"]),
                       ("majority baseline", report["majority_baseline"])):
        for theme, m in block["themes"].items():
            rel, st = m["relevance"], m["stance"]
            rows.append([who, theme, rel["precision"], rel["recall"], rel["f1"], st["macro_f1"], st["accuracy"],
                         st["n"], *_ci(st, "macro_f1_ci"), st["alpha"]])
        o = block["overall"]
        rows.append([who, "mean per theme", "", "", o["relevance_f1"], o["mean_theme_stance_macro_f1"], "", "",
                     *_ci(o, "mean_theme_stance_macro_f1_ci"), ""])
        rows.append([who, "overall", "", "", o["relevance_f1"], o["stance_macro_f1"], "", "",
                     *_ci(o, "stance_macro_f1_ci"), o["alpha"]])
    return rows


TABLE_HEADER = ["scorer", "theme", "relevance_precision", "relevance_recall", "relevance_f1", "stance_macro_f1",
                "stance_accuracy", "n_relevant", "stance_macro_f1_ci_low", "stance_macro_f1_ci_high", "stance_alpha"]
