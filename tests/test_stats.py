"""The document-level cluster bootstrap and the minimum-n rule (issue 14)."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.stance.aggregate import aggregate, bootstrap_mean, summarise
from pipeline.stats import bootstrap_ratio, cluster_bootstrap_mean, too_few

BOOT = {"resamples": 400, "seed": 3, "confidence": 0.95, "min_sentences": 10, "min_documents": 5}


def correlated_corpus(rng: np.random.Generator, documents: int = 40) -> tuple[list[float], list[str]]:
    """Sentences whose stance is mostly their document's: a document-level effect plus a little noise.

    The true mean over the population of documents is 0; documents differ in length,
    as speeches do, so a few long ones supply most sentences.
    """
    values, clusters = [], []
    for d in range(documents):
        effect = rng.normal(0.0, 0.5)
        n = int(rng.integers(3, 30))
        values += list(effect + rng.normal(0.0, 0.15, size=n))
        clusters += [f"doc{d}"] * n
    return values, clusters


def test_cluster_bootstrap_covers_where_the_sentence_bootstrap_does_not():
    rng = np.random.default_rng(20240416)
    trials = 300
    sentence_hits = cluster_hits = 0
    for i in range(trials):
        values, clusters = correlated_corpus(rng)
        # The estimand: the mean over sentences in expectation is 0 (effects and noise centred on 0).
        lo, hi = bootstrap_mean(values, 400, i, 0.95)
        sentence_hits += lo <= 0.0 <= hi
        lo, hi = cluster_bootstrap_mean(values, clusters, 400, i, 0.95)
        cluster_hits += lo <= 0.0 <= hi
    sentence_cov, cluster_cov = sentence_hits / trials, cluster_hits / trials
    # Sentences treated as independent: far too narrow (0.35 with this seed).
    assert sentence_cov < 0.6, sentence_cov
    # Documents resampled: near the nominal 95% (0.93 with this seed; a percentile interval of
    # 40 clusters runs a little short, and 300 trials leave about ±0.015).
    assert 0.90 <= cluster_cov <= 0.98, cluster_cov


def test_cluster_bootstrap_is_deterministic_and_wider_than_the_sentence_one():
    values, clusters = correlated_corpus(np.random.default_rng(1))
    a = cluster_bootstrap_mean(values, clusters, 500, 7, 0.95)
    assert a == cluster_bootstrap_mean(values, clusters, 500, 7, 0.95)
    s = bootstrap_mean(values, 500, 7, 0.95)
    assert (a[1] - a[0]) > 2 * (s[1] - s[0])


def test_cluster_ratio_equals_the_mean_over_sentences():
    # Two documents of 1 and 3 sentences: a resample of both equals the pooled mean.
    lo, hi = bootstrap_ratio([1.0, 3.0], [1, 3], 200, 0, 0.95)
    assert 0.25 <= lo <= hi <= 1.0
    with pytest.raises(ValueError):
        bootstrap_ratio([1.0], [0], 10, 0, 0.95)


@pytest.mark.parametrize("sentences, documents, pooled, expected", [
    (2, 1, False, "too few to estimate (n = 2)"),
    (2, 2, True, "too few to estimate (n = 2)"),
    (57, 3, True, "too few to estimate (3 documents)"),
    (57, 1, True, "too few to estimate (1 document)"),
    (57, 3, False, None),  # within one document only sentences count
    (57, 5, True, None),
])
def test_minimum_n_rule(sentences, documents, pooled, expected):
    assert too_few(sentences, documents, BOOT, pooled) == expected


def test_summaries_below_the_minimum_have_a_mean_and_no_interval():
    s = summarise("k", [0.5, -0.5], [1, -1], 2, 100, BOOT)
    assert s["stance"] == 0.0 and s["ci_low"] is None and s["ci_high"] is None
    assert s["ci_note"] == "too few to estimate (n = 2)"
    # Pooled over documents: 12 sentences but 2 documents is still too few.
    s = summarise("k", [0.1] * 12, [0] * 12, 12, 100, BOOT, docs=["a"] * 6 + ["b"] * 6)
    assert s["ci_low"] is None and s["ci_note"] == "too few to estimate (2 documents)"
    s = summarise("k", [0.1 * i for i in range(12)], [0] * 12, 12, 100, BOOT, docs=[f"d{i % 6}" for i in range(12)])
    assert s["ci_note"] is None and s["ci_low"] <= s["stance"] <= s["ci_high"]


def test_aggregate_resamples_documents_above_the_document_level():
    values, clusters = correlated_corpus(np.random.default_rng(5), documents=12)
    units = [{"segment_id": c, "doc_id": c, "date": "2021-01-01", "tokens": 100, "mentions": {"t": 1}}
             for c in dict.fromkeys(clusters)]
    rows = [{"segment_id": c, "doc_id": c, "date": "2021-01-01", "theme": "t", "stance": v, "label": 0}
            for v, c in zip(values, clusters)]
    corpus = aggregate(units, rows, None, ["t"], BOOT)[("corpus", "t")]
    assert corpus["documents"] == 12
    expected = cluster_bootstrap_mean(values, clusters, BOOT["resamples"], _seed("None=corpus|t"), 0.95)
    assert (corpus["ci_low"], corpus["ci_high"]) == tuple(round(v, 4) for v in expected)
    by_doc = aggregate(units, rows, "doc_id", ["t"], BOOT)
    assert all(s["documents"] == 1 for s in by_doc.values())


def _seed(key: str) -> int:
    from pipeline.stance.aggregate import group_seed

    return group_seed(BOOT["seed"], key)


def test_heatmap_cells_carry_n_and_too_few_cells_have_no_colour(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from pipeline.stance.outputs import heatmap

    seen = {}
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        ax = self.axes[0]
        seen["texts"] = [t.get_text() for t in ax.texts]
        seen["grid"] = ax.images[0].get_array()
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    cells = {("d1", "t"): summarise("a", [0.99], [1], 1, 100, BOOT),                      # one sentence
             ("d2", "t"): summarise("b", [0.2 + 0.01 * i for i in range(12)], [0] * 12, 12, 100, BOOT),
             ("d3", "t"): summarise("c", [], [], 0, 100, BOOT)}
    heatmap(tmp_path / "h.png", ["d1", "d2", "d3"], ["d1", "d2", "d3"], ["t"], cells, min_sentences=10)
    assert seen["texts"][0] == "too few\nn = 1"
    assert seen["texts"][1].startswith("+0.26\nn = 12")
    assert seen["texts"][2] == "no evidence"
    grid = seen["grid"]
    # The single sentence's +0.99 is not drawn as a strong colour: the cell is masked (grey, hatched).
    assert bool(grid.mask[0, 0]) and not bool(grid.mask[1, 0]) and bool(grid.mask[2, 0])
