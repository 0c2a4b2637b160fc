"""Summaries over sentences: salience, mean stance with a bootstrap interval, label counts.

A group (segment, document, date, corpus) with no mention of a theme says so
(``status: "no evidence"``, stance empty) instead of reporting a 0 that would
read as "neutral".

Intervals: within one document (a segment, a document) the interval resamples
its sentences; above the document level (a date, the corpus) it resamples
documents with all their sentences (:func:`pipeline.stats.cluster_bootstrap_mean`),
because sentences of one document are not independent. Below
``min_sentences`` sentences, or below ``min_documents`` documents for a pooled
interval, no interval is given and ``ci_note`` says "too few to estimate".
"""
from __future__ import annotations

import zlib

import numpy as np

from ..stats import cluster_bootstrap_mean, too_few

NO_EVIDENCE = "no evidence"
EVIDENCE = "evidence"


def group_seed(seed: int, key: str) -> int:
    """A per-group seed, so a group's interval does not depend on which groups precede it."""
    return (seed * 1_000_003 + zlib.crc32(key.encode("utf-8"))) % (2**32)


_BLOCK = 4_000_000


def bootstrap_mean(values: list[float], resamples: int, seed: int, confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values``, resampling them as independent draws.

    Only for sentences within one document; a mean pooled over documents
    resamples documents (:func:`pipeline.stats.cluster_bootstrap_mean`).

    Parameters
    ----------
    values
        Sentence stances (at least one).
    resamples
        Bootstrap resamples.
    seed
        Seed of the generator (a parameter: same seed, same interval).
    confidence
        Coverage of the interval, e.g. 0.95.
    """
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(x)
    # Resamples are drawn in blocks of at most _BLOCK indices: one draw of 2,000
    # resamples of a corpus' 100,000 sentences would take 3 GB. Small groups are
    # drawn in one block, as before.
    rows = max(1, _BLOCK // n)
    means = np.concatenate([x[rng.integers(0, n, size=(min(rows, resamples - done), n))].mean(axis=1)
                            for done in range(0, resamples, rows)])
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)


def summarise(key: str, stances: list[float], labels: list[int], mentions: int, tokens: int, boot: dict,
              docs: list[str] | None = None) -> dict:
    """One group's figures.

    Parameters
    ----------
    key : str
        Names the group; seeds its generator, so its interval does not depend on other groups.
    stances, labels : list
        Its relevant sentences' stances and labels.
    mentions, tokens : int
        Target mentions and word tokens, for salience (mentions per 1,000 words; empty without tokens).
    boot : dict
        ``stance.bootstrap``: ``resamples``, ``seed``, ``confidence``, ``min_sentences``, ``min_documents``.
    docs : list of str, optional
        The document of each sentence, for a group that pools documents: its
        interval then resamples documents. Without it, the group lies within
        one document and its interval resamples sentences.

    Returns
    -------
    dict
        ``status``, ``salience``, ``mentions``, ``tokens``, ``sentences``, ``documents``, ``stance``,
        ``ci_low``, ``ci_high``, ``ci_note`` and the label counts.
    """
    documents = len(set(docs)) if docs is not None else (1 if stances else 0)
    out = {
        "salience": round(1000 * mentions / tokens, 3) if tokens else None,
        "mentions": mentions,
        "tokens": tokens,
        "sentences": len(stances),
        "documents": documents,
        "negative": sum(1 for v in labels if v == -1),
        "neutral": sum(1 for v in labels if v == 0),
        "positive": sum(1 for v in labels if v == 1),
    }
    if not stances:
        return {**out, "status": NO_EVIDENCE, "stance": None, "ci_low": None, "ci_high": None, "ci_note": None}
    mean = float(np.mean(stances))
    lo = hi = None
    note = too_few(len(stances), documents, boot, pooled=docs is not None)
    if note is None:
        seed = group_seed(boot["seed"], key)
        if docs is not None:
            lo, hi = cluster_bootstrap_mean(stances, docs, boot["resamples"], seed, boot["confidence"])
        else:
            lo, hi = bootstrap_mean(stances, boot["resamples"], seed, boot["confidence"])
        lo, hi = round(lo, 4), round(hi, 4)
    return {**out, "status": EVIDENCE, "stance": round(mean, 4), "ci_low": lo, "ci_high": hi, "ci_note": note}


#: Levels whose groups lie within one document: their intervals resample sentences.
WITHIN_DOCUMENT = ("segment_id", "doc_id")


def aggregate(units: list[dict], sentences: list[dict], by: str, themes: list[str], boot: dict) -> dict:
    """Summaries per (value of ``by``, theme).

    Parameters
    ----------
    units
        Scored segments: ``{"segment_id", "doc_id", "date", "tokens", "mentions": {theme: n}}``.
    sentences
        Relevant sentence rows: ``{"segment_id", "doc_id", "date", "theme", "stance", "label"}``.
    by
        ``segment_id``, ``doc_id``, ``date`` or ``None`` for the whole corpus. Dates and the
        corpus pool documents: their intervals resample documents.
    themes
        Theme names, in output order.
    boot
        ``stance.bootstrap`` (see :func:`summarise`).

    Returns
    -------
    dict
        ``(value of by, theme)`` -> the summary of :func:`summarise`.
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
            docs = None if by in WITHIN_DOCUMENT else [r["doc_id"] for r in rows]
            out[(k, t)] = summarise(f"{by}={k}|{t}", [r["stance"] for r in rows], [r["label"] for r in rows],
                                    g["mentions"][t], g["tokens"], boot, docs)
    return out
