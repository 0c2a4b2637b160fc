"""Training: the vectorised E-step agrees with gensim's own loop; models trained side by side equal those trained in turn."""
from __future__ import annotations

import numpy as np
import pytest
from gensim.corpora import Dictionary
from gensim.models import LdaModel

from pipeline.topics import train as T


def _corpus(seed: int, n_docs: int = 120, vocab: int = 60, empty: int = 3):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    docs = [list(rng.choice(words, size=int(rng.integers(1, 40)))) for _ in range(n_docs)]
    docs[5:5 + empty] = [[] for _ in range(empty)]  # empty bags of words mid-chunk
    d = Dictionary(docs)
    return d, [d.doc2bow(doc) for doc in docs]


@pytest.mark.parametrize("iterations, block, long", [(200, T.INFERENCE_BLOCK, T.LONG_DOCUMENT),
                                                   (3, T.INFERENCE_BLOCK, T.LONG_DOCUMENT), (200, 50, T.LONG_DOCUMENT),
                                                   (200, T.INFERENCE_BLOCK, 15), (3, 50, 15)])
def test_batch_inference_matches_gensim(monkeypatch, iterations, block, long):
    monkeypatch.setattr(T, "INFERENCE_BLOCK", block)  # 50 pairs: many blocks, one document each at times
    monkeypatch.setattr(T, "LONG_DOCUMENT", long)  # 15: documents of more words go one at a time
    d, bows = _corpus(7)
    model = LdaModel(corpus=bows, id2word=d, num_topics=5, passes=2, iterations=50, random_state=3,
                     alpha="asymmetric")
    model.iterations = iterations
    model.random_state = np.random.RandomState(11)
    g_ref, s_ref = LdaModel.inference(model, bows, collect_sstats=True)
    model.random_state = np.random.RandomState(11)
    g, s = T.batch_inference(model, bows, collect_sstats=True)
    assert g.shape == g_ref.shape and g.dtype == g_ref.dtype and s.shape == s_ref.shape
    # Only the order of float32 sums differs.
    np.testing.assert_allclose(g, g_ref, rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(s, s_ref, rtol=2e-3, atol=1e-3 * s_ref.max())
    np.testing.assert_allclose(g[5:8], np.tile(model.alpha, (3, 1)), rtol=1e-6)  # empty: alpha


def test_batch_model_trains_as_gensim_and_saves_as_ldamodel(tmp_path):
    d, bows = _corpus(2, empty=0)
    kw = dict(id2word=d, num_topics=4, passes=3, iterations=100, random_state=5, alpha="asymmetric", update_every=0)
    ref = LdaModel(corpus=bows, **kw)
    fast = T.BatchLdaModel(corpus=bows, **kw)
    np.testing.assert_allclose(fast.get_topics(), ref.get_topics(), atol=2e-3)
    wrapped = T.GensimLDA(fast, 4, 5)
    path = wrapped.save(tmp_path)
    loaded = LdaModel.load(str(path))
    assert type(loaded) is LdaModel and type(wrapped.model) is T.BatchLdaModel
    np.testing.assert_array_equal(loaded.get_topics(), fast.get_topics())


def test_models_trained_side_by_side_equal_those_trained_in_turn(tmp_path, composed_params):
    from gensim.corpora import MmCorpus

    from pipeline.core.config import group
    from pipeline.topics import SCHEMA

    d, bows = _corpus(4, n_docs=60, empty=0)
    MmCorpus.serialize(str(tmp_path / "train.mm"), bows)
    corpus = MmCorpus(str(tmp_path / "train.mm"))
    cfg = group({"lda": dict(composed_params["lda"], passes=2, iterations=20, coherence_topn=5)}, "lda", SCHEMA)
    jobs = [(3, 1, True), (4, 1, True), (3, 2, False), (3, 3, False)]
    in_turn = T.train_many(jobs, corpus, d, cfg, None)
    side_by_side = T.train_many(jobs, corpus, d, cfg, {"address": None, "n_jobs": 2, "partition_size": 1})
    for a, b in zip(in_turn[:2], side_by_side[:2]):
        assert a.k == b.k
        np.testing.assert_array_equal(a.topic_word, b.topic_word)
    assert [a.k for a in in_turn[:2]] == [3, 4]
    assert in_turn[2:] == side_by_side[2:]
    assert all(len(top) == 3 and all(len(ids) == 5 for ids in top) for top in in_turn[2:])
    # A stability run gives the top words of the model of its own k and seed.
    from pipeline.topics import scores

    assert in_turn[3] == scores.top_word_ids(T.train(corpus, d, cfg, 3, 3).topic_word, 5)
