"""``python -m pipeline.tfidf [--params params.yaml]``: the DVC stage entry.

Files are those of the contract (:mod:`pipeline.core.paths`) under the current folder.
"""
from __future__ import annotations


from ..core.errors import OneLineParser, run_cli
from ..core.paths import Paths
from ..core.stages import load_checked
from . import run


def main(argv: list[str]) -> int:
    """Validate ``params.yaml`` and run the stage; see the module docstring."""
    ap = OneLineParser(prog="python -m pipeline.tfidf", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    args = ap.parse_args(argv)
    groups = load_checked(args.params)
    run(groups, Paths())
    return 0


run_cli("tfidf", main)
