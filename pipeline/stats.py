"""The document-level cluster bootstrap shared by the stance stage and the report.

Sentences of one document are not independent draws: a speech that attacks
sanctions does so in many sentences, and on the seeds one document gives 32
of the 57 sentences about Ukraine. Resampling sentences then treats 57
correlated observations as 57 independent ones and gives intervals far too
narrow. The unit that was sampled is the document, so an interval of a mean
pooled over documents resamples documents, each with all its sentences.

Below a minimum number of sentences, or of documents when documents are
resampled, no interval is given at all (:func:`too_few`): a percentile
bootstrap of two values prints [0.00, 0.00], which reads as certainty.
"""
from __future__ import annotations

from typing import Hashable, Iterable, Mapping, Sequence

import numpy as np

# Resamples x clusters per matrix product: bounds memory on a group of thousands of documents.
_BLOCK = 2_000_000


def _weights(n: int, resamples: int, rng: np.random.Generator) -> Iterable[np.ndarray]:
    """How often each of ``n`` clusters is drawn, per resample, in blocks of bounded size."""
    block = max(1, _BLOCK // max(n, 1))
    p = np.full(n, 1.0 / n)
    done = 0
    while done < resamples:
        b = min(block, resamples - done)
        yield rng.multinomial(n, p, size=b).astype(float)
        done += b


def cluster_bootstrap_ratio(sums: Sequence[float], counts: Sequence[float], resamples: int, seed: int,
                            confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(sums) / sum(counts)``, resampling clusters.

    Parameters
    ----------
    sums : sequence of float
        Per cluster (document), the sum of its observations (sentence stances).
    counts : sequence of float
        Per cluster, its number of observations; every one must be positive.
    resamples : int
        Number of bootstrap resamples.
    seed : int
        Seed of the generator: the same inputs and seed give the same interval.
    confidence : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    (float, float)
        Lower and upper bound of the pooled mean over observations.

    Raises
    ------
    ValueError
        When there is no cluster or a count is not positive.
    """
    num = np.asarray(sums, dtype=float)
    den = np.asarray(counts, dtype=float)
    if num.size == 0 or num.shape != den.shape or (den <= 0).any():
        raise ValueError("cluster_bootstrap_ratio: needs one positive count per cluster and at least one cluster")
    rng = np.random.default_rng(seed)
    # A resample always draws n clusters with positive counts, so the denominator is never 0.
    ratios = np.concatenate([(W @ num) / (W @ den) for W in _weights(num.size, resamples, rng)])
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(ratios, [alpha, 1 - alpha])
    return float(lo), float(hi)


def cluster_bootstrap_mean(values: Sequence[float], clusters: Sequence[Hashable], resamples: int, seed: int,
                           confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``values``, resampling whole clusters.

    Parameters
    ----------
    values : sequence of float
        One observation each (a sentence's stance).
    clusters : sequence of hashable
        The cluster (document id) of each observation, in the same order.
    resamples, seed, confidence
        As for :func:`cluster_bootstrap_ratio`.

    Returns
    -------
    (float, float)
        Lower and upper bound of the mean over observations, each resample
        drawing as many clusters as there are, with replacement, and taking
        every observation of each drawn cluster.
    """
    if len(values) != len(clusters):
        raise ValueError("cluster_bootstrap_mean: one cluster per value")
    # Clusters in order of first appearance: the interval depends on the data's order only
    # through the generator, and the callers' orders are deterministic.
    pos: dict[Hashable, int] = {}
    sums: list[float] = []
    counts: list[float] = []
    for v, c in zip(values, clusters):
        i = pos.setdefault(c, len(sums))
        if i == len(sums):
            sums.append(0.0)
            counts.append(0.0)
        sums[i] += float(v)
        counts[i] += 1.0
    return cluster_bootstrap_ratio(sums, counts, resamples, seed, confidence)


def too_few(sentences: int, documents: int, boot: Mapping, pooled: bool) -> str | None:
    """Why no interval is given, or None when there are enough sentences and documents.

    Parameters
    ----------
    sentences, documents : int
        Relevant sentences of the group, and the documents they come from.
    boot : mapping
        ``stance.bootstrap`` or ``report.bootstrap``: ``min_sentences``, ``min_documents``.
    pooled : bool
        Whether the group pools documents (a date, a group, the corpus); only
        then does ``min_documents`` apply, since the documents are what is resampled.

    Returns
    -------
    str or None
        ``"too few to estimate (n = 2)"`` (sentences) or ``"too few to estimate (3 documents)"``.
    """
    if sentences < boot["min_sentences"]:
        return f"too few to estimate (n = {sentences})"
    if pooled and documents < boot["min_documents"]:
        return f"too few to estimate ({documents} document{'' if documents == 1 else 's'})"
    return None
