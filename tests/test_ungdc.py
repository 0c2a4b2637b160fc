"""The scale corpus in CI: the whole chain on the first 1,000 UN General Debate speeches.

The full 9,252 speeches are measured by ``benchmarks/scale_ungdc.py``, not here.
"""
import csv
import json

import pytest

from pipeline.core.config import compose
from workspace import groups


@pytest.mark.slow
def test_ungdc_first_1000_speeches_through_every_stage(root, shared_dir, tmp_path):
    from pipeline.chain import run_chain

    params = compose(["corpus=ungdc", "corpus.limit=1000"], root / "conf")
    params["corpus"]["path"] = str(shared_dir / "corpora/ungdc_1970_2024.csv.gz")
    result = run_chain(tmp_path / "job", root, params)
    assert result["status"] == "ok", result
    job = tmp_path / "job"
    m = result["metrics"]
    assert m["preprocess"]["segments"] == 1000 and m["preprocess"]["documents_without_tokens"] == 0  # whole speeches
    assert m["topics"]["k"] == 20 and m["stance"]["relevant_sentences"] > 0
    with open(job / "reports/tables/stance_by_document.csv", encoding="utf-8") as fh:
        assert len({r["doc_id"] for r in csv.DictReader(fh)}) == 1000  # every speech scored
    with open(job / "data/topics/document_topics.csv", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.reader(fh)) == 1001  # trained on a sample, inferred for every speech
    with open(job / "reports/index_files/topics_by_group.csv", encoding="utf-8") as fh:
        years = {r["group"] for r in csv.DictReader(fh)}
    assert {"1970", "1975"} <= years                  # grouped by year, not per speech
    index = (job / "reports/index.md").read_text(encoding="utf-8")
    assert "Topic prevalence by year" in index and "Stance by year" in index
    evidence = (job / "reports/stance_evidence.md").read_text(encoding="utf-8")
    assert "The first 60 of 1000 documents" in evidence
    near = list(csv.DictReader(open(job / "reports/tables/doc_neighbours.csv", encoding="utf-8")))
    assert len(near) == 1000 * groups(params)["tfidf"]["neighbours"]  # an optional key: its default
    topics = json.loads((job / "reports/metrics/topics.json").read_text(encoding="utf-8"))
    assert -1 <= topics["c_npmi"] <= 1 and 0 < topics["diversity"] <= 1
