"""Seeds per group and percentile bootstrap intervals, for every stage that reports an interval.

One implementation: resamples are drawn as indices of the resampled units,
in blocks of bounded size so a large group never needs a huge matrix. Each
group's generator is seeded from the seed and the group's name
(:func:`group_seed`), so a group's interval does not depend on which other
groups exist.

Sentences of one document are not independent draws: a speech that attacks
sanctions does so in many sentences, and on the seeds one document gives 32
of the 57 sentences about Ukraine. Resampling sentences then treats 57
correlated observations as 57 independent ones and gives intervals far too
narrow. The unit that was sampled is the document, so an interval of a mean
pooled over documents resamples documents, each with all its sentences (a
cluster bootstrap: :func:`cluster_bootstrap_mean`, :func:`bootstrap_ratio`).

Below a minimum number of sentences, or of documents when documents are
resampled, no interval is given at all (:func:`too_few`): a percentile
bootstrap of two values prints [0.00, 0.00], which reads as certainty.
"""
from __future__ import annotations

import zlib
from typing import Hashable, Iterator, Mapping, Sequence

import numpy as np

#: resampled values held at once (resamples x units x columns); 4,000,000 floats is 32 MB
BLOCK = 4_000_000


def group_seed(seed: int, key: str) -> int:
    """A generator seed for one group, independent of the other groups.

    Parameters
    ----------
    seed : int
        The configured seed.
    key : str
        The group's name, e.g. ``doc_id=a|sanctions``.
    """
    return (seed * 1_000_003 + zlib.crc32(key.encode("utf-8"))) % (2**32)


def resampled_indices(n: int, resamples: int, rng: np.random.Generator, columns: int = 1) -> Iterator[np.ndarray]:
    """Indices of ``n`` units drawn with replacement, ``resamples`` rows in all, in blocks of bounded size.

    A block holds at most :data:`BLOCK` values of ``columns`` columns; a small
    group is drawn in one block (block sizes decide the draws, so they are
    fixed by ``n`` and ``columns`` alone).
    """
    rows = max(1, BLOCK // (max(n, 1) * max(columns, 1)))
    for done in range(0, resamples, rows):
        yield rng.integers(0, n, size=(min(rows, resamples - done), n))


def _interval(stats: np.ndarray, confidence: float, axis: int | None = None):
    alpha = (1 - confidence) / 2
    return np.quantile(stats, [alpha, 1 - alpha], axis=axis)


def bootstrap_mean(values, resamples: int, seed: int, confidence: float):
    """Percentile bootstrap interval of the mean, resampling the rows of ``values``.

    Parameters
    ----------
    values : array-like
        One value per unit (1-D: the interval of its mean, as two floats), or one
        row per unit and one column per quantity (2-D: two arrays, a bound per column).
    resamples : int
        Bootstrap resamples.
    seed : int
        Seed of the generator: the same seed gives the same interval.
    confidence : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    low, high
        Floats for 1-D ``values``, arrays for 2-D.
    """
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    if x.ndim == 1:
        means = np.concatenate([x[idx].mean(axis=1) for idx in resampled_indices(len(x), resamples, rng)])
        lo, hi = _interval(means, confidence)
        return float(lo), float(hi)
    means = np.vstack([x[idx].mean(axis=1) for idx in resampled_indices(x.shape[0], resamples, rng, x.shape[1])])
    lo, hi = _interval(means, confidence, axis=0)
    return lo, hi


def bootstrap_ratio(num, den, resamples: int, seed: int, confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(num) / sum(den)``, resampling units.

    With ``num`` a document's summed sentence stances and ``den`` its number of
    sentences, this is the mean stance over sentences with documents as the
    resampled unit (a cluster bootstrap). Every ``den`` must be positive.

    Parameters
    ----------
    num, den : array-like
        One value per unit.
    resamples, seed, confidence
        As for :func:`bootstrap_mean`.

    Returns
    -------
    (float, float)
        Lower and upper bound.

    Raises
    ------
    ValueError
        When there is no unit or a ``den`` is not positive.
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    if num.size == 0 or num.shape != den.shape or (den <= 0).any():
        raise ValueError("bootstrap_ratio: needs one positive count per unit and at least one unit")
    rng = np.random.default_rng(seed)
    ratios = np.concatenate([num[idx].sum(axis=1) / den[idx].sum(axis=1)
                             for idx in resampled_indices(len(num), resamples, rng)])
    lo, hi = _interval(ratios, confidence)
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
        As for :func:`bootstrap_mean`.

    Returns
    -------
    (float, float)
        Lower and upper bound of the mean over observations, each resample
        drawing as many clusters as there are, with replacement, and taking
        every observation of each drawn cluster (:func:`bootstrap_ratio` of
        the clusters' sums and counts).

    Raises
    ------
    ValueError
        When ``values`` and ``clusters`` differ in length, or are empty.
    """
    if len(values) != len(clusters):
        raise ValueError("cluster_bootstrap_mean: one cluster per value")
    # Clusters in order of first appearance: the callers' orders are deterministic.
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
    return bootstrap_ratio(sums, counts, resamples, seed, confidence)


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
