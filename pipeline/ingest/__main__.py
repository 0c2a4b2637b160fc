"""``python -m pipeline.ingest [--params params.yaml]``: the DVC stage entry."""
from __future__ import annotations

import argparse

from ..config import group
from ..errors import run_cli
from ..stages import load_checked
from . import SCHEMA, run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.ingest", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    ap.add_argument("--out", default="data/interim/corpus.jsonl",
                    help="the corpus written, one document per line (default: %(default)s)")
    ap.add_argument("--table", default="reports/tables/corpus.csv",
                    help="one row per input file or row: status, date, counts, warnings (default: %(default)s)")
    ap.add_argument("--duplicates", default="reports/tables/duplicates.csv",
                    help="copied documents and paragraphs found (default: %(default)s)")
    args = ap.parse_args(argv)
    cfg = group(load_checked(args.params), "corpus", SCHEMA, args.params)
    run(cfg, args.out, args.table, args.duplicates)
    return 0


run_cli("ingest", main)
