"""``python -m pipeline.report [--params params.yaml]``: the DVC stage entry.

Files are those of the contract (:mod:`pipeline.core.paths`) under the current folder.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import OneLineParser, run_cli
from ..core.paths import Paths
from ..core.stages import load_checked
from . import run

PROJECT = Path(__file__).resolve().parent.parent.parent


def main(argv: list[str]) -> int:
    """Validate ``params.yaml`` and run the stage; see the module docstring."""
    ap = OneLineParser(prog="python -m pipeline.report", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    args = ap.parse_args(argv)
    run(load_checked(args.params), Paths(), Path(args.params), PROJECT)
    return 0


run_cli("report", main)
