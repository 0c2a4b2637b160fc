"""The tfidf stage: weights from the preprocessed tokens, keyness with its sign, similarity."""
from __future__ import annotations

import csv

import numpy as np
import pytest
import scipy.sparse as sp

from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.tfidf import SCHEMA, cosine, fit, keyness, run, save_npz
from pipeline.tfidf import stage as tfidf_stage
from pipeline.tfidf.stage import _unit_rows, exact_cosines, neighbours, ranked, top_terms

from workspace import workspace


def cfg_of(params, **over):
    cfg = group(params, "tfidf", SCHEMA)
    cfg.update(over)
    return cfg


def test_tokens_are_not_tokenised_again(params):
    cfg = cfg_of(params, min_df=1, max_df=1.0)
    X, terms, _, counts = fit(cfg, [["union_state", "gas"], ["gas", "price"]])
    # a phrase stays one term; sklearn's default token pattern would have split it
    assert "union_state" in terms and "union" not in terms
    assert counts[:, terms.index("gas")].toarray().ravel().tolist() == [1, 1]


def test_keyness_sign_and_zero_for_equal_rates():
    a = np.array([10, 1, 5])
    b = np.array([10, 20, 50])
    for measure in ("log_likelihood", "chi2"):
        s = keyness(a, b, measure)
        assert s[0] > 0 and s[1] < 0  # over- and under-represented
    same = keyness(np.array([2, 4]), np.array([20, 40]))
    assert np.allclose(same, 0.0)


def test_ranked_picks_what_a_stable_sort_of_the_whole_row_picks():
    # ranked() replaced a full stable argsort per document: ties (many equal scores around the
    # n-th), zeros, NaN and fewer qualifying scores than n must give the same indices in order.
    rng = np.random.default_rng(11)
    for trial in range(200):
        size = int(rng.integers(1, 60))
        score = rng.choice([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, np.nan], size) * rng.choice([1.0, 1.0, 0.3], size)
        n = int(rng.integers(1, 12))
        down, up = np.argsort(-score, kind="stable"), np.argsort(score, kind="stable")
        assert ranked(score, n, descending=True).tolist() == down[score[down] > 0][:n].tolist(), trial
        assert ranked(score, n, descending=False).tolist() == up[score[up] < 0][:n].tolist(), trial


def test_top_terms_ranks_as_sorting_every_non_zero_term():
    rng = np.random.default_rng(12)
    terms = [f"t{j:02d}" for j in range(40)]
    rng.shuffle(terms)
    for trial in range(100):
        row = rng.choice([0.0, 0.0, 0.1, 0.2, 0.3, 0.7], 40)
        n = int(rng.integers(1, 10))
        nz = np.flatnonzero(row)
        expected = [(terms[j], float(row[j])) for j in sorted(nz, key=lambda j: (-row[j], terms[j]))[:n]]
        assert top_terms(row, terms, n) == expected, trial


def test_neighbours_match_the_dense_matrix_block_by_block():
    rng = np.random.default_rng(3)
    M = sp.random(37, 20, density=0.3, random_state=rng, format="csr")
    S = cosine(M)
    for i, near in neighbours(M, 4, block=5):
        row = S[i].copy()
        row[i] = -1
        expected = np.lexsort((np.arange(row.size), -row))[:4]
        assert [j for j, _ in near] == [int(j) for j in expected]
        assert [v for _, v in near] == pytest.approx([row[j] for j in expected])


def test_neighbours_rank_ties_and_near_ties_as_float64_does():
    # Exact copies (ties: lower index first), zero rows, and rows whose similarities to
    # row 0 differ by 1e-9, below float32's resolution: ranked on the exact values.
    rng = np.random.default_rng(5)
    base = rng.random(50)
    rows = [base, base.copy(), np.zeros(50), base + 1e-9 * rng.random(50), base + 2e-9 * rng.random(50)]
    rows += list(rng.random((20, 50)) * (rng.random((20, 50)) < 0.4)) + [np.zeros(50)]
    M = sp.csr_matrix(np.array(rows))
    S = cosine(M)
    for i, near in neighbours(M, 6, block=4):
        row = S[i].copy()
        row[i] = -1
        expected = [int(j) for j in np.lexsort((np.arange(row.size), -row))[:6]]
        assert [j for j, _ in near] == expected, i
        assert [v for _, v in near] == pytest.approx([row[j] for j in expected], abs=1e-12)


def _float64_neighbours(M, n):
    """The neighbours as the stage computed them before the float32 products: every row scored by scipy."""
    N = _unit_rows(M)
    out = []
    for i in range(N.shape[0]):
        cand = np.array([j for j in range(N.shape[0]) if j != i])
        exact = np.clip(np.asarray((N[cand] @ N[i].T).todense()).ravel(), 0.0, 1.0)
        order = np.lexsort((cand, -exact))[:n]
        out.append((i, [(int(cand[j]), float(exact[j])) for j in order]))
    return out


@pytest.mark.parametrize("dense_share", [0.0, 0.3, 2.0])  # every term dense, some, none
@pytest.mark.parametrize("few", [0, 64])  # exact cosines from scipy for every row, or summed per candidate
def test_neighbours_are_the_float64_ones_whatever_the_split_of_the_products(monkeypatch, dense_share, few):
    monkeypatch.setattr(tfidf_stage, "DENSE_MIN_SHARE", dense_share)
    monkeypatch.setattr(tfidf_stage, "FEW_CANDIDATES", few)
    rng = np.random.default_rng(7)
    base = rng.random(60) * (rng.random(60) < 0.5)
    rows = [base, base.copy(), np.zeros(60), base + 1e-9 * rng.random(60)]
    # Zipf-like document frequencies: a few terms in most rows, most terms in few.
    rows += list(rng.random((40, 60)) * (rng.random((40, 60)) < np.linspace(0.9, 0.02, 60)))
    M = sp.csr_matrix(np.array(rows))
    # The same floats, not only the same order: the cosines are written from them.
    assert list(neighbours(M, 5, block=7)) == _float64_neighbours(M, 5)


def test_exact_cosines_are_the_bits_of_scipys_product():
    rng = np.random.default_rng(8)
    M = sp.random(30, 500, density=0.2, random_state=rng, format="csr")
    N = _unit_rows(M)
    scratch = np.zeros(N.shape[1])
    for i in range(N.shape[0]):
        cand = np.sort(rng.choice(N.shape[0], 10, replace=False))
        expected = np.asarray((N[cand] @ N[i].T).todense()).ravel()
        assert exact_cosines(N, i, cand, scratch).tolist() == expected.tolist()
        assert not scratch.any()


def test_neighbour_margin_covers_the_float32_error_bound():
    assert tfidf_stage.neighbour_margin(10) == tfidf_stage.NEIGHBOUR_MARGIN
    # 2 * (n + 4) * 2**-24 for long rows: a margin that grows with the terms summed
    assert tfidf_stage.neighbour_margin(20_000) == pytest.approx(2 * 20_004 * 2.0 ** -24)


def test_cosine_of_identical_rows_is_one():
    M = sp.csr_matrix(np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 3.0]]))
    S = cosine(M)
    assert S[0, 1] == pytest.approx(1.0) and S[0, 2] == pytest.approx(0.0)


def test_npz_is_loadable_and_byte_identical(tmp_path):
    M = sp.random(20, 30, density=0.1, format="csr", random_state=1)
    save_npz(tmp_path / "a.npz", M)
    save_npz(tmp_path / "b.npz", M)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (sp.load_npz(tmp_path / "a.npz") != M).nnz == 0


def test_bad_df_is_one_line_error(params):
    with pytest.raises(UserError, match="min_df"):
        fit(cfg_of(params, min_df=50, max_df=3), [["a", "b"]] * 10)
    params["tfidf"]["norm"] = "l3"
    with pytest.raises(UserError, match=r"tfidf\.norm = 'l3'"):
        group(params, "tfidf", SCHEMA)
    params["tfidf"]["norm"] = "l2"
    params["tfidf"]["ngram_range"] = [2, 1]
    with pytest.raises(UserError, match="ngram_range"):
        group(params, "tfidf", SCHEMA)


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["segment", "document"])
def test_stage_on_seeds(seed_run, params, tmp_path, unit):
    cfg = cfg_of(params, unit=unit)
    out = tmp_path / unit
    paths = workspace(out, segments=seed_run["segments"], corpus=seed_run["corpus"])
    run({"tfidf": cfg}, paths)
    X = sp.load_npz(paths.tfidf_matrix)
    with open(paths.tfidf_rows, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert X.shape[0] == len(rows)
    docs = {r["doc_id"] for r in rows}
    with open(paths.keyness, encoding="utf-8") as fh:
        key = list(csv.DictReader(fh))
    assert {r["doc_id"] for r in key} == docs
    assert all((float(r["log_likelihood"]) > 0) == (r["direction"] == "over") for r in key)
    with open(paths.doc_similarity, encoding="utf-8") as fh:
        sim = list(csv.reader(fh))
    assert len(sim) == len(docs) + 1 and all(float(sim[i][i]) == pytest.approx(1.0, abs=1e-3) for i in range(1, len(sim)))
    assert paths.doc_similarity_figure.stat().st_size > 0
    with open(paths.doc_neighbours, encoding="utf-8") as fh:
        near = list(csv.DictReader(fh))
    assert {r["doc_id"] for r in near} == docs and all(r["doc_id"] != r["neighbour"] for r in near)
    # the nearest neighbour is the most similar other document of the square table
    names = sim[0][1:]
    for i, row in enumerate(sim[1:]):
        others = [(float(v), names[j]) for j, v in enumerate(row[1:]) if j != i]
        top = next(r for r in near if r["doc_id"] == row[0] and r["rank"] == "1")
        assert float(top["cosine"]) == pytest.approx(max(others)[0], abs=1e-4)
    first = paths.tfidf_terms.read_bytes()
    run({"tfidf": cfg}, paths)
    assert paths.tfidf_terms.read_bytes() == first
