"""Seeds per group and percentile bootstrap intervals, for every stage that reports an interval.

One implementation: resamples are drawn as indices of the resampled units
(sentences for the stance stage, documents for the report's groups), in
blocks of bounded size so a large group never needs a huge matrix. Each
group's generator is seeded from the seed and the group's name
(:func:`group_seed`), so a group's interval does not depend on which other
groups exist.
"""
from __future__ import annotations

import zlib
from typing import Iterator

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
    """
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    rng = np.random.default_rng(seed)
    ratios = np.concatenate([num[idx].sum(axis=1) / den[idx].sum(axis=1)
                             for idx in resampled_indices(len(num), resamples, rng)])
    lo, hi = _interval(ratios, confidence)
    return float(lo), float(hi)
