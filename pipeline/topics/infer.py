"""Topic shares of every segment, inferred in partitions on the configured executor.

The segments file is read in partitions that are exactly the model's own
inference batches (:data:`BATCH` segments): gensim draws the starting point of
a batch's variational inference from a generator seeded afresh for each batch
(:meth:`~pipeline.topics.train.GensimLDA.doc_topics`), so a segment's shares
depend on its place within its batch. Cut at the same places, the partitions
give the single-process matrix bit for bit, on any executor. (tomotopy infers
each document on its own; the same cut does it no harm.)

The model travels once to each worker (:mod:`pipeline.executor`'s ``shared``),
together with the dictionary that turns a partition's tokens into bags of
words there, so the stage's own process only reads the file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping

import numpy as np

from .. import executor as X
from ..segments import UnitTokens

#: Segments per partition: the batch of ``doc_topics``, whose default it must equal.
BATCH = 2000


class PortableModel:
    """A trained model (either backend) that pickles, and a private copy of it per process.

    Inference must leave the stage's model as it was: gensim's inference
    re-seeds and advances the model's random generator, which is saved with
    it, so inferring on the original in this process but on copies elsewhere
    would make ``lda.model`` depend on the executor. Every process therefore
    infers on its own copy. gensim's ``LdaModel`` pickles as it is; tomotopy's
    model does not, so it travels as the bytes of ``LDAModel.saves()``.
    """

    def __init__(self, model, dictionary):
        self.dictionary = dictionary
        self.k = model.k
        if model.backend == "tomotopy":
            self._source = ("tomotopy", model.model.saves(full=False), model.seed, model.cfg)
        else:
            self._source = ("gensim", model)
        self._model = None  # this process's copy, made on first use

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _model=None)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self._source[0] == "gensim":
            self._model = self._source[1]  # unpickled: already this process's own copy

    def load(self):
        """This process's copy of the model wrapper, with ``doc_topics``."""
        if self._model is None:
            if self._source[0] == "tomotopy":
                import tomotopy as tp

                from .train import TomotopyLDA

                _, blob, seed, cfg = self._source
                self._model = TomotopyLDA(tp.LDAModel.loads(blob), self.dictionary, self.k, seed, cfg)
            else:
                import copy

                self._model = copy.deepcopy(self._source[1])
        return self._model


def _infer_partition(portable: PortableModel, token_lists: list[list[str]]) -> np.ndarray:
    model = portable.load()
    bows = [portable.dictionary.doc2bow(tokens) for tokens in token_lists]
    # One partition is one batch: the same call, on the same rows, as in one process.
    return model.doc_topics(bows, batch=max(1, len(bows)))


def _token_partitions(segments: Path, batch: int) -> Iterator[list[list[str]]]:
    return X.chunked(UnitTokens(segments), batch)


def doc_topics(model, dictionary, segments: str | Path, executor: Mapping | None = None,
               batch: int = BATCH) -> np.ndarray:
    """Normalised topic shares (segments × k) of every segment of ``segments``, in file order.

    Parameters
    ----------
    model : GensimLDA or TomotopyLDA
        The trained model (:mod:`pipeline.topics.train`).
    dictionary : gensim.corpora.Dictionary
        The dictionary the model was trained with.
    segments : path
        ``segments.jsonl``; only its ``tokens`` are read, one partition at a time.
    executor : mapping, optional
        The validated ``executor`` group; None infers in this process.
    batch : int
        Segments per partition. The result equals
        ``model.doc_topics(all bags of words, batch=batch)`` whatever the executor.

    Returns
    -------
    numpy.ndarray
        One row per segment, rows summing to 1.
    """
    parts = list(X.map_partitions(_infer_partition, _token_partitions(Path(segments), batch), executor,
                                  PortableModel(model, dictionary)))
    return np.vstack(parts) if parts else np.zeros((0, model.k))

