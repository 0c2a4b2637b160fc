"""Scores of a topic model, and choosing k by one of them.

``c_npmi`` (top 10 words, gensim's sliding window of 10 tokens over all
segments) is the primary score: it tracks human judgements of topic quality
best among the cheap measures. ``u_mass`` (document co-occurrence in the
training bags of words), topic diversity and held-out perplexity are reported
beside it; ``c_v`` only as a secondary figure, since it rates topics of rare,
unrelated words highly.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

#: For each score, whether a larger value is better.
HIGHER_IS_BETTER = {"c_npmi": True, "u_mass": True, "diversity": True, "perplexity": False, "c_v": True}


def top_word_ids(topic_word: np.ndarray, n: int) -> list[list[int]]:
    """The ``n`` most probable word ids of each topic; ties go to the lower id."""
    out = []
    for row in topic_word:
        order = np.lexsort((np.arange(row.size), -row))
        out.append([int(i) for i in order[:n]])
    return out


def diversity(top_ids: Sequence[Sequence[int]]) -> float:
    """Share of unique words among all topics' top words (1.0: no word repeats)."""
    total = sum(len(t) for t in top_ids)
    return len({w for t in top_ids for w in t}) / total if total else 0.0


def coherence(topics: Sequence[Sequence[str]], measure: str, dictionary, texts=None, corpus=None,
              topn: int = 10) -> list[float]:
    """Per-topic coherence of many topics in one pass over the reference texts.

    Topics of every candidate model are scored together: gensim counts the
    co-occurrences of all their words at once, so k candidates cost one pass.
    """
    from gensim.models import CoherenceModel

    if not topics:
        return []
    kwargs = {"texts": texts} if measure != "u_mass" else {"corpus": corpus}
    cm = CoherenceModel(topics=[list(t[:topn]) for t in topics], dictionary=dictionary, coherence=measure,
                        topn=topn, processes=1, **kwargs)
    return [float(v) if np.isfinite(v) else float("nan") for v in cm.get_coherence_per_topic()]


def perplexity(log_per_word: float) -> float:
    """Held-out perplexity from a per-word log-likelihood (bound) in nats."""
    return math.exp(-log_per_word) if np.isfinite(log_per_word) else float("nan")


def select(rows: Sequence[dict], by: str) -> dict:
    """The best row by score ``by``; a tie (or an undefined score) goes to the smaller k."""
    sign = 1.0 if HIGHER_IS_BETTER[by] else -1.0

    def key(r: dict):
        v = r[by]
        return (-(sign * v) if v is not None and np.isfinite(v) else math.inf, r["k"])

    return min(rows, key=key)
