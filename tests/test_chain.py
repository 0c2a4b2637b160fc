"""The sweep's chain (pipeline/chain.py) orders stages and links inputs as DVC does, folder dependencies included."""
from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.chain import external_inputs, load_stages, prepare_job_dir, writers

PROJECT = Path(__file__).resolve().parent.parent


def _params() -> dict:
    return yaml.safe_load((PROJECT / "params.yaml").read_text(encoding="utf-8"))


def test_a_folder_dependency_waits_for_every_stage_writing_into_it():
    stages = load_stages(PROJECT / "dvc.yaml", _params())
    order = [s.name for s in stages]
    # the report reads reports/tables, figures and metrics as folders
    assert writers("reports/tables", stages) == {"ingest", "preprocess", "tfidf", "topics", "stance", "stance_eval"}
    assert writers("data/topics/document_topics.csv", stages) == {"topics"}
    assert writers("lexicon/themes", stages) == set()
    assert order[-1] == "report"
    for st in stages:
        for dep in st.deps:
            assert all(order.index(w) < order.index(st.name) for w in writers(dep, stages) - {st.name}), (st.name, dep)


def test_only_inputs_no_stage_writes_are_linked_into_a_job(tmp_path):
    # Linking a folder the stages write into (reports/tables) would let a job overwrite the project's reports.
    stages = load_stages(PROJECT / "dvc.yaml", _params())
    inputs = external_inputs(stages)
    assert not [d for d in inputs if d.startswith(("reports", "data", "models"))]
    assert {"lexicon/themes", "lexicon/stance.yaml"} <= set(inputs)
    prepare_job_dir(tmp_path / "job", PROJECT, _params(), stages)
    links = [p for p in (tmp_path / "job").rglob("*") if p.is_symlink()]
    assert links and not [p for p in links if p.relative_to(tmp_path / "job").parts[0] in {"reports", "data"}]
