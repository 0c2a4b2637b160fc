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

import numpy as np

from ..stats import bootstrap_mean, cluster_bootstrap_mean, group_seed, too_few

NO_EVIDENCE = "no evidence"
EVIDENCE = "evidence"


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
