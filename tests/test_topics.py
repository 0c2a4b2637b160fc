"""The topics stage: reproducibility, selection over k, stability, metrics, model file, bad input."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.topics import SCHEMA, run, stability
from pipeline.topics.corpus import check_data, heldout_mask, min_segments, train_sample_mask
from pipeline.topics.train import GensimLDA, nmf_topics, start_from
from pipeline.topics.scores import diversity, select

from workspace import workspace

# Small and fast: what the tests need is behaviour, not good topics.
FAST = {"passes": 2, "iterations": 20, "stability_seeds": 1, "c_v": False}


def cfg_of(params, **over):
    lda = dict(params["lda"], **FAST)
    lda.update(over)
    return group({"lda": lda}, "lda", SCHEMA)


def run_into(cfg, seed_run, out):
    return run({"lda": cfg}, workspace(out, segments=seed_run["segments"], corpus=seed_run["corpus"]))


# ---------------------------------------------------------------- pure parts
def test_identical_models_are_perfectly_stable():
    topics = [["gas", "price", "europe"], ["tank", "army", "border"], ["school", "child", "sport"]]
    per, overall = stability(topics, [list(reversed(topics)), topics])
    assert overall == 1.0 and per == [1.0, 1.0, 1.0]


def test_stability_of_a_known_partial_match():
    ref = [["a", "b", "c", "d"], ["e", "f", "g", "h"]]
    # the best one-to-one match pairs topic 0 with the second topic (2 shared of 6 words)
    other = [["e", "f", "g", "x"], ["a", "b", "y", "z"]]
    per, overall = stability(ref, [other])
    assert per == pytest.approx([2 / 6, 3 / 5])
    assert overall == pytest.approx((2 / 6 + 3 / 5) / 2)


def test_diversity_and_selection():
    assert diversity([[1, 2], [3, 4]]) == 1.0 and diversity([[1, 2], [1, 2]]) == 0.5
    rows = [{"k": 4, "c_npmi": 0.1, "perplexity": 50.0}, {"k": 6, "c_npmi": 0.2, "perplexity": 40.0},
            {"k": 8, "c_npmi": 0.2, "perplexity": 60.0}]
    assert select(rows, "c_npmi")["k"] == 6  # tie with k=8 goes to the smaller k
    assert select(rows, "perplexity")["k"] == 6  # lower is better


def test_heldout_is_fixed_and_independent_of_order():
    ids = [f"doc#{i:04d}" for i in range(200)]
    mask = heldout_mask(ids, 0.1)
    assert sum(mask) == 20
    rev = heldout_mask(ids[::-1], 0.1)[::-1]
    assert rev == mask


def test_num_topics_forms(params):
    assert cfg_of(params, num_topics=5)["num_topics"] == [5]
    assert cfg_of(params, num_topics=[8, 4, 6])["num_topics"] == [4, 6, 8]
    assert cfg_of(params, num_topics={"start": 3, "stop": 7, "step": 2})["num_topics"] == [3, 5, 7]


@pytest.mark.parametrize("over, match", [
    ({"num_topics": 1}, r"lda\.num_topics = 1 .*at least 2"),
    ({"num_topics": [4, 0]}, r"lda\.num_topics = 0"),
    ({"alpha": "sometimes"}, r"lda\.alpha = 'sometimes'"),
    ({"select_by": "c_v"}, r"lda\.select_by = 'c_v'"),
    ({"colour": 1}, r"lda\.colour is not a known key"),
    ({"init": "svd"}, r"lda\.init = 'svd'"),
    ({"train_sample": 1}, r"lda\.train_sample = 1 is not allowed"),
    ({"train_sample": 1.5}, r"lda\.train_sample = 1\.5 is not allowed"),
    ({"update": "sometimes"}, r"lda\.update = 'sometimes'"),
])
def test_bad_config_values(params, over, match):
    with pytest.raises(UserError, match=match):
        cfg_of(params, **over)


def test_min_segments_grows_with_the_corpus():
    assert min_segments(5, 0.005, 278) == 5        # the seeds: the count rules
    assert min_segments(5, 0.005, 4197) == 21      # the Kremlin corpus: the share rules
    assert min_segments(5, 0.0, 10**6) == 5


def test_train_sample_is_fixed_nested_and_never_held_out():
    ids = [f"doc{i}#{j:04d}" for i in range(30) for j in range(10)]
    held = heldout_mask(ids, 0.1)
    assert train_sample_mask(ids, held, None) == [not h for h in held]
    small, large = train_sample_mask(ids, held, 50), train_sample_mask(ids, held, 0.5)
    assert sum(small) == 50 and sum(large) == 135            # half of the 270 training segments
    assert all(l for s_, l in zip(small, large) if s_)        # a larger sample contains a smaller one
    assert not any(s_ and h for s_, h in zip(large, held))
    assert train_sample_mask(ids[::-1], held[::-1], 50)[::-1] == small  # not the file order


def _blocks(n_docs=60, seed=0):
    """Bags of words from three disjoint vocabularies of 8 words, one per document, plus a shared word."""
    rng = np.random.default_rng(seed)
    bows = []
    for i in range(n_docs):
        block = i % 3
        words = rng.choice(8, size=12) + 8 * block
        counts = np.bincount(words, minlength=25)
        counts[24] = 3                               # a word in every document
        bows.append([(int(w), int(c)) for w, c in enumerate(counts) if c])
    return bows


def test_nmf_start_recovers_planted_topics():
    bows = _blocks()
    tw = nmf_topics(bows, 25, 3, seed=1)
    assert tw.shape == (3, 25)
    total = sum(c for b in bows for _, c in b)
    assert tw.sum() == pytest.approx(total)          # expected word counts, as gensim's sstats
    blocks = sorted(int(np.argmax(row[:24])) // 8 for row in tw)
    assert blocks == [0, 1, 2]                         # one topic per planted vocabulary
    for row in tw:
        top = np.argsort(-row[:24])[:8]
        assert len({int(w) // 8 for w in top}) == 1    # its top words from that vocabulary alone
    assert np.array_equal(tw, nmf_topics(bows, 25, 3, seed=1))


def test_lda_starts_from_nmf_and_random_start_differs():
    from gensim.corpora import Dictionary

    bows = _blocks()
    d = Dictionary([[f"w{i}" for i in range(25)]])
    cfg = {"update": "batch", "workers": 1, "passes": 1, "iterations": 1, "chunksize": 100, "eta": 0.01,
           "alpha": "symmetric", "init": "nmf"}
    from gensim.models import LdaModel

    m = LdaModel(id2word=d, num_topics=3, random_state=1)
    start = nmf_topics(bows, 25, 3, seed=1)
    start_from(m, start)
    got = m.get_topics()
    assert np.allclose(got, (start + 1e-3 + m.eta) / (start + 1e-3 + m.eta).sum(axis=1, keepdims=True))
    a = GensimLDA.train(bows, d, cfg, 3, 1).topic_word
    b = GensimLDA.train(bows, d, dict(cfg, init="random"), 3, 1).topic_word
    assert np.array_equal(a, GensimLDA.train(bows, d, cfg, 3, 1).topic_word)
    assert not np.allclose(a, b)
    # after one pass the NMF start still separates the planted vocabularies
    assert sorted(int(np.argmax(r[:24])) // 8 for r in a) == [0, 1, 2]


# ------------------------------------------------------------- on the seeds
@pytest.fixture(scope="module")
def selection_run(seed_run, composed_params, tmp_path_factory):
    """One selection over k = [2, 3] on the seeds, shared by several tests."""
    out = tmp_path_factory.mktemp("topics")
    params = {"lda": dict(composed_params["lda"])}
    cfg = cfg_of(params, num_topics=[2, 3])
    metrics = run_into(cfg, seed_run, out)
    return cfg, out, metrics


@pytest.mark.slow
def test_selection_over_k(selection_run):
    cfg, out, metrics = selection_run
    with open(out / "reports/tables/topic_selection.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["k"]) for r in rows] == [2, 3]
    chosen = [int(r["k"]) for r in rows if r["chosen"] == "1"]
    best = max(rows, key=lambda r: (float(r["c_npmi"]), -int(r["k"])))
    assert chosen == [int(best["k"])] == [metrics["k"]]
    with open(out / "reports/tables/topics.csv", encoding="utf-8") as fh:
        topics = list(csv.DictReader(fh))
    assert len(topics) == metrics["k"]
    assert sum(float(t["prevalence"]) for t in topics) == pytest.approx(1.0, abs=1e-3)
    for name in ("topic_words", "topic_documents", "topic_time", "topic_selection", "topic_selection_cv"):
        assert (out / f"reports/figures/{name}.png").stat().st_size > 0


@pytest.mark.slow
def test_metrics_schema(selection_run):
    _, out, _ = selection_run
    m = json.loads((out / "reports/metrics/topics.json").read_text(encoding="utf-8"))
    # headline numbers only (each is a column of `dvc exp show`); u_mass per k is in topic_selection.csv
    assert set(m) == {"k", "c_npmi", "diversity", "perplexity", "stability", "caveats"}
    assert m["caveats"] == []
    assert isinstance(m["k"], int) and m["k"] >= 2
    assert -1.0 <= m["c_npmi"] <= 1.0
    assert 0.0 < m["diversity"] <= 1.0 and 0.0 <= m["stability"] <= 1.0
    assert m["perplexity"] > 1.0


@pytest.mark.slow
def test_saved_model_loads_with_gensim(selection_run, seed_run):
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    _, out, metrics = selection_run
    model = LdaModel.load(str(out / "models/lda/lda.model"))
    d = Dictionary.load(str(out / "models/lda/dictionary.dict"))
    assert model.num_topics == metrics["k"]
    with open(out / "reports/tables/topics.csv", encoding="utf-8") as fh:
        first = next(csv.DictReader(fh))
    top = [w for w, _ in model.show_topic(0, topn=3)]
    assert first["label"] == " / ".join(top)
    assert len(d) == model.num_terms


@pytest.mark.slow
def test_same_seed_same_topics_byte_for_byte(seed_run, params, tmp_path):
    cfg = cfg_of(params, num_topics=3, stability_seeds=0)
    run_into(cfg, seed_run, tmp_path / "a")
    run_into(cfg, seed_run, tmp_path / "b")
    for f in ("reports/tables/topics.csv", "data/topics/segment_topics.csv", "data/topics/document_topics.csv",
              "reports/metrics/topics.json", "reports/figures/topic_words.png"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    # the saved model too: gensim would stamp the date into it
    models = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a/models").rglob("*") if p.is_file())
    assert models
    for f in models:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    other = cfg_of(params, num_topics=3, stability_seeds=0, random_state=cfg["random_state"] + 1)
    run_into(other, seed_run, tmp_path / "c")
    assert (tmp_path / "c/data/topics/segment_topics.csv").read_bytes() != \
        (tmp_path / "a/data/topics/segment_topics.csv").read_bytes()


@pytest.mark.slow
def test_train_sample_infers_topics_for_every_segment(seed_run, params, tmp_path):
    cfg = cfg_of(params, num_topics=3, stability_seeds=0, train_sample=0.3)
    run_into(cfg, seed_run, tmp_path / "s")
    run_into(cfg_of(params, num_topics=3, stability_seeds=0), seed_run, tmp_path / "all")
    n = sum(1 for _ in open(seed_run["segments"], encoding="utf-8"))
    rows = (tmp_path / "s/data/topics/segment_topics.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == n + 1
    assert rows != (tmp_path / "all/data/topics/segment_topics.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(UserError, match=r"lda\.train_sample = 2 gives 2 training segments, fewer than "
                                        r"lda\.num_topics = 3"):
        run_into(cfg_of(params, num_topics=3, train_sample=2), seed_run, tmp_path / "x")


@pytest.mark.slow
def test_too_many_topics(seed_run, params, tmp_path):
    n = sum(1 for _ in open(seed_run["segments"], encoding="utf-8"))
    with pytest.raises(UserError, match=rf"lda\.num_topics = {n + 1} .*{n} segments"):
        run_into(cfg_of(params, num_topics=[3, n + 1]), seed_run, tmp_path)
    assert not (tmp_path / "models").exists()


@pytest.mark.slow
def test_empty_vocabulary(seed_run, params, tmp_path):
    cfg = cfg_of(params, num_topics=2)
    cfg["dictionary"]["no_below"] = 100000
    with pytest.raises(UserError, match=r"no_below = 100000, .*left 0 of \d+ words"):
        run_into(cfg, seed_run, tmp_path)


def test_one_segment(tmp_path, params):
    seg = tmp_path / "one.jsonl"
    seg.write_text(json.dumps({"id": "a#0000", "doc_id": "a", "position": 0, "date": None,
                               "sentences": ["Gas prices."], "tokens": ["gas", "price"]}) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"1 segment\(s\); a topic model needs at least 2"):
        run({"lda": cfg_of(params, num_topics=2)}, workspace(tmp_path / "w", segments=seg))


def test_cli_reports_bad_value_in_one_line(project_copy):
    import yaml

    p = project_copy / "params.yaml"
    params = yaml.safe_load(p.read_text(encoding="utf-8"))
    params["lda"]["num_topics"] = 1
    p.write_text(yaml.safe_dump(params), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pipeline.topics"], cwd=project_copy, capture_output=True, text=True)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "lda.num_topics = 1" in lines[0] and "Traceback" not in out.stderr


@pytest.mark.slow
def test_saved_model_bytes_do_not_depend_on_the_hash_seed(seed_run, tmp_path, root):
    """gensim orders some saved bookkeeping by string hashes; two processes must still agree."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests'); from pathlib import Path; from tests.test_topics import cfg_of, run_into;"
        "from pipeline.core.config import compose; import json;"
        "seed_run = {k: Path(v) for k, v in json.loads(sys.argv[1]).items()};"
        "run_into(cfg_of(compose(conf_dir=Path('conf')), num_topics=3, stability_seeds=0), seed_run, Path(sys.argv[2]))"
    )
    paths = json.dumps({k: str(v) for k, v in seed_run.items()})
    for n in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=n)
        proc = subprocess.run([sys.executable, "-c", code, paths, str(tmp_path / n)], cwd=root, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1/models").rglob("*") if p.is_file())
    assert files
    for f in files:
        assert (tmp_path / "1" / f).read_bytes() == (tmp_path / "2" / f).read_bytes(), f


# --------------------------------------------------- what the data can support
def test_check_data_refuses_what_cannot_mean_anything():
    # Two short documents: five words cannot make four to eight topics.
    with pytest.raises(UserError, match=r"lda: the dictionary keeps 5 word\(s\); 8 topics need at least 16"):
        check_data(5, 2, 0, 0, [4, 6, 8], 10)
    # More topics than words, even when the words would fill the NPMI list.
    with pytest.raises(UserError, match=r"keeps 12 word\(s\); 8 topics need at least 16"):
        check_data(12, 40, 10, 200, [8], 10)
    with pytest.raises(UserError, match=r"lda: 3 training segment\(s\) with dictionary words for 4 topics"):
        check_data(400, 3, 10, 200, [4], 10)


def test_check_data_warns_when_marginal_and_withholds_perplexity():
    ok = check_data(400, 200, 20, 300, [4, 6, 8], 10)
    assert ok.caveats == () and ok.perplexity_note is None
    marginal = check_data(60, 50, 20, 300, [8], 10)
    assert len(marginal.caveats) == 2
    assert "60 words for up to 8 topics" in marginal.caveats[0] and "50 training segments" in marginal.caveats[1]
    few = check_data(400, 200, 3, 40, [4], 10)
    assert few.perplexity_note.startswith("not reported: the held-out set has 3 segment(s) and 40")


def _short_docs(path, docs):
    rows = []
    for d, words in enumerate(docs):
        for p, seg in enumerate(words):
            rows.append(json.dumps({"id": f"d{d}#{p:04d}", "doc_id": f"d{d}", "position": p, "date": None,
                                    "sentences": [" ".join(seg)], "tokens": seg}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_two_short_documents_stop_before_training(tmp_path, params):
    seg = _short_docs(tmp_path / "seg.jsonl", [[["gas", "price", "europe"], ["gas", "tank"]],
                                               [["tank", "army", "gas"], ["price", "border"]]])
    cfg = cfg_of(params, num_topics=[2, 3, 4])
    cfg["dictionary"].update(no_below=1, no_below_share=0.0, no_above=1.0)
    with pytest.raises(UserError, match=r"lda: the dictionary keeps \d word\(s\); 4 topics need at least"):
        run({"lda": cfg}, paths := workspace(tmp_path / "m", segments=seg))
    assert not paths.lda_dir.exists() and not paths.topics_metrics.exists()
    assert not list((tmp_path / "m").rglob(".topics.*"))


@pytest.mark.slow
def test_small_heldout_set_gives_no_perplexity_and_zero_seeds_no_stability(seed_run, params, tmp_path, caplog):
    import logging

    cfg = cfg_of(params, num_topics=3, stability_seeds=0, heldout=0.02)
    with caplog.at_level(logging.INFO, logger="topics"):
        metrics = run_into(cfg, seed_run, tmp_path)
    assert metrics["perplexity"] is None and metrics["perplexity_note"].startswith("not reported: the held-out set")
    assert metrics["stability"] is None and metrics["stability_note"] == "not measured (lda.stability_seeds = 0)"
    with open(tmp_path / "reports/tables/topic_selection.csv", encoding="utf-8") as fh:
        assert all(r["perplexity"] == "" for r in csv.DictReader(fh))
    # Every log line formats (a None stability under "%.3f" made logging print a traceback).
    messages = [r.getMessage() for r in caplog.records if r.name == "topics"]
    assert any("stability not measured (lda.stability_seeds = 0)" in m for m in messages), messages
    with pytest.raises(UserError, match=r"lda\.select_by = perplexity, but perplexity is not reported"):
        run_into(cfg_of(params, num_topics=3, heldout=0.02, select_by="perplexity"), seed_run, tmp_path / "p")


def test_scratch_left_by_a_dead_run_is_removed_and_a_live_one_kept(tmp_path):
    from pipeline.topics.stage import SCRATCH_PREFIX, remove_stale_scratch

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"{SCRATCH_PREFIX}{dead.stdout.strip()}.abc"
    (stale / "model").mkdir(parents=True)
    live = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}.def"
    live.mkdir()
    assert remove_stale_scratch(tmp_path) == [stale]
    assert not stale.exists() and live.exists()


@pytest.mark.slow
def test_a_killed_topics_run_leaves_nothing_the_next_run_keeps(seed_run, params, tmp_path, root):
    import signal
    import time

    code = (
        "import sys, json; sys.path.insert(0, 'tests'); from pathlib import Path; from tests.test_topics import cfg_of, run_into;"
        "from pipeline.core.config import compose;"
        "seed_run = {k: Path(v) for k, v in json.loads(sys.argv[1]).items()};"
        "cfg = cfg_of(compose(conf_dir=Path('conf')), num_topics=[2, 3, 4, 5, 6], passes=50, iterations=200);"
        "run_into(cfg, seed_run, Path(sys.argv[2]))"
    )
    out = tmp_path / "run"
    scratch_root = out / "models"  # the scratch folder goes beside models/lda when its parent exists
    scratch_root.mkdir(parents=True)
    proc = subprocess.Popen([sys.executable, "-c", code, json.dumps({k: str(v) for k, v in seed_run.items()}),
                             str(out)], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not list(scratch_root.glob(".topics.*")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert list(scratch_root.glob(".topics.*")), "the run never made its scratch folder"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(scratch_root.glob(".topics.*")), "a killed run leaves its scratch folder (the case this test is about)"
    run_into(cfg_of(params, num_topics=2, stability_seeds=0), seed_run, out)
    assert not list(scratch_root.glob(".topics.*"))
