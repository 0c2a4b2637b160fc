"""Summaries over sentences: salience, mean stance with a bootstrap interval, label counts.

A group (segment, document, date, corpus) with no mention of a theme says so
(``status: "no evidence"``, stance empty) instead of reporting a 0 that would
read as "neutral".
"""
from __future__ import annotations

import numpy as np

from ..stats import bootstrap_mean, group_seed

NO_EVIDENCE = "no evidence"
EVIDENCE = "evidence"


def summarise(key: str, stances: list[float], labels: list[int], mentions: int, tokens: int, boot: dict) -> dict:
    """One group's figures.

    ``salience`` is mentions per 1,000 word tokens (empty when the group has
    no tokens); ``stance`` is the mean over relevant sentences with its
    interval (empty below ``min_sentences``).
    """
    out = {
        "salience": round(1000 * mentions / tokens, 3) if tokens else None,
        "mentions": mentions,
        "tokens": tokens,
        "sentences": len(stances),
        "negative": sum(1 for v in labels if v == -1),
        "neutral": sum(1 for v in labels if v == 0),
        "positive": sum(1 for v in labels if v == 1),
    }
    if not stances:
        return {**out, "status": NO_EVIDENCE, "stance": None, "ci_low": None, "ci_high": None}
    mean = float(np.mean(stances))
    lo = hi = None
    if len(stances) >= boot["min_sentences"]:
        lo, hi = bootstrap_mean(stances, boot["resamples"], group_seed(boot["seed"], key), boot["confidence"])
        lo, hi = round(lo, 4), round(hi, 4)
    return {**out, "status": EVIDENCE, "stance": round(mean, 4), "ci_low": lo, "ci_high": hi}


def aggregate(units: list[dict], sentences: list[dict], by: str, themes: list[str], boot: dict) -> dict:
    """Summaries per (value of ``by``, theme).

    Parameters
    ----------
    units
        Scored segments: ``{"segment_id", "doc_id", "date", "tokens", "mentions": {theme: n}}``.
    sentences
        Relevant sentence rows: ``{"segment_id", "doc_id", "date", "theme", "stance", "label"}``.
    by
        ``segment_id``, ``doc_id``, ``date`` or ``None`` for the whole corpus.
    """
    keys: dict = {}
    for u in units:
        k = u[by] if by else "corpus"
        g = keys.setdefault(k, {"tokens": 0, "mentions": dict.fromkeys(themes, 0)})
        g["tokens"] += u["tokens"]
        for t in themes:
            g["mentions"][t] += u["mentions"].get(t, 0)
    scores: dict = {}
    for s in sentences:
        k = s[by] if by else "corpus"
        scores.setdefault((k, s["theme"]), []).append(s)
    out = {}
    for k, g in keys.items():
        for t in themes:
            rows = scores.get((k, t), [])
            out[(k, t)] = summarise(f"{by}={k}|{t}", [r["stance"] for r in rows], [r["label"] for r in rows],
                                    g["mentions"][t], g["tokens"], boot)
    return out
