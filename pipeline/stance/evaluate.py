"""Scoring a labelled gold file: relevance and stance metrics, and the VADER baseline.

Every row is a (sentence, theme) pair scored as a sentence on its own. The
baseline has no notion of a theme: it calls every row relevant and takes the
whole sentence's VADER compound score (±0.05) as the stance.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

from ..errors import UserError

LABELS = (-1, 0, 1)


def read_gold(path: str | Path, themes: Iterable[str]) -> list[dict]:
    """Rows of a gold JSONL file, checked; a bad row is one line naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: gold file not found")
    known = set(themes)
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise UserError(f"{path}:{n}: not a JSON object") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise UserError(f"{path}:{n}: 'text' must be a string")
            if row.get("theme") not in known:
                raise UserError(f"{path}:{n}: theme = {row.get('theme')!r} is not a selected theme "
                                f"(selected: {', '.join(sorted(known))})")
            if not isinstance(row.get("relevant"), bool):
                raise UserError(f"{path}:{n}: relevant = {row.get('relevant')!r} is not allowed: true or false")
            if row["relevant"] and row.get("stance") not in LABELS:
                raise UserError(f"{path}:{n}: stance = {row.get('stance')!r} is not allowed: -1, 0 or 1")
            rows.append(row)
    if not rows:
        raise UserError(f"{path}: no rows")
    return rows


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


def macro_f1(gold: list[int], pred: list[int]) -> float:
    """Mean F1 over the labels that occur in gold or prediction.

    A label no one used (sanctions' ``1`` on the dev set) is left out rather
    than counted as 0, which would cap a perfect scorer at 0.67.
    """
    used = [lab for lab in LABELS if lab in gold or lab in pred]
    if not used:
        return 0.0
    scores = [prf([g == lab for g in gold], [p == lab for p in pred])["f1"] for lab in used]
    return round(sum(scores) / len(scores), 4)


def stance_block(gold: list[int], pred: list[int]) -> dict:
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0
    return {"macro_f1": macro_f1(gold, pred), "accuracy": round(acc, 4), "confusion": confusion(gold, pred), "n": n}


def metrics(rows: list[dict], predictions: list[tuple[bool, int]], themes: Iterable[str]) -> dict:
    """Per-theme and pooled figures for ``predictions`` = (relevant, label) per row.

    Stance counts rows whose gold ``relevant`` is true; a row predicted
    irrelevant counts as stance 0.
    """
    out: dict = {"themes": {}}
    pooled_g: list[int] = []
    pooled_p: list[int] = []
    rel_f1 = []
    for theme in sorted(set(themes) & {r["theme"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["theme"] == theme]
        rel = prf([rows[i]["relevant"] for i in idx], [predictions[i][0] for i in idx])
        st = [i for i in idx if rows[i]["relevant"]]
        g = [rows[i]["stance"] for i in st]
        p = [predictions[i][1] if predictions[i][0] else 0 for i in st]
        pooled_g += g
        pooled_p += p
        rel_f1.append(rel["f1"])
        out["themes"][theme] = {"relevance": rel, "stance": stance_block(g, p)}
    out["overall"] = {
        "relevance_f1": round(sum(rel_f1) / len(rel_f1), 4) if rel_f1 else 0.0,
        "stance_macro_f1": macro_f1(pooled_g, pooled_p),
    }
    return out


def vader_label(text: str, analyser=None) -> int:
    """Whole-sentence VADER compound sentiment as a label (the usual ±0.05 cut)."""
    if analyser is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyser = SentimentIntensityAnalyzer()
    c = analyser.polarity_scores(text)["compound"]
    return 1 if c >= 0.05 else -1 if c <= -0.05 else 0


def evaluate(rows: list[dict], predict: Callable[[dict], tuple[bool, int]], themes: Iterable[str]) -> dict:
    """The evaluation report: scorer figures, plus the same shape for the baseline."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    themes = list(themes)
    analyser = SentimentIntensityAnalyzer()
    ours = metrics(rows, [predict(r) for r in rows], themes)
    base = metrics(rows, [(True, vader_label(r["text"], analyser)) for r in rows], themes)
    return {"n": len(rows), **ours, "baseline": base}


def flat_metrics(report: dict) -> dict:
    """Flat metric names for ``dvc exp show`` (``stance_macro_f1``, ``ukraine_relevance_f1``...)."""
    flat = {"n": report["n"], "stance_macro_f1": report["overall"]["stance_macro_f1"],
            "relevance_f1": report["overall"]["relevance_f1"],
            "baseline_stance_macro_f1": report["baseline"]["overall"]["stance_macro_f1"]}
    flat["margin_over_baseline"] = round(flat["stance_macro_f1"] - flat["baseline_stance_macro_f1"], 4)
    for theme, m in report["themes"].items():
        flat[f"{theme}_relevance_f1"] = m["relevance"]["f1"]
        flat[f"{theme}_stance_macro_f1"] = m["stance"]["macro_f1"]
        flat[f"{theme}_stance_accuracy"] = m["stance"]["accuracy"]
    return flat


def table_rows(report: dict) -> list[list]:
    """Rows of the Markdown/CSV table: one per theme, then overall, for scorer and baseline."""
    rows = []
    for who, block in (("scorer", report), ("vader baseline", report["baseline"])):
        for theme, m in block["themes"].items():
            rel, st = m["relevance"], m["stance"]
            rows.append([who, theme, rel["precision"], rel["recall"], rel["f1"], st["macro_f1"], st["accuracy"],
                         st["n"]])
        rows.append([who, "overall", "", "", block["overall"]["relevance_f1"], block["overall"]["stance_macro_f1"],
                     "", ""])
    return rows


TABLE_HEADER = ["scorer", "theme", "relevance_precision", "relevance_recall", "relevance_f1", "stance_macro_f1",
                "stance_accuracy", "n_relevant"]
