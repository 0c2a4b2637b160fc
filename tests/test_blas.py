"""The topics stage's entry runs with one OpenBLAS kernel wherever the CPU has it (pipeline/blas.py)."""
from __future__ import annotations

import os
import subprocess
import sys

from pipeline import blas


def _kernel_seen(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != blas.VARIABLE}
    if env_value is not None:
        env[blas.VARIABLE] = env_value
    proc = subprocess.run([sys.executable, "-m", "pipeline.blas"], env=env, capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


def test_the_entry_is_started_again_with_the_kernel_pinned():
    assert _kernel_seen(None) == (blas.kernel() or "")


def test_a_kernel_the_user_set_is_kept():
    assert _kernel_seen("Prescott") == "Prescott"


def test_the_topics_entry_pins_before_it_runs():
    source = open(os.path.join(os.path.dirname(blas.__file__), "topics", "__main__.py"), encoding="utf-8").read()
    assert source.index("ensure_pinned(") < source.index("from .. import executor")


def test_the_provenance_says_what_the_pin_is():
    said = blas.describe()
    assert (blas.KERNEL in said) == (blas.kernel() is not None)
