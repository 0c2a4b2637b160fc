"""``python -m pipeline.report [--params params.yaml] [--root .]``: the DVC stage entry."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import run_cli
from ..stages import load_checked
from . import run

PROJECT = Path(__file__).resolve().parent.parent.parent


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.report", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    ap.add_argument("--root", default=".", help="directory holding data/ and reports/ (default: %(default)s)")
    args = ap.parse_args(argv)
    run(load_checked(args.params), Path(args.params), Path(args.root), PROJECT)
    return 0


run_cli("report", main)
