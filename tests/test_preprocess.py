"""Preprocessing: tokens, stop words, phrases, segmentation units, determinism, bad input."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline import preprocess
from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.core.io import write_jsonl
from pipeline.preprocess import analyse_document, filter_tokens, group_sentences, make_segments, stopword_set
from pipeline.core.paths import Paths


@pytest.fixture()
def pcfg(params):
    return group(params, "preprocess", preprocess.SCHEMA)


DOC = {
    "id": "d1",
    "date": "2021-11-04",
    "paragraphs": [
        "The Heads of State met in Minsk. They discussed the Union State and 15 programmes.",
        "Sanctions against Belarus were introduced yesterday. We will overcome them.",
        "It is what it is.",
    ],
}


def test_analyse_keeps_raw_sentences_and_lemmas(pcfg):
    a = analyse_document(DOC, True, True, pcfg["phrases"]["curated"])
    first = a["paragraphs"][0]
    assert [raw for raw, _, _ in first] == ["The Heads of State met in Minsk.",
                                            "They discussed the Union State and 15 programmes."]
    assert first[0][1] == ["the", "head_of_state", "meet", "in", "minsk"]
    # syntok's tokens, punctuation included, as the stance stage reads them
    assert first[0][2] == "The Heads of State met in Minsk ."
    assert "union_state" in first[1][1]


def test_filter_tokens_policies():
    stop = frozenset({"the", "and"})
    words = ["the", "sanction", "and", "15", "eu", "2,000"]
    assert filter_tokens(words, stop, 3, "drop") == ["sanction"]
    assert filter_tokens(words, stop, 2, "keep") == ["sanction", "15", "eu", "2,000"]
    assert filter_tokens(words, stop, 3, "token") == ["sanction", "<num>", "<num>"]


def test_stopwords_standard_plus_domain(pcfg):
    stop = stopword_set(pcfg)
    assert {"the", "would", "say"} <= stop
    pcfg["stopwords"]["standard"] = False
    pcfg["stopwords"]["extra"] = ["Said"]
    assert stopword_set(pcfg) == frozenset({"said", "say"})


@pytest.mark.parametrize(
    "unit, window, max_sentences, sizes",
    [
        ("document", 3, 0, [5]),
        ("paragraph", 3, 0, [2, 2, 1]),
        ("paragraph", 3, 1, [1, 1, 1, 1, 1]),
        ("sentences", 2, 0, [2, 2, 1]),
        ("sentences", 3, 0, [3, 2]),
    ],
)
def test_segmentation_units(unit, window, max_sentences, sizes):
    paragraphs = [[("s1", []), ("s2", [])], [("s3", []), ("s4", [])], [("s5", [])]]
    groups = group_sentences(paragraphs, unit, window, max_sentences)
    assert [len(g) for g in groups] == sizes
    assert [s for g in groups for s, _ in g] == ["s1", "s2", "s3", "s4", "s5"]


def test_segments_carry_ids_dates_sentences_and_tokens(pcfg):
    a = analyse_document(DOC, True, True, pcfg["phrases"]["curated"])
    segs = make_segments(a, pcfg, None, stopword_set(pcfg))
    assert [s["id"] for s in segs] == ["d1#0000", "d1#0001", "d1#0002"]
    assert all(s["doc_id"] == "d1" and s["date"] == "2021-11-04" for s in segs)
    assert "head_of_state" in segs[0]["tokens"] and "the" not in segs[0]["tokens"]
    assert "sanction" in segs[1]["tokens"]
    assert segs[2]["tokens"] == []  # only stop words; the sentence is still kept for stance


def test_phrase_runs_leave_joined_words_out_of_learning_and_keep_them_when_applying():
    from pipeline.preprocess.stage import phrase_runs

    stop = frozenset({"we", "will", "of"})  # "of" is a gensim connector word: it stays inside runs
    words = ["we", "head_of_state", "meet", "prime", "minister", "of", "india", "will", "union_state"]
    assert phrase_runs(words, stop) == [["meet", "prime", "minister", "of", "india"]]
    assert phrase_runs(words, stop, keep_joined=True) == [["head_of_state"], ["meet", "prime", "minister", "of",
                                                                              "india"], ["union_state"]]


def test_a_curated_expression_is_not_learned_again_and_npmi_stays_in_its_range(pcfg, tmp_path):
    # gensim counts words and pairs in one dict keyed by the joined form: a curated "head_of_state" token
    # used to be read as the count of the pair (head, state), learned, and scored above 1.
    docs = [{"id": f"d{i}", "date": None, "paragraphs": [
        f"Our head of state met {name} yesterday. Prime minister {name} spoke of a head and of a state.",
        "The head of the delegation spoke."]} for i, name in enumerate(["Ivanov", "Petrov", "Sidorov", "Kozlov",
                                                                        "Popov", "Lebedev", "Novikov", "Morozov",
                                                                        "Volkov", "Sokolov", "Pavlov", "Orlov"])]
    paths = Paths(tmp_path)
    write_jsonl(paths.corpus, docs)
    pcfg["phrases"]["min_count"] = 3
    preprocess.run({"preprocess": pcfg}, paths)
    rows = [line.split(",") for line in open(paths.phrases, encoding="utf-8").read().splitlines()[1:]]
    learned = {r[0]: (int(r[1]), float(r[2])) for r in rows}
    assert "prime_minister" in learned and "head_of_state" not in learned
    assert all(-1 <= score <= 1 for _, score in learned.values()), learned
    tokens = [t for line in open(paths.segments, encoding="utf-8") for t in json.loads(line)["tokens"]]
    assert tokens.count("head_of_state") == 12 and learned["prime_minister"][0] == 12


def test_learned_phrases_join_collocations_but_not_stop_words(pcfg, tmp_path):
    docs = [{"id": f"d{i}", "date": None, "paragraphs": [
        f"Prime Minister Mishustin visited factory number {i}. We will see what we will do.",
        "The nuclear power plant in Ostrovets works well."]} for i in range(12)]
    paths = Paths(tmp_path)
    write_jsonl(paths.corpus, docs)
    pcfg["phrases"]["min_count"] = 3
    preprocess.run({"preprocess": pcfg}, paths)
    segs = [json.loads(l) for l in open(paths.segments, encoding="utf-8")]
    tokens = {t for s in segs for t in s["tokens"]}
    assert "prime_minister_mishustin" in tokens or "prime_minister" in tokens
    assert "nuclear_power_plant" in tokens or "nuclear_power" in tokens
    phrases = open(paths.phrases, encoding="utf-8").read()
    assert "we_will" not in phrases and "we_will" not in tokens


def test_a_document_without_usable_tokens_is_reported_and_left_out(pcfg, tmp_path, caplog):
    paths = Paths(tmp_path)
    write_jsonl(paths.corpus, [
        {"id": "good", "date": None, "paragraphs": ["Sanctions hit the Belarusian economy hard."]},
        {"id": "empty", "date": None, "paragraphs": ["It is what it is, and so it was."]},
    ])
    caplog.set_level("WARNING")
    m = preprocess.run({"preprocess": pcfg}, paths)
    assert m["documents_without_tokens"] == 1
    assert any("empty: no usable tokens" in r.getMessage() for r in caplog.records)
    assert {json.loads(l)["doc_id"] for l in open(paths.segments)} == {"good"}


def test_no_document_with_tokens_is_fatal(pcfg, tmp_path):
    paths = Paths(tmp_path)
    write_jsonl(paths.corpus, [{"id": "e", "date": None, "paragraphs": ["It is so."]}])
    with pytest.raises(UserError, match="no document has usable tokens"):
        preprocess.run({"preprocess": pcfg}, paths)
    assert not paths.segments.exists()


def test_missing_input_names_the_stage_to_run(pcfg, tmp_path):
    with pytest.raises(UserError, match="run the ingest stage first"):
        preprocess.run({"preprocess": pcfg}, Paths(tmp_path))


def test_seed_run_is_byte_identical_across_runs_and_process_counts(seed_run, composed_params, tmp_path):
    cfg = group(composed_params, "preprocess", preprocess.SCHEMA)
    # One document per partition on two processes, against the fixture's single partition in-process.
    two = {"address": None, "n_jobs": 2, "partition_size": 1}
    paths = Paths(tmp_path)
    paths.corpus.parent.mkdir(parents=True)
    shutil.copy(seed_run["corpus"], paths.corpus)
    preprocess.run({"preprocess": cfg, "executor": two}, paths)
    assert paths.segments.read_bytes() == seed_run["segments"].read_bytes()
    assert paths.sentence_tokens.read_bytes() == seed_run["sentence_tokens"].read_bytes()
    assert paths.phrases.read_bytes() == seed_run["phrases"].read_bytes()
    assert paths.preprocess_metrics.read_bytes() == seed_run["preprocess_metrics"].read_bytes()


def _phrase_docs(n=14):
    # Collocations repeated across documents, so phrases are learned from counts that span partitions;
    # one document without usable tokens and one not scored, whose counts must still be added in.
    docs = [{"id": f"d{i:02d}", "date": None, "paragraphs": [
        f"Prime Minister Mishustin visited factory number {i}. We will see what we will do.",
        "The nuclear power plant in Ostrovets works well." if i % 3 else "The Union State budget was adopted.",
        "Prime Minister Mishustin and the nuclear power plant again."]} for i in range(n)]
    docs.insert(5, {"id": "empty", "date": None, "paragraphs": ["It is what it is, and so it was."]})
    docs.insert(9, {"id": "other", "date": None, "paragraphs": ["Ein anderer Text."], "not_scored": "language de"})
    return docs


def _outputs(paths):
    return {name: getattr(paths, name).read_bytes()
            for name in ("segments", "sentence_tokens", "phrases", "preprocess_metrics")}


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_both_passes_on_two_processes_give_the_bytes_of_one(pcfg, tmp_path, unit):
    pcfg["phrases"]["min_count"] = 3
    pcfg["unit"] = unit
    runs = {}
    for name, executor in {"one": {"address": None, "n_jobs": 1, "partition_size": 16},
                           "two": {"address": None, "n_jobs": 2, "partition_size": 2}}.items():
        paths = Paths(tmp_path / name)
        write_jsonl(paths.corpus, _phrase_docs())
        runs[name] = (preprocess.run({"preprocess": pcfg, "executor": executor}, paths), _outputs(paths))
    assert runs["one"] == runs["two"]
    metrics, files = runs["two"]
    assert metrics["phrases_learned"] > 0 and metrics["documents_without_tokens"] == 1
    assert b"prime_minister" in files["phrases"]
    assert b'"other"' not in files["segments"]  # the not-scored document is left out


def test_phrase_counts_added_by_partition_are_gensims_own(pcfg):
    from gensim.models.phrases import Phrases

    from pipeline.preprocess.stage import PhraseCounts, _phrase_options, phrase_runs

    stop = stopword_set(pcfg)
    docs = [analyse_document(d, True, True, []) for d in _phrase_docs()]
    runs = [[r for p in d["paragraphs"] for s in p for r in phrase_runs(s[1], stop)] for d in docs]
    options = _phrase_options(pcfg)
    whole = Phrases([r for doc in runs for r in doc], **options)
    counts = PhraseCounts()
    for i in range(0, len(runs), 3):
        part = Phrases([r for doc in runs[i:i + 3] for r in doc], **options)
        counts.add((part.vocab, part.corpus_word_count))
    model = counts.model(options)
    assert list(model.vocab.items()) == list(whole.vocab.items())  # same counts, same key order
    assert model.corpus_word_count == whole.corpus_word_count
    assert model.freeze().phrasegrams == whole.freeze().phrasegrams


def test_phrases_are_learned_in_one_process_where_gensim_would_prune(pcfg, tmp_path, monkeypatch):
    # gensim prunes rare counts once it holds more than max_vocab_size of them, so where pruning
    # strikes depends on the order of the sentences: counts added by partition would differ.
    from gensim.models.phrases import Phrases

    from pipeline.preprocess import stage

    monkeypatch.setattr(stage, "PHRASES_MAX_VOCAB", 20)
    pcfg["phrases"]["min_count"] = 2
    paths = Paths(tmp_path)
    write_jsonl(paths.corpus, _phrase_docs())
    preprocess.run({"preprocess": pcfg, "executor": {"address": None, "n_jobs": 2, "partition_size": 2}}, paths)
    stop = stopword_set(pcfg)
    runs = [r for d in _phrase_docs() if not d.get("not_scored")
            for p in analyse_document(d, True, True, pcfg["phrases"]["curated"])["paragraphs"]
            for s in p for r in stage.phrase_runs(s[1], stop)]
    options = stage._phrase_options(pcfg)
    pruned = Phrases(runs, max_vocab_size=20, **options).freeze()
    whole = Phrases(runs, max_vocab_size=10**9, **options)
    assert sorted(pruned.phrasegrams) != sorted(whole.freeze().phrasegrams)  # pruning did change them
    learned = [line.split(",")[0] for line in paths.phrases.read_text(encoding="utf-8").splitlines()[1:]]
    assert learned and sorted(learned) == sorted(pruned.phrasegrams)
    counts = stage.PhraseCounts(20)
    counts.add((whole.vocab, whole.corpus_word_count))
    assert counts.pruned and counts.model(options) is None


def test_seed_segments_are_paragraphs_with_tokens(seed_run):
    segs = [json.loads(l) for l in open(seed_run["segments"], encoding="utf-8")]
    docs = {json.loads(l)["id"] for l in open(seed_run["corpus"], encoding="utf-8")}
    assert {s["doc_id"] for s in segs} == docs
    assert len(segs) > 100  # paragraphs, not five documents
    assert sum(len(s["tokens"]) for s in segs) > 3000
    assert all(s["sentences"] for s in segs)


def test_sentence_tokens_are_the_tokens_of_each_sentence_in_step_with_the_segments(seed_run):
    from pipeline.segments import SENTENCE_TOKENS
    from pipeline.stance.scoring import prepare

    segs = [json.loads(l) for l in open(seed_run["segments"], encoding="utf-8")]
    toks = [json.loads(l) for l in open(seed_run["sentence_tokens"], encoding="utf-8")]
    assert [t["id"] for t in toks] == [s["id"] for s in segs] and SENTENCE_TOKENS not in segs[0]
    for seg, row in zip(segs, toks):
        assert [tuple(t.split(" ")) for t in row[SENTENCE_TOKENS]] == [prepare(x).tokens for x in seg["sentences"]]
