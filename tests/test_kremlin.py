"""The realistic second corpus: every Kremlin item ingests with its title and date."""
import csv
import json

from pipeline import ingest
from pipeline.core.config import compose, group
from pipeline.core.paths import Paths


def test_kremlin_corpus_ingests_all_items(root, shared_dir, tmp_path):
    cfg = group(compose(["corpus=kremlin"], root / "conf"), "corpus", ingest.SCHEMA)
    cfg["path"] = str(shared_dir / "corpora/kremlin_en_2021_2022.csv")
    out = tmp_path
    paths = Paths(out)
    counts = ingest.run({"corpus": cfg}, paths)
    # Two brigades were congratulated in identical words: the second message is the first's copy.
    assert counts["documents"] == 815 and counts["skipped"] == 0 and counts["dropped_documents"] == 1
    docs = [json.loads(l) for l in open(paths.corpus, encoding="utf-8")]
    assert len({d["id"] for d in docs}) == 815 and "68078" not in {d["id"] for d in docs}
    assert all(d["title"] for d in docs)
    dates = [d["date"] for d in docs]
    assert all(dates) and min(dates) == "2021-10-24" and max(dates) == "2022-06-24"
    assert all(d["meta"].keys() == {"location", "summary"} for d in docs)
    # "* * *" separates the parts of an item: they become paragraphs
    assert sum(len(d["paragraphs"]) > 1 for d in docs) >= 80
    assert not any("* * *" in p for d in docs for p in d["paragraphs"])
    rows = list(csv.DictReader(open(paths.corpus_table, encoding="utf-8")))
    assert len(rows) == 816 and [r["id"] for r in rows if r["status"] != "kept"] == ["68078"]
    dups = [r for r in csv.DictReader(open(paths.duplicates, encoding="utf-8")) if r["paragraph"] == ""]
    assert [(r["doc_id"], r["duplicate_of"], r["kind"], r["action"]) for r in dups] == [
        ("68078", "68079", "exact document", "dropped")]
