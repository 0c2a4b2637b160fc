"""Whole-document copies: found, dropped or kept by corpus.dedup.policy, listed, and described as done."""
from __future__ import annotations

import csv
import json

import pytest

from pipeline import ingest
from pipeline.core.config import group
from pipeline.report import methods
from pipeline.report.stage import Inputs, corpus_section
from pipeline.core.paths import Paths

ITEM = ("MINSK, 4 March 2022. The European Union extended its sanctions against Belarus for another year, the "
        "foreign ministry said on Friday. The ministry called the measures illegal and said that they harm "
        "ordinary people in both countries, and that Minsk would answer them with steps of its own in trade and "
        "transit. Talks on the matter are expected next month in Brussels.")
# The same item a day later, with two words changed.
NEAR = (ITEM.replace("4 March", "5 March").replace("on Friday", "on Saturday")
        .replace("next month", "in April"))
OTHERS = [
    "The harvest in the Gomel region was the largest in a decade, according to the agriculture ministry, which "
    "credited new machinery, a wet spring and the work of farmers who stayed in the fields through the holidays.",
    "A new rail link between Brest and Warsaw will open in the autumn; the transport ministry expects it to carry "
    "two million passengers a year and to halve the time of the journey for travellers and freight alike.",
]


def cfg_for(params, path, policy="keep_first", threshold=0.9):
    params["corpus"]["path"] = str(path)
    params["corpus"].setdefault("columns", {}).update(id="id", title="title", text="text", date=None)
    params["corpus"].setdefault("dedup", {}).update(policy=policy, document_threshold=threshold)
    return group(params, "corpus", ingest.SCHEMA)


def write_items(tmp_path):
    rows = [("orig", "EU extends sanctions", ITEM)]
    rows += [(f"copy{i}", f"Sanctions extended ({i})", ITEM) for i in range(1, 7)]  # six copies, other ids
    rows += [("near", "EU sanctions extended again", NEAR), ("x", "Harvest", OTHERS[0]), ("y", "Rail", OTHERS[1])]
    path = tmp_path / "items.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text"])
        w.writerows(rows)
    return path


def run(cfg, root):
    paths = Paths(root)
    counts = ingest.run({"corpus": cfg}, paths)
    docs = [json.loads(l) for l in open(paths.corpus, encoding="utf-8")]
    table = {r["id"]: r for r in csv.DictReader(open(paths.corpus_table, encoding="utf-8"))}
    dups = list(csv.DictReader(open(paths.duplicates, encoding="utf-8")))
    return counts, docs, table, dups


def test_copies_are_dropped_and_listed(params, tmp_path):
    counts, docs, table, dups = run(cfg_for(params, write_items(tmp_path)), tmp_path)
    assert [d["id"] for d in docs] == ["orig", "x", "y"]
    whole = [(d["doc_id"], d["duplicate_of"], d["kind"], d["action"]) for d in dups if d["paragraph"] == ""]
    assert whole == [(f"copy{i}", "orig", "exact document", "dropped") for i in range(1, 7)] + [
        ("near", "orig", "near document", "dropped")]
    assert float([d for d in dups if d["doc_id"] == "near"][0]["similarity"]) >= 0.9
    assert all(table[f"copy{i}"]["status"] == "duplicate" for i in range(1, 7))
    assert "exact copy of document 'orig'; dropped" in table["copy3"]["warnings"]
    assert "near copy" in table["near"]["warnings"]
    assert counts["dropped_documents"] == 7 and counts["documents"] == 3
    # Nothing of the copies is left to count twice as evidence.
    assert sum(" ".join(d["paragraphs"]).count("sanctions against Belarus") for d in docs) == 1


def test_keep_all_keeps_and_lists_them(params, tmp_path):
    counts, docs, table, dups = run(cfg_for(params, write_items(tmp_path), policy="keep_all"), tmp_path)
    assert len(docs) == 10 and counts["dropped_documents"] == 0
    whole = [d for d in dups if d["paragraph"] == ""]
    assert len(whole) == 7 and {d["action"] for d in whole} == {"kept"}
    assert "kept (corpus.dedup.policy: keep_all)" in table["copy1"]["warnings"]


def test_threshold_one_means_exact_copies_only(params, tmp_path):
    _, docs, _, dups = run(cfg_for(params, write_items(tmp_path), threshold=1.0), tmp_path)
    assert [d["id"] for d in docs] == ["orig", "near", "x", "y"]
    assert {d["kind"] for d in dups if d["paragraph"] == ""} == {"exact document"}


def test_pages_that_differ_only_in_their_dateline_are_copies(params, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, line in (("a", "Posted: 04.03.2022 10:00:00"), ("b", "Posted: 05.03.2022 08:30:00")):
        (folder / f"{name}.txt").write_text(f"{line}\nEU extends sanctions\n{ITEM}\n", encoding="utf-8")
    params["corpus"]["path"] = str(folder)
    _, docs, table, dups = run(group(params, "corpus", ingest.SCHEMA), tmp_path)
    assert [d["id"] for d in docs] == ["a"] and table["b"]["status"] == "duplicate"


@pytest.mark.parametrize("policy", ["keep_first", "keep_all"])
def test_methods_text_says_what_ingest_did(params, tmp_path, policy):
    cfg = cfg_for(params, write_items(tmp_path), policy=policy)
    _, _, _, dups = run(cfg, tmp_path)
    section = corpus_section(Inputs(Paths(tmp_path)), {"max_rows": 20})
    text = methods.corpus(cfg, section)
    whole = [d for d in dups if d["paragraph"] == ""]
    exact = sum(d["kind"] == "exact document" for d in whole)
    dropped = sum(d["action"] == "dropped" for d in whole)
    assert f"{len(whole)} documents copied an earlier one ({exact} exact, {len(whole) - exact} near)" in text
    assert f"{dropped} were dropped" in text
    assert (dropped == 7) == (policy == "keep_first")
    assert ("was dropped." in text) == (policy == "keep_first") and ("listed but kept" in text) == (policy == "keep_all")
    paragraphs = [d for d in dups if d["paragraph"] != ""]
    assert f"{len(paragraphs)} paragraph" in text
