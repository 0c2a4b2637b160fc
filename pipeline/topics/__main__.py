"""``python -m pipeline.topics [--params params.yaml]``: the DVC stage entry.

Files are those of the contract (:mod:`pipeline.core.paths`) under the current folder.
The entry runs with one OpenBLAS kernel on every x86-64 CPU with AVX2
(:mod:`pipeline.blas`), so the model and topic shares are the same bytes there.
"""
from __future__ import annotations

import sys

from ..blas import ensure_pinned

# Before numpy does any work under another kernel: this starts the entry again with it pinned.
ensure_pinned("pipeline.topics", sys.argv[1:])

from .. import executor  # noqa: E402
from ..core.errors import OneLineParser, run_cli
from ..core.paths import Paths
from ..core.stages import load_checked
from . import run


def main(argv: list[str]) -> int:
    """Validate ``params.yaml``, check the executor, and run the stage; see the module docstring."""
    ap = OneLineParser(prog="python -m pipeline.topics", description=__doc__)
    ap.add_argument("--params", default="params.yaml",
                    help="parameters to read (the composition of conf/; default: %(default)s)")
    args = ap.parse_args(argv)
    groups = load_checked(args.params)
    executor.check(groups["executor"])  # inference comes after training: an unusable scheduler must fail first
    run(groups, Paths())
    return 0


run_cli("topics", main)
