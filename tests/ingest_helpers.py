"""Running the ingest stage on tiny inputs a test writes (shared by the ingest tests)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from pipeline import ingest
from pipeline.core.config import group
from pipeline.core.paths import Paths


def ingest_cfg(params: dict, path, **columns) -> dict:
    """The validated ``corpus`` group reading ``path``, with ``columns`` overriding ``corpus.columns``."""
    params["corpus"]["path"] = str(path)
    params["corpus"].setdefault("columns", {}).update(columns)
    return group(params, "corpus", ingest.SCHEMA)


def ingest_outputs(cfg: dict, tmp_path: Path) -> tuple[dict, list[dict], list[dict], Paths]:
    """Run ingest into ``tmp_path/out``: (counts, documents of corpus.jsonl, rows of corpus.csv, its paths)."""
    paths = Paths(tmp_path / "out")
    counts = ingest.run({"corpus": cfg}, paths)
    docs = [json.loads(line) for line in open(paths.corpus, encoding="utf-8")]
    rows = list(csv.DictReader(open(paths.corpus_table, encoding="utf-8")))
    return counts, docs, rows, paths
