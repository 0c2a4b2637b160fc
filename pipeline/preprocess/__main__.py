"""``python -m pipeline.preprocess [--params params.yaml]``: the DVC stage entry."""
from __future__ import annotations

import argparse

from .. import executor
from ..config import group
from ..errors import run_cli
from ..stages import load_checked
from . import SCHEMA, run


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.preprocess", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    ap.add_argument("--corpus", default="data/interim/corpus.jsonl",
                    help="the corpus ingest wrote (default: %(default)s)")
    ap.add_argument("--out", default="data/processed/segments.jsonl",
                    help="the segments written: sentences, tokens, lemmas (default: %(default)s)")
    ap.add_argument("--phrases", default="reports/tables/phrases.csv",
                    help="the collocations learned (default: %(default)s)")
    ap.add_argument("--metrics", default="reports/metrics/preprocess.json",
                    help="counts of segments, tokens and vocabulary (default: %(default)s)")
    args = ap.parse_args(argv)
    params = load_checked(args.params)
    cfg = group(params, "preprocess", SCHEMA, args.params)
    exe = executor.from_params(params, args.params)
    executor.check(exe)
    run(cfg, args.corpus, args.out, args.phrases, args.metrics, exe)
    return 0


run_cli("preprocess", main)
