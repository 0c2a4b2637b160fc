"""``python -m pipeline.topics [--params params.yaml]``: the DVC stage entry."""
from __future__ import annotations

import argparse

from .. import executor
from ..config import group
from ..errors import run_cli
from ..stages import load_checked
from . import SCHEMA, run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.topics", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    ap.add_argument("--segments", default="data/processed/segments.jsonl",
                    help="the segments preprocess wrote (default: %(default)s)")
    ap.add_argument("--corpus", default="data/interim/corpus.jsonl",
                    help="the corpus, for titles and dates (default: %(default)s)")
    ap.add_argument("--models", default="models/lda",
                    help="folder of the trained models (default: %(default)s)")
    ap.add_argument("--data", default="data/topics",
                    help="folder of segment and document topic shares (default: %(default)s)")
    ap.add_argument("--tables", default="reports/tables",
                    help="folder of the topic tables (default: %(default)s)")
    ap.add_argument("--figures", default="reports/figures",
                    help="folder of the topic figures (default: %(default)s)")
    ap.add_argument("--metrics", default="reports/metrics/topics.json",
                    help="k and the chosen model's scores (default: %(default)s)")
    args = ap.parse_args(argv)
    params = load_checked(args.params)
    cfg = group(params, "lda", SCHEMA, args.params)
    exe = executor.from_params(params, args.params)
    executor.check(exe)  # inference comes after training: an unusable scheduler must fail first
    run(cfg, args.segments, args.models, args.data, args.tables, args.figures, args.metrics, args.corpus, exe)
    return 0


run_cli("topics", main)
