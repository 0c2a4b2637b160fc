"""Stage ``tfidf``: weighted term vectors, key terms and document similarity.

scikit-learn's ``TfidfVectorizer`` runs over the tokens ``preprocess`` already
produced (lemmas, phrases, stop words removed): the analyzer is the identity,
so there is no second tokenisation that could disagree with the topic model.

Outputs
-------
``data/tfidf/matrix.npz``
    The sparse TF-IDF matrix (rows: units, columns: terms), loadable with
    ``scipy.sparse.load_npz``.
``data/tfidf/rows.csv``, ``data/tfidf/vocabulary.csv``
    The id of each row and the term, document frequency and idf of each column.
``reports/tables/tfidf_terms.{csv,md}``
    Top terms per document (mean TF-IDF of the document's units).
``reports/tables/tfidf_corpus_terms.{csv,md}``
    Top terms of the whole corpus.
``reports/tables/keyness.{csv,md}``
    Signed keyness of each document against the rest of the corpus.
``reports/tables/doc_similarity.csv``, ``reports/figures/doc_similarity.png``
    Cosine similarity of the documents (the first ``similarity_max_docs``), as
    a table and a labelled heatmap.
``reports/tables/doc_neighbours.csv``
    Every document's ``neighbours`` most similar documents.
"""
from __future__ import annotations

import io
import logging
import zipfile
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .. import figures
from ..documents import labels
from ..core.errors import UserError
from ..core.io import atomic_path, write_csv, write_table
from ..core.paths import Paths
from ..segments import UnitTokens  # noqa: F401  (re-exported)

log = logging.getLogger("tfidf")


from ..core.schema.tfidf import SCHEMA  # noqa: F401  (re-exported)


# ----------------------------------------------------------------- pure parts
def vectorizer(cfg: dict, n_units: int):
    """A ``CountVectorizer`` that takes token lists as they are (TF-IDF weights follow from its counts)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer=_identity if tuple(cfg["ngram_range"]) == (1, 1) else _ngrams(tuple(cfg["ngram_range"])),
        lowercase=False,
        min_df=cfg["min_df"],
        max_df=cfg["max_df"],
        max_features=cfg["max_features"],
        dtype=np.int64,
    )


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class _ngrams:
    """Word n-grams of a token list (a class, so the vectorizer stays picklable)."""

    def __init__(self, rng: tuple[int, int]):
        self.lo, self.hi = rng

    def __call__(self, tokens: list[str]) -> list[str]:
        out = []
        for n in range(self.lo, self.hi + 1):
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return out


def check_df(cfg: dict, n_units: int) -> None:
    """``min_df``/``max_df`` that can only leave an empty vocabulary are user errors."""
    lo = cfg["min_df"] if isinstance(cfg["min_df"], int) else cfg["min_df"] * n_units
    hi = cfg["max_df"] if isinstance(cfg["max_df"], int) else cfg["max_df"] * n_units
    if lo > hi:
        raise UserError(f"tfidf.min_df = {cfg['min_df']!r} and tfidf.max_df = {cfg['max_df']!r} exclude every term "
                        f"({n_units} {cfg['unit']}s: at least {lo:g} and at most {hi:g} of them)")


def fit(cfg: dict, token_lists: Iterable[list[str]], n_units: int | None = None
        ) -> tuple[sp.csr_matrix, list[str], np.ndarray, sp.csr_matrix]:
    """TF-IDF matrix, its terms, their idf, and the raw counts over the same terms.

    The token lists are read once (a stream will do): counts first, then
    scikit-learn's ``TfidfTransformer`` on them, which is what
    ``TfidfVectorizer`` does inside.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    if n_units is None:
        token_lists = list(token_lists)
        n_units = len(token_lists)
    check_df(cfg, n_units)
    vec = vectorizer(cfg, n_units)
    try:
        counts = vec.fit_transform(token_lists)
    except ValueError as exc:  # sklearn's "no terms remain" / "max_df < min_df"
        raise UserError(f"tfidf: min_df = {cfg['min_df']!r}, max_df = {cfg['max_df']!r} over "
                        f"{n_units} {cfg['unit']}s leave no terms ({exc})") from None
    terms = list(vec.get_feature_names_out())
    tf = TfidfTransformer(norm=cfg["norm"], sublinear_tf=cfg["sublinear_tf"])
    X = tf.fit_transform(counts.astype(np.float64))
    return sp.csr_matrix(X), terms, tf.idf_, sp.csr_matrix(counts)


def group_rows(M: sp.csr_matrix, row_docs: Sequence[str], how: str) -> tuple[list[str], sp.csr_matrix]:
    """Rows of ``M`` summed (``sum``) or averaged (``mean``) per document, documents in first-seen order."""
    docs = list(dict.fromkeys(row_docs))
    index = {d: i for i, d in enumerate(docs)}
    G = sp.csr_matrix((np.ones(len(row_docs)), ([index[d] for d in row_docs], np.arange(len(row_docs)))),
                      shape=(len(docs), len(row_docs)))
    out = G @ M
    if how == "mean":
        sizes = np.asarray(G.sum(axis=1)).ravel()
        out = sp.diags(1.0 / sizes) @ out
    return docs, sp.csr_matrix(out)


def top_terms(row: np.ndarray, terms: Sequence[str], n: int) -> list[tuple[str, float]]:
    """The ``n`` heaviest non-zero terms of one dense row; ties broken by term."""
    nz = np.flatnonzero(row)
    if len(nz) > n:
        # Only the weights at or above the n-th heaviest can be ranked in; sorting every
        # non-zero term of every document through a Python key was most of this function.
        kth = np.partition(row[nz], len(nz) - n)[len(nz) - n]
        nz = nz[row[nz] >= kth]
    ranked = sorted(nz, key=lambda j: (-row[j], terms[j]))[:n]
    return [(terms[j], float(row[j])) for j in ranked]


def keyness(a: np.ndarray, b: np.ndarray, measure: str = "log_likelihood") -> np.ndarray:
    """Signed keyness of each term in a target (counts ``a``) against a reference (``b``).

    Log-likelihood is Dunning's G² (as in Rayson and Garside 2000); chi² is the
    2x2 Pearson statistic. The sign is + when the term is relatively more
    frequent in the target, - when less.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    na, nb = a.sum(), b.sum()
    if na == 0 or nb == 0:
        return np.zeros_like(a)
    total = a + b
    ea = na * total / (na + nb)
    eb = nb * total / (na + nb)
    if measure == "log_likelihood":
        with np.errstate(divide="ignore", invalid="ignore"):
            ta = np.where(a > 0, a * np.log(a / ea), 0.0)
            tb = np.where(b > 0, b * np.log(b / eb), 0.0)
        score = 2.0 * (ta + tb)
    else:
        c, d = na - a, nb - b
        n = na + nb
        denom = (a + b) * (c + d) * (a + c) * (b + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(denom > 0, n * (a * d - b * c) ** 2 / denom, 0.0)
    sign = np.sign(a / na - b / nb)
    return sign * np.abs(score)


def ranked(score: np.ndarray, n: int, descending: bool = True) -> np.ndarray:
    """The ``n`` strongest strictly positive (or negative) scores' indices, strongest first, ties by index.

    The same indices in the same order as a stable ``argsort`` of the whole
    row cut to its first ``n`` positive (negative) entries, without sorting
    the whole vocabulary for every document: the keyness of every document
    sorted over all terms made the stage grow as documents x terms x log(terms).
    Only the scores at or beyond the n-th strongest are sorted.

    Parameters
    ----------
    score : ndarray, shape (terms,)
        Signed scores; NaN and zero are never picked.
    n : int
        At most this many indices.
    descending : bool
        True: the largest positive scores; False: the most negative ones.

    Returns
    -------
    ndarray of int
        Up to ``n`` indices into ``score``.
    """
    keep = np.flatnonzero(score > 0 if descending else score < 0)
    key = -score[keep] if descending else score[keep]
    if len(keep) > n:
        # Everything tied with the n-th strongest stays in, so ties are decided by index below.
        kth = np.partition(key, n - 1)[n - 1]
        near = key <= kth
        keep, key = keep[near], key[near]
    return keep[np.lexsort((keep, key))[:n]]


def _unit_rows(M: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ M)


def cosine(M: sp.csr_matrix) -> np.ndarray:
    """Cosine similarity of the rows of ``M`` (zero rows have similarity 0), as a dense matrix."""
    N = _unit_rows(M)
    return np.clip((N @ N.T).toarray(), 0.0, 1.0)


#: The least margin below the n-th float32 similarity within which candidates are re-scored in float64.
NEIGHBOUR_MARGIN = 1e-3
#: Terms in at least this share of the rows take part in the block products as dense columns (BLAS).
DENSE_MIN_SHARE = 0.1
#: ... as long as the dense copy of those columns stays within this many bytes.
DENSE_MAX_BYTES = 256 * 2**20


def neighbour_margin(terms_per_row: int) -> float:
    """A margin that no float32 similarity error can exceed, for sums of at most ``terms_per_row`` products.

    Unit rows with non-negative weights: the products of one similarity add
    up to at most 1, so rounding the weights to float32 and summing ``n``
    products in any order is off by at most ``(n + 3) * 2**-24`` (Higham,
    recursive or blocked summation, FMA or not). The n-th largest float32
    value can be that much above its exact value and a true neighbour's that
    much below, hence twice the bound. :data:`NEIGHBOUR_MARGIN` is far above it
    for documents of a few thousand distinct terms; a larger margin only
    re-scores more candidates.
    """
    return max(NEIGHBOUR_MARGIN, 2.0 * (terms_per_row + 4) * 2.0 ** -24)


def _block_products(N32: sp.csr_matrix) -> tuple[Callable[[int, int], np.ndarray], int]:
    """A function giving the float32 similarities of rows ``start:stop`` to every row, and the terms it sums per row.

    Frequent terms (in :data:`DENSE_MIN_SHARE` of the rows or more) are a
    dense float32 copy multiplied by BLAS; the other terms, whose pairs of
    rows are few, a sparse x sparse product. Both are needed: a sparse x
    dense product costs every non-zero of the matrix once per row of the
    block, however rare its term, and BLAS over every term would hold a dense
    rows x terms matrix. About twice as fast as one sparse x dense product on
    3,000 UNGDC speeches.
    """
    rows = N32.shape[0]
    df = np.bincount(N32.indices, minlength=N32.shape[1])
    order = np.argsort(-df, kind="stable")
    n_dense = int(np.count_nonzero(df >= DENSE_MIN_SHARE * rows))
    n_dense = min(n_dense, DENSE_MAX_BYTES // (4 * max(rows, 1)))
    dense_cols, sparse_cols = np.sort(order[:n_dense]), np.sort(order[n_dense:])
    Dd = N32[:, dense_cols].toarray() if n_dense else None
    Ns = N32[:, sparse_cols].tocsr()
    NsT = Ns.T.tocsr()
    sparse_per_row = int(np.diff(Ns.indptr).max(initial=0))

    def products(start: int, stop: int) -> np.ndarray:
        S = (Ns[start:stop] @ NsT).toarray()
        if Dd is not None:
            S += (Dd @ Dd[start:stop].T).T  # BLAS is faster with the long side first
        return S

    return products, n_dense + sparse_per_row


def neighbours(M: sp.csr_matrix, n: int, block: int = 256) -> Iterator[tuple[int, list[tuple[int, float]]]]:
    """For each row of ``M``, its ``n`` most cosine-similar other rows (ties: lower index).

    Computed ``block`` rows at a time, so memory grows with the number of
    rows, not with its square (9,252 speeches would need a dense matrix of
    685 MB). The block products, the quadratic part, run in float32
    (:func:`_block_products`); every row whose float32 similarity is within
    :func:`neighbour_margin` of the n-th largest is then scored again in
    float64 and ranked on that exact value, so the neighbours and their
    cosines are those of a float64 computation.

    Parameters
    ----------
    M : scipy.sparse.csr_matrix, shape (rows, terms)
        Non-negative weights (TF-IDF); zero rows have similarity 0 to every row.
    n : int
        Neighbours per row (fewer when the corpus has fewer other rows).
    block : int
        Rows per product.

    Yields
    ------
    (int, list of (int, float))
        A row and its neighbours with their cosine in [0, 1], most similar first.
    """
    N = _unit_rows(M)
    rows = N.shape[0]
    k = min(n, rows - 1)
    if k <= 0:
        for i in range(rows):
            yield i, []
        return
    products, terms_per_row = _block_products(N.astype(np.float32))
    margin = neighbour_margin(terms_per_row)
    dense_row = np.zeros(N.shape[1])
    for start in range(0, rows, block):
        stop = min(start + block, rows)
        S = products(start, stop)
        own = np.arange(stop - start)
        S[own, own + start] = -np.inf
        kth = np.partition(S, rows - k, axis=1)[:, rows - k]
        at, cands = np.nonzero(S >= (kth - margin)[:, None])
        bounds = np.searchsorted(at, np.arange(stop - start + 1))
        for r in own:
            i = start + int(r)
            cand = cands[bounds[r]:bounds[r + 1]]
            exact = np.clip(exact_cosines(N, i, cand, dense_row), 0.0, 1.0)
            order = np.lexsort((cand, -exact))[:k]
            yield i, [(int(cand[j]), float(exact[j])) for j in order]


#: Up to this many candidates a row's exact cosines are summed candidate by candidate, beyond it by scipy.
FEW_CANDIDATES = 64


def exact_cosines(N: sp.csr_matrix, i: int, cand: np.ndarray, dense_row: np.ndarray) -> np.ndarray:
    """Float64 dot products of row ``i`` of ``N`` with the rows ``cand``: the same bits as ``N[cand] @ N[i].T``.

    scipy's sparse product adds each candidate's products one by one in the
    order its non-zeros are stored; so does ``cumsum`` over the same products
    (a product with a term row ``i`` lacks is 0 and leaves the sum as it is).
    For a few candidates that is several times cheaper than building a sparse
    sub-matrix per row, which was most of the neighbours' linear part; a long
    list (a row of zeros, or many near-ties) goes to scipy in one call.

    Parameters
    ----------
    N : scipy.sparse.csr_matrix
        Non-negative rows.
    i : int
        The row scored against.
    cand : ndarray of int
        The candidate rows.
    dense_row : ndarray, shape (terms,)
        Scratch space of zeros, returned to zeros.

    Returns
    -------
    ndarray of float64
        One dot product per candidate.
    """
    if len(cand) > FEW_CANDIDATES:
        return np.asarray((N[cand] @ N[i].T).todense()).ravel()
    ptr, idx, data = N.indptr, N.indices, N.data
    own = slice(ptr[i], ptr[i + 1])
    dense_row[idx[own]] = data[own]
    out = np.zeros(len(cand))
    for j, c in enumerate(cand):
        a, b = ptr[c], ptr[c + 1]
        if b > a:
            out[j] = np.cumsum(data[a:b] * dense_row[idx[a:b]])[-1]
    dense_row[idx[own]] = 0.0
    return out


# ------------------------------------------------------------------- writing
def save_npz(path: str | Path, M: sp.csr_matrix) -> None:
    """``scipy.sparse.save_npz`` without the archive's timestamps, so reruns are byte-identical."""
    M = sp.csr_matrix(M)
    M.sort_indices()
    arrays = {"indices": M.indices, "indptr": M.indptr, "format": np.array(b"csr"),
              "shape": np.array(M.shape), "data": M.data}
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, arr in arrays.items():
                buf = io.BytesIO()
                np.lib.format.write_array(buf, np.asanyarray(arr), allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buf.getvalue())


#: Up to this many documents the similarity heatmap writes each value in its cell.
CELL_VALUES_MAX = 12


def similarity_figure(path: Path, S: np.ndarray, labels: Sequence[str], total: int) -> None:
    """Labelled heatmap of document cosine similarity (viridis, 0 to 1), sized to its labels.

    With at most ``CELL_VALUES_MAX`` documents every cell shows its value: with
    few documents the reader compares numbers, not shades.

    Parameters
    ----------
    path : Path
        The PNG written.
    S : ndarray
        Documents x documents cosine similarities.
    labels : sequence of str
        One per document shown.
    total : int
        The corpus' documents, said in the title when only the first are shown.
    """
    n = len(labels)
    cell = 0.55 if n <= CELL_VALUES_MAX else 0.28
    side = max(3.2, cell * n)
    # Rows carry the labels, numbered; columns only the numbers: the same labels written
    # again, rotated, would take more height than the matrix itself.
    rows = [f"{i + 1}  {label}" for i, label in enumerate(labels)]
    margin = figures.text_inches(rows, 7)
    width = margin + side + 2.0
    fig, ax = figures.pyplot("tfidf").subplots(1, 1, figsize=(width, side + 1.6))
    # aspect="auto": the figure is sized for square cells, and an equal-aspect axes would be
    # shrunk and centred after the layout has placed the labels, pushing them off the canvas.
    im = ax.imshow(S, cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest", aspect="auto")
    ax.set_xticks(range(n), [str(i + 1) for i in range(n)], rotation=90 if n > 30 else 0, fontsize=7)
    ax.set_yticks(range(n), rows, fontsize=7)
    if n <= CELL_VALUES_MAX:
        for i in range(n):
            for j in range(n):
                # viridis is dark below about 0.5: white text there, black above.
                ax.text(j, i, f"{S[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if S[i, j] < 0.5 else "black")
    ax.set_xlabel("document (numbered as the rows)")
    ax.set_ylabel("document")
    shown = f" (first {n} of {total} documents)" if n < total else ""
    ax.set_title(figures.wrap(f"Document similarity: cosine of TF-IDF vectors{shown}", width - 0.4, 10), fontsize=10)
    fig.colorbar(im, ax=ax, label="cosine similarity (0–1)", use_gridspec=True)
    figures.save(fig, path, "tfidf", tight_layout=True)


# ------------------------------------------------------------------ the stage
def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: ``paths.segments`` (and ``corpus`` for labels) in, the matrix, tables and heatmap out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads ``tfidf``.
    paths : Paths
        The file contract under the workspace root.

    Returns
    -------
    dict
        ``rows``, ``terms`` and ``documents`` of the matrix.
    """
    cfg = groups["tfidf"]
    in_segments = paths.segments
    paths.require("segments")
    stream = UnitTokens(in_segments, cfg["unit"])
    row_ids, row_docs = [], []
    for rid, did, _ in stream.rows():
        row_ids.append(rid)
        row_docs.append(did)
    if len(row_ids) == 0:
        raise UserError(f"{in_segments}: no segments to weight")
    X, terms, idf, counts = fit(cfg, stream, len(row_ids))
    log.info("tf-idf: %d %ss x %d terms, %d non-zero", X.shape[0], cfg["unit"], X.shape[1], X.nnz)

    save_npz(paths.tfidf_matrix, X)
    write_csv(paths.tfidf_rows, ["row", "id", "doc_id"], [(i, r, d) for i, (r, d) in enumerate(zip(row_ids, row_docs))])
    dfs = np.asarray((counts > 0).sum(axis=0)).ravel()
    write_csv(paths.tfidf_vocabulary, ["column", "term", "df", "idf"],
              [(j, t, int(dfs[j]), round(float(idf[j]), 6)) for j, t in enumerate(terms)])

    n = cfg["top_n"]
    docs, D = group_rows(X, row_docs, "mean")
    _, Dc = group_rows(counts, row_docs, "sum")
    rows = []
    for i, doc in enumerate(docs):
        for rank, (term, w) in enumerate(top_terms(D[i].toarray().ravel(), terms, n), 1):
            rows.append((doc, rank, term, round(w, 6)))
    write_table(paths.tfidf_terms, paths.tfidf_terms_md, ["doc_id", "rank", "term", "tfidf"], rows)

    corpus_mean = np.asarray(X.mean(axis=0)).ravel()
    total_counts = np.asarray(counts.sum(axis=0)).ravel()
    corpus_rows = [(rank, t, round(w, 6), int(total_counts[terms.index(t)]), int(dfs[terms.index(t)]))
                   for rank, (t, w) in enumerate(top_terms(corpus_mean, terms, n), 1)]
    write_table(paths.tfidf_corpus_terms, paths.tfidf_corpus_terms_md, ["rank", "term", "mean_tfidf", "count", "df"],
                corpus_rows)

    key_rows = []
    Dc = sp.csr_matrix(Dc)
    totals = np.asarray(Dc.sum(axis=0)).ravel()
    for i, doc in enumerate(docs):
        # one dense row at a time: a dense documents x terms matrix would not fit for big corpora
        own = Dc[i].toarray().ravel()
        score = keyness(own, totals - own, cfg["keyness"])
        pos = [int(j) for j in ranked(score, n, descending=True)]
        neg = [int(j) for j in ranked(score, n, descending=False)]
        for direction, picked in (("over", pos), ("under", neg)):
            for rank, j in enumerate(picked, 1):
                key_rows.append((doc, direction, rank, terms[j], int(own[j]), int(totals[j] - own[j]),
                                 round(float(score[j]), 4)))
    write_table(paths.keyness, paths.keyness_md, ["doc_id", "direction", "rank", "term", "count_doc", "count_rest",
                                         cfg["keyness"]], key_rows)

    # The full matrix only for the first similarity_max_docs documents (its size is
    # quadratic); every document's nearest neighbours in a long table.
    square = min(len(docs), cfg["similarity_max_docs"])
    S = cosine(D[:square])
    write_csv(paths.doc_similarity, ["doc_id", *docs[:square]],
              # tolist() gives the same floats as float(v), without a numpy scalar per cell
              ((doc, *map(round, S[i].tolist(), repeat(4))) for i, doc in enumerate(docs[:square])))
    write_csv(paths.doc_neighbours, ["doc_id", "rank", "neighbour", "cosine"],
              ((docs[i], rank, docs[j], round(v, 4))
               for i, near in neighbours(D, cfg["neighbours"]) for rank, (j, v) in enumerate(near, 1)))
    shown = min(square, cfg["heatmap_max_docs"])
    similarity_figure(paths.doc_similarity_figure, S[:shown, :shown],
                      labels(docs[:shown], paths.corpus), len(docs))
    log.info("wrote top terms, keyness (%s) and similarity of %d documents", cfg["keyness"], len(docs))
    return {"rows": X.shape[0], "terms": X.shape[1], "documents": len(docs)}
