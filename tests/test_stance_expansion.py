"""Corpus-adapted lexicon expansion (stance.expansion, LSS) on a small constructed corpus with known answers.

In the corpus, "zorblax" only ever appears near "sanctions" together with the
favour cues of the sanctions theme, "grumbly" with its against cues, and the
name "Fredonia" (capitalised) with the favour cues as well; sentences of
other words make the contrast that tells context words from the rest.
"""
from __future__ import annotations

import copy
import csv
import json
import random

import pytest

from pipeline.core.errors import UserError
from pipeline.core.io import write_jsonl
from pipeline.stance import expansion as E
from pipeline.stance import run
from pipeline.stance.model import Scorer
from pipeline.stance.stage import run_evaluate
from pipeline.stance.themes import term_key

from workspace import groups, workspace

FAVOUR = ["justified", "effective", "necessary", "legitimate", "proportionate", "deserved"]
AGAINST = ["illegal", "unjust", "hostile", "futile", "illegitimate", "unilateral"]
FILLER = ["weather", "harvest", "river", "bridge", "concert", "school", "garden", "market", "train", "museum"]


def _sentences(n: int = 160, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            a, b = rnd.sample(FAVOUR, 2)
            out.append(f"These sanctions are {a}, {b} and zorblax.")
        elif kind == 1:
            a, b = rnd.sample(AGAINST, 2)
            out.append(f"The sanctions are {a}, {b} and grumbly.")
        elif kind == 2:
            a, b = rnd.sample(FAVOUR, 2)
            out.append(f"The sanctions that Fredonia backs are {a} and {b}.")
        else:
            a, b, c = rnd.sample(FILLER, 3)
            out.append(f"The {a} near the {b} was quiet and the {c} was busy.")
    return out


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    """The corpus as segments.jsonl: one document of one segment per 20 sentences."""
    path = tmp_path_factory.mktemp("expansion") / "segments.jsonl"
    sents = _sentences()
    write_jsonl(path, ({"id": f"d{i // 20}#{i:04d}", "doc_id": f"d{i // 20}", "date": "2022-01-01", "position": 0,
                        "sentences": sents[i:i + 20], "tokens": []} for i in range(0, len(sents), 20)))
    return path


def _enabled(params: dict, corpus=None) -> dict:
    p = copy.deepcopy(params)
    p["stance"]["expansion"].update({"enabled": True, "dim": 16, "window": 4, "min_count": 3, "epochs": 40,
                                     "seed": 3, "candidates_window": 6, "top": 3, "min_similarity": 0.0,
                                     "weight": 0.5, "keyness_p": 0.05,
                                     "corpus": None if corpus is None else str(corpus)})
    return p


@pytest.fixture(scope="module")
def expanded(composed_params, corpus_file):
    E._MEMO.clear()
    return Scorer.from_params(_enabled(composed_params), corpus=corpus_file, cache_dir=None)


def _by_term(scorer: Scorer) -> dict[str, E.Added]:
    return {a.term: a for a in scorer.expansion if a.theme == "sanctions"}


def test_word_near_favour_cues_is_added_to_favour(expanded):
    added = _by_term(expanded)
    assert added["zorblax"].pole == "favour"
    assert added["grumbly"].pole == "against"
    theme = expanded.themes["sanctions"]
    assert theme.cues["zorblax"][1] > 0 > theme.cues["grumbly"][1]
    # lower than the hand cues, and at most `weight`
    assert 0 < added["zorblax"].weight <= 0.5 and 0 < added["grumbly"].weight <= 0.5
    assert {s for s, _ in added["zorblax"].nearest} <= {term_key(w) for w in FAVOUR}
    assert added["zorblax"].frequency == 40 and added["zorblax"].near_target == 40


def test_capitalised_name_is_not_added(expanded, corpus_file):
    assert "fredonia" not in {a.term for a in expanded.expansion}
    # It is a context word like the others; only being a name keeps it out.
    counts = E._read(corpus_file, expanded.themes, expanded.rules, 6, frozenset(), frozenset())
    assert counts.near["sanctions"]["fredonia"] == 40
    assert E.is_name("fredonia", counts) and not E.is_name("zorblax", counts)
    # Filler words never occur near a mention: not candidates either.
    assert not {a.term for a in expanded.expansion} & set(FILLER)


def test_scored_cue_says_it_came_from_expansion(expanded, composed_params):
    r = expanded.sentence("The sanctions are zorblax.", "sanctions")
    cue = next(c for c in r.cues if c["key"] == "zorblax")
    assert cue["source"] == "expansion" and cue["value"] > 0 and r.label == 1
    hand = next(c for c in expanded.sentence("The sanctions are effective.", "sanctions").cues)
    assert hand["source"] == "cue"
    # without expansion the word means nothing
    off = Scorer.from_params(composed_params)
    assert not off.sentence("The sanctions are zorblax.", "sanctions").cues


def test_disabled_changes_nothing(composed_params, corpus_file, tmp_path):
    off = Scorer.from_params(composed_params, corpus=corpus_file, cache_dir=tmp_path / "cache")
    assert off.expansion == [] and not (tmp_path / "cache").exists()
    legacy = copy.deepcopy(composed_params)
    del legacy["stance"]["expansion"]  # a params.yaml from before the key existed
    old = Scorer.from_params(legacy)
    assert old.cfg["expansion"]["enabled"] is False
    for name in off.themes:
        assert off.themes[name] == old.themes[name] and not off.themes[name].expanded
    for text in _sentences(8):
        for theme in off.themes:
            assert off.sentence(text, theme) == old.sentence(text, theme)


def test_reruns_are_byte_identical(composed_params, corpus_file, tmp_path):
    params = _enabled(composed_params)
    E._MEMO.clear()
    run(groups(params), workspace(tmp_path / "a", segments=corpus_file))
    E._MEMO.clear()  # the second run trains afresh (its own cache folder is empty too)
    run(groups(params), workspace(tmp_path / "b", segments=corpus_file))
    for rel in ("reports/tables/stance_expansion.csv", "data/processed/stance_sentences.jsonl",
                "reports/tables/stance_evidence.csv"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    cached = list((tmp_path / "a" / E.CACHE_DIR).glob("*.json"))
    assert len(cached) == 1
    # the evidence shows the expanded cue as such
    evidence = (tmp_path / "a" / "reports/tables/stance_evidence.csv").read_text(encoding="utf-8")
    assert "zorblax (+" in evidence and "expansion" in evidence


def test_table_lists_what_was_added(composed_params, corpus_file, tmp_path, expanded):
    E._MEMO.clear()
    run(groups(_enabled(composed_params)), workspace(tmp_path, segments=corpus_file))
    with open(tmp_path / "reports/tables/stance_expansion.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == E.HEADER
    assert [(r["theme"], r["pole"], r["term"]) for r in rows] == [(a.theme, a.pole, a.term) for a in expanded.expansion]
    zorblax = next(r for r in rows if r["term"] == "zorblax")
    assert zorblax["pole"] == "favour" and float(zorblax["score"]) > 0 and zorblax["frequency"] == "40"
    assert zorblax["nearest_seeds"].split(";")[0].split()[0] in {term_key(w) for w in FAVOUR}
    # off: the table is still written, with its header only
    run(groups(composed_params), workspace(tmp_path / "off", segments=corpus_file))
    assert (tmp_path / "off/reports/tables/stance_expansion.csv").read_text(encoding="utf-8").splitlines() == \
        [",".join(E.HEADER)]


def test_cache_and_struck_words(composed_params, corpus_file, tmp_path, expanded):
    params = _enabled(composed_params)
    E._MEMO.clear()
    first = Scorer.from_params(params, corpus=corpus_file, cache_dir=tmp_path).expansion
    E._MEMO.clear()
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    assert Scorer.from_params(params, corpus=corpus_file, cache_dir=tmp_path).expansion == first == expanded.expansion
    # A struck word is not added, and nothing unreviewed takes its place.
    params["stance"]["expansion"]["exclude"] = ["zorblax"]
    struck = Scorer.from_params(params, corpus=corpus_file, cache_dir=None).expansion
    assert [a.term for a in struck] == [a.term for a in first if a.term != "zorblax"]


def test_min_similarity_keeps_weak_words_out(composed_params, corpus_file, expanded):
    scores = {a.term: a.score for a in expanded.expansion}
    params = _enabled(composed_params)
    params["stance"]["expansion"]["min_similarity"] = (scores["zorblax"] + scores["grumbly"]) / 2
    kept = Scorer.from_params(params, corpus=corpus_file, cache_dir=None).expansion
    strong = max(scores, key=scores.get)
    assert [a.term for a in kept] == [strong]


def test_evaluate_uses_the_same_expansion(composed_params, corpus_file, tmp_path, monkeypatch, root):
    """`python -m pipeline.stance evaluate --params P` with stance.expansion.corpus set expands the same way."""
    gold = tmp_path / "gold.jsonl"
    write_jsonl(gold, [{"doc": "x:1", "text": "The sanctions are zorblax.", "theme": "sanctions", "relevant": True,
                        "stance": 1},
                       {"doc": "x:2", "text": "The sanctions are grumbly.", "theme": "sanctions", "relevant": True,
                        "stance": -1}])
    monkeypatch.chdir(tmp_path)  # the default cache folder is relative to the working directory
    E._MEMO.clear()
    on = run_evaluate(Scorer.from_params(_enabled(composed_params, corpus_file), root=root), gold, resamples=10)
    off = run_evaluate(Scorer.from_params(composed_params, root=root), gold, resamples=10)
    assert on["overall"]["stance_macro_f1"] > off["overall"]["stance_macro_f1"]
    assert list((tmp_path / E.CACHE_DIR).glob("*.json"))


def test_corpus_files(tmp_path):
    body = "The sanctions are zorblax. Then, the river was calm."
    with open(tmp_path / "c.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["headline", "body"], ["h", body]])
    write_jsonl(tmp_path / "c.jsonl", [{"id": "1", "text": body}])
    for name in ("c.csv", "c.jsonl"):
        got = [s.text for s in E.corpus_sentences(tmp_path / name)]
        assert got == ["The sanctions are zorblax.", "Then, the river was calm."], name
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="text columns"):
        list(E.corpus_sentences(tmp_path / "bad.csv"))


def test_missing_corpus_and_bad_settings(composed_params, tmp_path):
    with pytest.raises(UserError, match="preprocess"):
        Scorer.from_params(_enabled(composed_params), corpus=tmp_path / "none.jsonl", cache_dir=None)
    bad = _enabled(composed_params)
    bad["stance"]["expansion"]["weight"] = -1
    with pytest.raises(UserError, match="stance.expansion.weight"):
        Scorer.from_params(bad)
    bad = _enabled(composed_params)
    bad["stance"]["expansion"]["dims"] = 10
    with pytest.raises(UserError, match="dims is not a known key"):
        Scorer.from_params(bad)


def test_keyness_favours_words_near_the_target():
    stat, p = E.keyness(inside=30, frequency=32, n_inside=300, n_total=3000)
    assert stat > 0 and p < 1e-6
    stat, p = E.keyness(inside=1, frequency=100, n_inside=300, n_total=3000)
    assert stat < 0


def test_the_validated_group_has_the_defaults(composed_params):
    from pipeline.stance.rules import EXPANSION_DEFAULTS

    assert groups(composed_params)["stance"]["expansion"] == EXPANSION_DEFAULTS  # the conf sets `enabled` only
    json.dumps(EXPANSION_DEFAULTS)
