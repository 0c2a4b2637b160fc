"""Stance scoring and its evaluation.

``python -m pipeline.stance [--params params.yaml]``
    the DVC stage: score data/processed/segments.jsonl, write tables, figures, metrics.
``python -m pipeline.stance evaluate GOLD.jsonl [--out TABLE.md] [--metrics FLAT.json] [--rows ROWS.csv]``
    score each row of GOLD as a sentence on its own; print one JSON report to stdout.
``python -m pipeline.stance validate [--params params.yaml]``
    the stance_eval stage: every gold file of ``stance.validation``, with its role.

The two stages read and write the files of the contract (:mod:`pipeline.core.paths`) under the current folder.
``python -m pipeline.stance sample --n 200 --out coding/sample.jsonl``
    draw a stratified sample of scored sentences for hand-coding (pipeline/stance/sample.py).
``python -m pipeline.stance agreement A.jsonl B.jsonl [--out DISAGREEMENTS.csv]``
    two coders' agreement: Cohen's kappa and Krippendorff's alpha (pipeline/stance/agreement.py).
``python -m pipeline.stance fit GOLD.jsonl --theme T --out lexicon/themes/T_mycorpus.yaml``
    re-weight a theme's cues and propose new ones, scored by grouped cross-validation (pipeline/stance/fit.py).
"""
from __future__ import annotations

import argparse
import sys

from .. import executor
from ..core.config import load_params
from ..core.errors import OneLineParser, run_cli
from ..core.io import dumps, write_csv, write_json, write_text
from ..core.paths import Paths
from ..core.stages import load_checked
from .evaluate import RESAMPLES, SEED, TABLE_HEADER, flat_metrics, table_rows
from .model import Scorer
from .stage import evaluation_markdown, run, run_evaluate


def main(argv: list[str]) -> int:
    """Run the stage, or the sub-command ``argv`` starts with; see the module docstring."""
    if argv and argv[0] == "sample":
        from .sample import main as sample_main

        return sample_main(argv[1:])
    if argv and argv[0] == "agreement":
        from .agreement import main as agreement_main

        return agreement_main(argv[1:])
    if argv and argv[0] == "fit":
        from .fit import main as fit_main

        return fit_main(argv[1:])
    if argv and argv[0] == "evaluate":
        ap = OneLineParser(prog="python -m pipeline.stance evaluate",
                           description="Evaluate the stance scorer on a labelled JSONL file.")
        ap.add_argument("gold", help="JSONL rows {text, theme, relevant, stance}, as coding/stance_dev.jsonl")
        ap.add_argument("--params", default="params.yaml", help="parameters to read (default: %(default)s)")
        ap.add_argument("--out", help="also write the figures as a Markdown table here (and a .csv beside it; "
                                      "default: none)")
        ap.add_argument("--metrics", help="also write flat metric names here, for dvc metrics (default: none)")
        ap.add_argument("--rows", help="also write one CSV line per gold row here: gold, prediction, the cues and "
                                       "rules that fired (default: none)")
        ap.add_argument("--resamples", type=int, default=RESAMPLES,
                        help=f"bootstrap resamples of the intervals (default {RESAMPLES})")
        ap.add_argument("--seed", type=int, default=SEED, help=f"bootstrap seed (default {SEED})")
        args = ap.parse_args(argv[1:])
        if args.resamples < 1:
            ap.error(f"--resamples {args.resamples}: must be at least 1")
        # Not a stage: only the groups the scorer reads are validated, as before.
        scorer = Scorer.from_params(load_params(args.params), args.params)
        report = run_evaluate(scorer, args.gold, args.rows, resamples=args.resamples, seed=args.seed)
        if args.out:
            write_text(args.out, evaluation_markdown(report, args.gold))
            write_csv(str(args.out).rsplit(".", 1)[0] + ".csv", TABLE_HEADER, table_rows(report))
        if args.metrics:
            write_json(args.metrics, flat_metrics(report))
        sys.stdout.write(dumps(report) + "\n")
        return 0
    if argv and argv[0] == "validate":
        from .validation import run as run_validation

        ap = OneLineParser(prog="python -m pipeline.stance validate",
                           description="Score every gold file of stance.validation (the stance_eval stage).")
        ap.add_argument("--params", default="params.yaml",
                        help="parameters to read (the composition of conf/; default: %(default)s)")
        args = ap.parse_args(argv[1:])
        run_validation(load_checked(args.params), Paths(), args.params)
        return 0
    ap = OneLineParser(prog="python -m pipeline.stance", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    args = ap.parse_args(argv)
    groups = load_checked(args.params)
    executor.check(groups["executor"])
    run(groups, Paths())
    return 0


run_cli("stance", main)
