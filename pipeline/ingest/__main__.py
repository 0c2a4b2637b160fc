"""``python -m pipeline.ingest [--params params.yaml]``: the DVC stage entry."""
from __future__ import annotations

import argparse

from ..config import group
from ..errors import run_cli
from ..stages import load_checked
from . import SCHEMA, run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.ingest", description=__doc__)
    ap.add_argument("--params", default="params.yaml")
    ap.add_argument("--out", default="data/interim/corpus.jsonl")
    ap.add_argument("--table", default="reports/tables/corpus.csv")
    ap.add_argument("--duplicates", default="reports/tables/duplicates.csv")
    args = ap.parse_args(argv)
    cfg = group(load_checked(args.params), "corpus", SCHEMA, args.params)
    run(cfg, args.out, args.table, args.duplicates)
    return 0


run_cli("ingest", main)
