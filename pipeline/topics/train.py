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

from ..errors import UserError


def _alpha_eta(value, k: int):
    """gensim's prior names turned into numbers, for backends that need numbers."""
    if value == "symmetric" or value == "auto":
        return 1.0 / k
    if value == "asymmetric":
        raw = 1.0 / (np.arange(k) + math.sqrt(k))
        return list(raw / raw.sum())
    return float(value)


class GensimLDA:
    """A trained gensim model with the operations the stage needs."""

    backend = "gensim"

    def __init__(self, model, k: int, seed: int):
        self.model, self.k, self.seed = model, k, seed
        self.topic_word = model.get_topics()  # k x V, rows sum to 1

    @classmethod
    def train(cls, corpus, dictionary, cfg: dict, k: int, seed: int) -> "GensimLDA":
        from gensim.models import LdaModel, LdaMulticore

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
            model = LdaModel(alpha=cfg["alpha"], update_every=0 if batch else 1, **common)
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
        self.model.save(str(path))
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
        from gensim.models import LdaModel

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
