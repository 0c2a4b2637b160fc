"""Do other seeds find the same topics? Best-match Jaccard similarity across runs.

Each topic is its set of top words. The topics of a run with another seed are
matched one-to-one to the reference topics by the Hungarian algorithm
(maximising total Jaccard similarity); a topic's stability is its matched
similarity averaged over the other seeds.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def jaccard_matrix(a: Sequence[Sequence], b: Sequence[Sequence]) -> np.ndarray:
    """Jaccard similarity of every topic of ``a`` with every topic of ``b`` (as word sets)."""
    sa, sb = [set(x) for x in a], [set(x) for x in b]
    M = np.zeros((len(sa), len(sb)))
    for i, x in enumerate(sa):
        for j, y in enumerate(sb):
            union = len(x | y)
            M[i, j] = len(x & y) / union if union else 1.0
    return M


def best_match(a: Sequence[Sequence], b: Sequence[Sequence]) -> np.ndarray:
    """For each topic of ``a``, the similarity of its Hungarian match in ``b``."""
    from scipy.optimize import linear_sum_assignment

    M = jaccard_matrix(a, b)
    rows, cols = linear_sum_assignment(M, maximize=True)
    out = np.zeros(len(a))
    out[rows] = M[rows, cols]
    return out


def stability(reference: Sequence[Sequence], others: Sequence[Sequence[Sequence]]) -> tuple[list[float], float]:
    """Per-topic and overall mean best-match similarity of ``reference`` across ``others``.

    With no other run there is nothing to compare: every value is NaN.
    """
    if not others:
        return [float("nan")] * len(reference), float("nan")
    per = np.mean([best_match(reference, o) for o in others], axis=0)
    return [float(v) for v in per], float(per.mean())
