"""Training one topic model, behind one small interface for both backends.

``gensim`` (default): ``LdaModel``, exactly reproducible with ``random_state``;
``LdaMulticore`` only when ``lda.workers > 1``. By default it starts from an
NMF of the TF-IDF matrix (``lda.init``) and learns in batch mode
(``lda.update``): together they lift NPMI on news corpora from about 0 to
above 0.10 (benchmarks/README.md). ``tomotopy`` (optional extra):
collapsed Gibbs sampling, which reaches more coherent topics on news corpora
at the same k; its model is also exported as a gensim ``LdaModel`` so every
output, and ``LdaModel.load``, stays the same whichever backend trained it.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from gensim.models import LdaModel
from tqdm import tqdm

from .. import executor as X
from ..core.errors import UserError
from . import scores


def _alpha_eta(value, k: int):
    """gensim's prior names turned into numbers, for backends that need numbers."""
    if value == "symmetric" or value == "auto":
        return 1.0 / k
    if value == "asymmetric":
        raw = 1.0 / (np.arange(k) + math.sqrt(k))
        return list(raw / raw.sum())
    return float(value)


#: Documents with more distinct words than this are iterated one at a time (:func:`_infer_document`):
#: measured, the arrays of the batch win on segments of a few dozen words (2.5 times gensim's
#: speed on the Kremlin segments) and lose on whole speeches of hundreds (3 times slower).
LONG_DOCUMENT = 150
#: Largest number of (document, word) pairs one block of :func:`batch_inference` holds:
#: its arrays are this times k floats, so memory stays flat on long documents.
INFERENCE_BLOCK = 200_000


def batch_inference(model, chunk, collect_sstats: bool = False):
    """gensim's variational E-step for a whole chunk at once: ``LdaModel.inference`` vectorised.

    The same updates as gensim's per-document loop (Hoffman, Blei & Bach 2010,
    "Online Learning for Latent Dirichlet Allocation", NIPS, Algorithm 1's
    E-step, with Lee & Seung's implicit phi): gamma starts from the same draws
    of ``model.random_state``, each document stops when the mean absolute change
    of its gamma falls below ``model.gamma_threshold`` or after
    ``model.iterations``, and a stopped document keeps its values. Only the
    order of floating-point sums differs, so results agree with gensim's to
    rounding (tests/test_topics_training.py). The loop runs over the
    documents still changing, as arrays, instead of one document at a time in
    Python: about 2-3 times faster on short segments. Documents of more than
    :data:`LONG_DOCUMENT` distinct words are iterated one at a time, as gensim
    does, where BLAS products beat the arrays' copies.

    Parameters
    ----------
    model : gensim.models.LdaModel
        Supplies ``expElogbeta`` (k x V), ``alpha`` (k,), ``iterations``,
        ``gamma_threshold``, ``dtype`` and ``random_state``.
    chunk : sequence of list of (int, number)
        Bags of words (D documents).
    collect_sstats : bool
        Also return the sufficient statistics of the M-step.

    Returns
    -------
    gamma : ndarray, shape (D, k)
        Variational Dirichlet parameters of each document's topic shares.
    sstats : ndarray, shape (k, V), or None
        Expected word counts per topic (``collect_sstats`` only).
    """
    from gensim.matutils import dirichlet_expectation

    chunk = list(chunk)
    n_docs, k, dt = len(chunk), model.num_topics, model.dtype
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (n_docs, k)).astype(dt, copy=False)
    lens = np.fromiter((len(doc) for doc in chunk), dtype=np.int64, count=n_docs)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    ids = np.fromiter((int(i) for doc in chunk for i, _ in doc), dtype=np.int64, count=int(indptr[-1]))
    cts = np.fromiter((c for doc in chunk for _, c in doc), dtype=dt, count=int(indptr[-1]))
    beta_t = np.ascontiguousarray(model.expElogbeta.T)  # V x k
    alpha = np.asarray(model.alpha, dtype=dt)
    exp_theta = np.exp(dirichlet_expectation(gamma)).astype(dt, copy=False)
    phinorm = np.empty(int(indptr[-1]), dtype=dt)
    # An empty document's gamma becomes alpha at once, as in gensim's loop.
    empty = lens == 0
    gamma[empty] = alpha
    exp_theta[empty] = np.exp(dirichlet_expectation(alpha[None, :]))
    # Long documents (whole speeches) are iterated one at a time, as gensim does: their
    # products are large enough for BLAS, where the arrays of the batch would only add copies.
    for d in np.flatnonzero(lens > LONG_DOCUMENT):
        _infer_document(model, slice(indptr[d], indptr[d + 1]), d, ids, cts, alpha, gamma, exp_theta, phinorm)
    start = 0
    docs = np.flatnonzero(~empty & (lens <= LONG_DOCUMENT))
    while start < docs.size:
        # Blocks of whole documents, at most INFERENCE_BLOCK pairs (at least one document).
        stop = int(np.searchsorted(np.cumsum(lens[docs[start:]]), INFERENCE_BLOCK, side="right")) + start
        block = docs[start:max(stop, start + 1)]
        _infer_block(model, block, lens, indptr, ids, cts, beta_t, alpha, gamma, exp_theta, phinorm)
        start += block.size
    if not collect_sstats:
        return gamma, None
    from scipy.sparse import csr_matrix

    weights = csr_matrix((cts / phinorm, ids, indptr), shape=(n_docs, model.num_terms))
    sstats = np.asarray((weights.T @ exp_theta).T, dtype=dt) * model.expElogbeta
    return gamma, sstats


def _infer_document(model, pairs: slice, d: int, ids, cts, alpha, gamma, exp_theta, phinorm) -> None:
    """gensim's loop for one document (``LdaModel.inference``), writing its results in place."""
    from gensim.matutils import dirichlet_expectation, mean_absolute_difference

    eps = np.finfo(model.dtype).eps
    c = cts[pairs]
    beta_d = model.expElogbeta[:, ids[pairs]]
    gamma_d, exp_d = gamma[d], exp_theta[d]
    phi = np.dot(exp_d, beta_d) + eps
    for _ in range(model.iterations):
        last = gamma_d
        gamma_d = alpha + exp_d * np.dot(c / phi, beta_d.T)
        exp_d = np.exp(dirichlet_expectation(gamma_d))
        phi = np.dot(exp_d, beta_d) + eps
        if mean_absolute_difference(gamma_d, last) < model.gamma_threshold:
            break
    gamma[d], exp_theta[d], phinorm[pairs] = gamma_d, exp_d, phi


def _infer_block(model, docs, lens, indptr, ids, cts, beta_t, alpha, gamma, exp_theta, phinorm) -> None:
    """Iterate the documents ``docs`` to convergence, writing gamma, exp E[log theta] and phinorm in place."""
    from gensim.matutils import dirichlet_expectation

    eps = np.finfo(model.dtype).eps

    def gather(active):
        l = lens[active]
        ends = np.cumsum(l)
        pos = np.repeat(indptr[active] - (ends - l), l) + np.arange(int(ends[-1]))
        return pos, np.repeat(np.arange(active.size), l), ends - l

    active = docs
    pos, rows, seg = gather(active)
    b = beta_t[ids[pos]]
    c = cts[pos]
    g_act, t_act = gamma[active], exp_theta[active]
    phi = np.einsum("ij,ij->i", t_act[rows], b) + eps
    live = np.ones(active.size, dtype=bool)
    for _ in range(model.iterations):
        g_new = alpha + t_act * np.add.reduceat(b * (c / phi)[:, None], seg, axis=0)
        t_new = np.exp(dirichlet_expectation(g_new))
        # A document that has stopped keeps its values (gensim breaks out of its loop).
        g_new[~live] = g_act[~live]
        t_new[~live] = t_act[~live]
        change = np.abs(g_new - g_act).mean(axis=1)
        g_act, t_act = g_new, t_new
        phi = np.einsum("ij,ij->i", t_act[rows], b) + eps
        live &= ~(change < model.gamma_threshold)
        n_live = int(live.sum())
        if n_live == 0:
            break
        if n_live < 0.75 * live.size:
            # Write back and keep working on the documents still changing only.
            gamma[active], exp_theta[active], phinorm[pos] = g_act, t_act, phi
            active = active[live]
            pos, rows, seg = gather(active)
            b, c = beta_t[ids[pos]], cts[pos]
            g_act, t_act, phi = gamma[active], exp_theta[active], phinorm[pos]
            live = np.ones(active.size, dtype=bool)
    gamma[active], exp_theta[active], phinorm[pos] = g_act, t_act, phi


class BatchLdaModel(LdaModel):
    """gensim's ``LdaModel`` with :func:`batch_inference` as its E-step; saved as a plain ``LdaModel``."""

    def inference(self, chunk, collect_sstats=False):
        return batch_inference(self, chunk, collect_sstats)


class GensimLDA:
    """A trained gensim model with the operations the stage needs."""

    backend = "gensim"

    def __init__(self, model, k: int, seed: int):
        self.model, self.k, self.seed = model, k, seed
        self.topic_word = model.get_topics()  # k x V, rows sum to 1

    @classmethod
    def train(cls, corpus, dictionary, cfg: dict, k: int, seed: int) -> "GensimLDA":
        from gensim.models import LdaMulticore

        batch = cfg["update"] == "batch"
        common = dict(id2word=dictionary, num_topics=k, passes=cfg["passes"], iterations=cfg["iterations"],
                      chunksize=cfg["chunksize"], eta=cfg["eta"], random_state=seed, eval_every=None,
                      per_word_topics=False)
        if cfg["workers"] > 1:
            if cfg["alpha"] == "auto":
                raise UserError("lda.alpha = 'auto' is not allowed with lda.workers > 1 (gensim's LdaMulticore "
                                "cannot learn alpha): use symmetric, asymmetric or a number, or workers: 1")
            model = LdaMulticore(workers=cfg["workers"], alpha=cfg["alpha"], batch=batch, **common)
        else:
            model = BatchLdaModel(alpha=cfg["alpha"], update_every=0 if batch else 1, **common)
        if cfg["init"] == "nmf":
            start_from(model, nmf_topics(corpus, len(dictionary), k, seed))
        model.update(corpus)
        return cls(model, k, seed)

    def doc_topics(self, bows: Iterable[list[tuple[int, int]]], batch: int = 2000) -> np.ndarray:
        """Normalised topic shares of each bag of words (variational inference, deterministic)."""
        rows = []
        chunk: list = []
        for bow in bows:
            chunk.append(bow)
            if len(chunk) == batch:
                rows.append(self._infer(chunk))
                chunk = []
        if chunk:
            rows.append(self._infer(chunk))
        return np.vstack(rows) if rows else np.zeros((0, self.k))

    def _infer(self, chunk: list) -> np.ndarray:
        # inference() draws its initial gamma from the model's RNG; a fresh RNG per call
        # makes the matrix independent of how many batches came before.
        self.model.random_state = np.random.RandomState(self.seed)
        gamma, _ = self.model.inference(chunk)
        return gamma / gamma.sum(axis=1, keepdims=True)

    def log_perplexity(self, heldout: Sequence[list[tuple[int, int]]]) -> float:
        """Per-word log-likelihood bound (nats) on held-out bags of words."""
        words = sum(c for bow in heldout for _, c in bow)
        if words == 0:
            return float("nan")
        # bound() adds the topic-word prior term once per call; bound([]) is that term
        # alone, so the difference is the documents' own evidence bound.
        self.model.random_state = np.random.RandomState(self.seed)
        docs = self.model.bound(heldout, subsample_ratio=1.0) - self.model.bound([], subsample_ratio=1.0)
        return float(docs / words)

    def save(self, directory: Path) -> Path:
        path = directory / "lda.model"
        without_lifecycle(self.model, self.model.state, self.model.id2word)
        # Saved as gensim's own class, so LdaModel.load needs nothing of this package.
        cls, self.model.__class__ = self.model.__class__, LdaModel
        try:
            self.model.save(str(path))
        finally:
            self.model.__class__ = cls
        canonical_pickle(path)
        return path


def nmf_topics(corpus, num_terms: int, k: int, seed: int) -> np.ndarray:
    """Topic-word weights of an NMF of the corpus' TF-IDF (k x V, rows sum to 1, counts scale).

    NMF on TF-IDF finds the distinctive word groups of a corpus quickly and
    almost deterministically; started from them, variational LDA converges to
    coherent topics instead of leaving "collector" topics of rare, unrelated
    words, which random starts do on news corpora (benchmarks/README.md).
    ``nndsvdar`` (SVD-based, its zeros filled from ``seed``) lets another seed
    give another start, so the stability runs still measure something.
    """
    import warnings

    from gensim.matutils import corpus2csc
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = corpus2csc(corpus, num_terms=num_terms).T.tocsr().astype(np.float64)
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    k_eff = min(k, *weights.shape)
    with warnings.catch_warnings():
        # Stopping at max_iter is fine for a starting point.
        warnings.simplefilter("ignore", ConvergenceWarning)
        h = NMF(k_eff, init="nndsvdar", random_state=seed, max_iter=400).fit(weights).components_
    if k_eff < k:
        h = np.vstack([h, np.full((k - k_eff, num_terms), h.mean())])
    h = h + 1e-12
    h /= h.sum(axis=1, keepdims=True)
    return h * (counts.sum() / k)


def start_from(model, topic_counts: np.ndarray) -> None:
    """Make ``topic_counts`` (k x V, expected word counts per topic) gensim's starting topics."""
    # 1e-3 keeps every word possible in every topic, as gensim's own random start does.
    model.state.sstats[...] = topic_counts + 1e-3
    model.sync_state()


def without_lifecycle(*objects) -> None:
    """Stop gensim stamping the date and platform into saved files (they must be byte-identical).

    gensim appends a "lifecycle event" with ``datetime.now()`` on every build
    and save unless the log is None.
    """
    for obj in objects:
        if obj is not None:
            obj.lifecycle_events = None


def canonical_pickle(path: Path) -> None:
    """Rewrite a gensim pickle with its bookkeeping lists sorted.

    gensim records the attributes it saved apart in the order of a set of
    strings, which changes with Python's per-process hash seed; sorted, the
    file is the same in every process.
    """
    from gensim import utils

    obj = utils.unpickle(str(path))
    for key in ("__ignoreds", "__numpys", "__scipys", "__recursive_saveloads"):
        if isinstance(obj.__dict__.get(key), list):
            obj.__dict__[key] = sorted(obj.__dict__[key], key=str)
    utils.pickle(obj, str(path), protocol=utils.PICKLE_PROTOCOL)


class TomotopyLDA:
    """A tomotopy ``LDAModel`` with the same operations as :class:`GensimLDA`."""

    backend = "tomotopy"

    def __init__(self, model, dictionary, k: int, seed: int, cfg: dict):
        self.model, self.dictionary, self.k, self.seed, self.cfg = model, dictionary, k, seed, cfg
        V = len(dictionary)
        tw = np.zeros((k, V))
        cols = [dictionary.token2id[w] for w in model.used_vocabs]
        for t in range(k):
            tw[t, cols] = model.get_topic_word_dist(t)
        tw /= tw.sum(axis=1, keepdims=True)
        self.topic_word = tw

    @classmethod
    def train(cls, corpus, dictionary, cfg: dict, k: int, seed: int) -> "TomotopyLDA":
        try:
            import tomotopy as tp
        except ImportError:
            raise UserError("lda.backend = 'tomotopy' needs the optional extra: pip install -e '.[tomotopy]'") from None
        alpha = _alpha_eta(cfg["alpha"], k)
        eta = _alpha_eta(cfg["eta"], k)
        model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=seed)
        # optim_interval 0 keeps the priors fixed unless the user asked to learn alpha.
        model.optim_interval = 10 if cfg["alpha"] == "auto" else 0
        for bow in corpus:
            words = [dictionary[i] for i, c in bow for _ in range(int(c))]
            if words:
                model.add_doc(words)
        model.train(cfg["gibbs_iterations"], workers=max(1, cfg["workers"]))
        return cls(model, dictionary, k, seed, cfg)

    def _docs(self, bows):
        out = []
        for bow in bows:
            words = [self.dictionary[i] for i, c in bow for _ in range(int(c))
                     if self.dictionary[i] in self._used]
            out.append(words)
        return out

    @property
    def _used(self) -> set:
        if not hasattr(self, "_used_set"):
            self._used_set = set(self.model.used_vocabs)
        return self._used_set

    def _infer(self, word_lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        theta = np.full((len(word_lists), self.k), 1.0 / self.k)
        ll = np.zeros(len(word_lists))
        idx = [i for i, w in enumerate(word_lists) if w]
        if idx:
            docs = [self.model.make_doc(word_lists[i]) for i in idx]
            dists, lls = self.model.infer(docs, iterations=100, workers=1, together=False)
            for j, i in enumerate(idx):
                theta[i] = dists[j]
                ll[i] = lls[j]
        return theta, ll

    def doc_topics(self, bows: Iterable[list[tuple[int, int]]], batch: int = 2000) -> np.ndarray:
        rows, chunk = [], []
        for bow in bows:
            chunk.append(bow)
            if len(chunk) == batch:
                rows.append(self._infer(self._docs(chunk))[0])
                chunk = []
        if chunk:
            rows.append(self._infer(self._docs(chunk))[0])
        return np.vstack(rows) if rows else np.zeros((0, self.k))

    def log_perplexity(self, heldout: Sequence[list[tuple[int, int]]]) -> float:
        words = self._docs(heldout)
        n = sum(len(w) for w in words)
        if n == 0:
            return float("nan")
        _, ll = self._infer(words)
        return float(ll.sum() / n)

    def save(self, directory: Path) -> Path:
        """The native model (``tomotopy.bin``) and a gensim ``LdaModel`` with the same topics."""
        self.model.save(str(directory / "tomotopy.bin"), full=False)
        lda = LdaModel(id2word=self.dictionary, num_topics=self.k, alpha=_alpha_eta(self.cfg["alpha"], self.k),
                       eta=_alpha_eta(self.cfg["eta"], self.k), random_state=self.seed, dtype=np.float64)
        # The word counts per topic become gensim's sufficient statistics, so
        # get_topics() and inference() of the export match the sampled topics.
        counts = self.topic_word * np.asarray(self.model.num_words, dtype=float) / self.k
        lda.state.sstats[...] = counts
        lda.sync_state()
        path = directory / "lda.model"
        without_lifecycle(lda, lda.state, lda.id2word)
        lda.save(str(path))
        canonical_pickle(path)
        return path


def train(corpus, dictionary, cfg: dict, k: int, seed: int):
    """Train one model of the configured backend."""
    cls = TomotopyLDA if cfg["backend"] == "tomotopy" else GensimLDA
    return cls.train(corpus, dictionary, cfg, k, seed)


def _train_job(shared: tuple, job: tuple):
    corpus, dictionary, cfg, topn = shared
    k, seed, whole = job
    if isinstance(corpus, str):
        from gensim.corpora import MmCorpus

        corpus = MmCorpus(corpus)
    model = train(corpus, dictionary, cfg, k, seed)
    return model if whole else scores.top_word_ids(model.topic_word, topn)


def train_many(jobs: Sequence[tuple[int, int, bool]], corpus, dictionary, cfg: dict, executor=None,
               progress: bool = False) -> list:
    """Train one model per job, side by side on the executor; results in the order of ``jobs``.

    Parameters
    ----------
    jobs : sequence of (k, seed, whole)
        ``whole`` True returns the trained model (:class:`GensimLDA` or
        :class:`TomotopyLDA`); False only the ids of each topic's
        ``cfg["coherence_topn"]`` top words (k lists), which is all a stability
        run needs and is small to send back.
    corpus : gensim ``MmCorpus`` or sequence of bags of words
        The training corpus. Local worker processes re-open an ``MmCorpus``
        from its file; a Dask cluster is sent the bags of words.
    dictionary : gensim.corpora.Dictionary
    cfg : dict
        The validated ``lda`` group.
    executor : mapping, optional
        The validated ``executor`` group; None (or ``lda.workers > 1``, whose
        gensim model runs its own processes) trains one model after another here.
    progress : bool
        Show a progress bar of the models trained (a terminal, not CI).

    Returns
    -------
    list
        Models or top-word id lists, one per job. Each equals what
        :func:`train` gives in this process: a model depends on its corpus,
        k and seed only.
    """
    topn = cfg["coherence_topn"]
    if cfg["workers"] > 1:
        executor = None  # LdaMulticore starts its own processes, which a pool's worker may not
    local = [i for i, (_, _, whole) in enumerate(jobs) if whole and cfg["backend"] == "tomotopy"]
    # tomotopy's model does not pickle: whole tomotopy models are trained here.
    out: list = [None] * len(jobs)
    for i in local:
        out[i] = _train_job((corpus, dictionary, cfg, topn), jobs[i])
    rest = [i for i in range(len(jobs)) if i not in local]
    fname = getattr(corpus, "fname", None)
    portable = fname if fname and not (executor and executor.get("address")) else list(corpus)
    results = X.map_partitions(_train_partition, ([jobs[i]] for i in rest), executor,
                               (portable, dictionary, cfg, topn))
    for i, result in zip(rest, tqdm(results, total=len(rest), desc="topics: training", unit="model",
                                    disable=not progress or len(rest) < 2)):
        out[i] = result
    return out


def _train_partition(shared: tuple, part: list) -> object:
    return _train_job(shared, part[0])
