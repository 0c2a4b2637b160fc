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
    ap.add_argument("--params", default="params.yaml")
    ap.add_argument("--segments", default="data/processed/segments.jsonl")
    ap.add_argument("--corpus", default="data/interim/corpus.jsonl")
    ap.add_argument("--models", default="models/lda")
    ap.add_argument("--data", default="data/topics")
    ap.add_argument("--tables", default="reports/tables")
    ap.add_argument("--figures", default="reports/figures")
    ap.add_argument("--metrics", default="reports/metrics/topics.json")
    args = ap.parse_args(argv)
    params = load_checked(args.params)
    cfg = group(params, "lda", SCHEMA, args.params)
    exe = executor.from_params(params, args.params)
    executor.check(exe)  # inference comes after training: an unusable scheduler must fail first
    run(cfg, args.segments, args.models, args.data, args.tables, args.figures, args.metrics, args.corpus, exe)
    return 0


run_cli("topics", main)
