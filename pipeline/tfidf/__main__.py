"""``python -m pipeline.tfidf [--params params.yaml]``: the DVC stage entry."""
from __future__ import annotations

import argparse

from ..config import group
from ..errors import run_cli
from ..stages import load_checked
from . import SCHEMA, run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.tfidf", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    ap.add_argument("--segments", default="data/processed/segments.jsonl",
                    help="the segments preprocess wrote (default: %(default)s)")
    ap.add_argument("--corpus", default="data/interim/corpus.jsonl",
                    help="the corpus, for titles and dates in figure labels (default: %(default)s)")
    ap.add_argument("--out", default="data/tfidf",
                    help="folder of the TF-IDF matrix and vocabulary (default: %(default)s)")
    ap.add_argument("--tables", default="reports/tables",
                    help="folder of the term, keyness and similarity tables (default: %(default)s)")
    ap.add_argument("--figures", default="reports/figures",
                    help="folder of the similarity heatmap (default: %(default)s)")
    args = ap.parse_args(argv)
    cfg = group(load_checked(args.params), "tfidf", SCHEMA, args.params)
    run(cfg, args.segments, args.out, args.tables, args.figures, args.corpus)
    return 0


run_cli("tfidf", main)
