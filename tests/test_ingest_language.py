"""Each document's language is recorded; documents in another language are kept but not scored."""
from __future__ import annotations

import csv
import json

import pytest

from pipeline import ingest, preprocess
from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.ingest.language import identify
from pipeline.core.paths import Paths

ENGLISH = [
    "Belarus and Russia discussed sanctions and security at the talks in Minsk on Monday.",
    "The finance ministers agreed on a common budget for roads, schools and hospitals next year.",
    "Some text about the harvest here.",
    "Statement 4 on trade, talks and the budget of year 1904.",
    "The President of the Republic of Belarus met the Governor of the Pskov region to discuss trade.",
]
RUSSIAN = [
    "Президент Беларуси провёл переговоры с Президентом России в Москве. Стороны обсудили санкции и безопасность.",
    "Министры финансов согласовали общий бюджет на дороги, школы и больницы на следующий год.",
]
FRENCH = ("Le président a déclaré que les sanctions économiques étaient injustifiées et que la France répondrait "
          "par des mesures propres dans le commerce et les transports.")


def cfg_for(params, path, **corpus):
    params["corpus"]["path"] = str(path)
    params["corpus"].setdefault("columns", {}).update(id="id", title=None, text="text", date=None)
    params["corpus"].update(corpus)
    return group(params, "corpus", ingest.SCHEMA)


def write(path, texts):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows(texts)


def run(cfg, tmp_path):
    out = tmp_path / "out"
    counts = ingest.run({"corpus": cfg}, Paths(out))
    docs = {d["id"]: d for d in map(json.loads, open(Paths(out).corpus, encoding="utf-8"))}
    table = {r["id"]: r for r in csv.DictReader(open(Paths(out).corpus_table, encoding="utf-8"))}
    return counts, docs, table, out


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_is_english(text):
    assert identify(text).code == "en"


@pytest.mark.parametrize("text, code", [(RUSSIAN[0], "ru"), (RUSSIAN[1], "ru"), (FRENCH, "fr")])
def test_other_languages_are_recognised(text, code):
    assert identify(text).code == code


def test_too_little_text_is_undetermined():
    assert identify("OK").code is None and identify("12 345").code is None


def test_other_languages_are_recorded_warned_and_not_scored(params, tmp_path, caplog):
    path = tmp_path / "mixed.csv"
    write(path, [("e1", ENGLISH[0]), ("r1", RUSSIAN[0]), ("e2", ENGLISH[1]), ("r2", RUSSIAN[1]), ("f1", FRENCH)])
    caplog.set_level("INFO")
    counts, docs, table, out = run(cfg_for(params, path), tmp_path)
    assert {i: d["language"] for i, d in docs.items()} == {"e1": "en", "r1": "ru", "e2": "en", "r2": "ru", "f1": "fr"}
    assert {i: d["not_scored"] for i, d in docs.items()} == {"e1": None, "r1": "language ru", "e2": None,
                                                            "r2": "language ru", "f1": "language fr"}
    assert {i: (r["language"], r["status"]) for i, r in table.items()} == {
        "e1": ("en", "kept"), "r1": ("ru", "not scored"), "e2": ("en", "kept"), "r2": ("ru", "not scored"),
        "f1": ("fr", "not scored")}
    assert "not scored: language ru" in table["r1"]["warnings"]
    assert "English is the only language" in table["r1"]["warnings"]
    assert counts["not_scored"] == 3
    assert any("3 documents will not be scored: language ru: 2, language fr: 1" in r.getMessage()
               for r in caplog.records)

    # The next stage leaves them out and says why; no Cyrillic word becomes a token.
    pre = group(params, "preprocess", preprocess.SCHEMA)
    metrics = preprocess.run({"preprocess": pre}, Paths(out))
    assert metrics["documents_without_tokens"] == 0 and "documents_not_scored" not in metrics  # corpus.csv has them
    segments = [json.loads(l) for l in open(Paths(out).segments, encoding="utf-8")]
    assert {s["doc_id"] for s in segments} == {"e1", "e2"}
    assert any("r1: not scored: language ru" in r.getMessage() for r in caplog.records)


def test_a_corpus_with_no_document_in_its_language_stops_with_one_line(params, tmp_path):
    path = tmp_path / "ru.csv"
    write(path, [("r1", RUSSIAN[0]), ("r2", RUSSIAN[1])])
    with pytest.raises(UserError, match=r"no document in corpus.language 'en' \(language ru: 2\); English is the only"):
        run(cfg_for(params, path), tmp_path)
    assert not Paths(tmp_path / "out").corpus.exists()


def test_corpus_language_allows_english_and_says_why(params, tmp_path):
    with pytest.raises(UserError) as err:
        cfg_for(params, tmp_path, language="ru")
    assert str(err.value) == ("params.yaml: corpus.language = 'ru' is not allowed: one of: en (English is the only "
                              "language whose lemmas, stop words and stance lexicon the pipeline has today)")
