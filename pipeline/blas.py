"""One OpenBLAS kernel for the topics stage, so its numbers do not depend on which x86-64 CPU runs it.

numpy and scipy ship OpenBLAS built for every x86-64 CPU (``DYNAMIC_ARCH``):
at load time it picks the kernels of the CPU it finds. The kernels of an
AVX-512 CPU (OpenBLAS's ``SkylakeX``) and of an AVX2 one (``Haswell``, also
what it picks on AMD Zen) round in different places, so an LDA model trained
on one differs from one trained on the other in the last bits of its float32
weights, and the topic shares inferred with it in the sixth decimal.
Measured on the seeds: ``OPENBLAS_CORETYPE`` = SkylakeX, Haswell, Zen,
Sandybridge, Prescott gave three different ``models/lda`` and
``data/topics/segment_topics.csv`` (2 to 8 of 2,224 shares differing by
1e-6), while 1 or 2 BLAS threads and 1 or 2 worker processes changed nothing.

The stage entry therefore runs with ``OPENBLAS_CORETYPE=Haswell`` wherever
the CPU can (every x86-64 CPU with AVX2 and FMA, i.e. since 2013): the
variable is read when the library loads, so :func:`ensure_pinned` starts the
entry again with it set. A CPU without AVX2, another architecture (ARM) or a
Dask worker elsewhere computes with its own kernels: then ``models/lda`` can
differ in its last bits, and the shares in ``data/topics`` (stored with four
decimals) very rarely in the fourth.
"""
from __future__ import annotations

import os
import platform
import sys

VARIABLE = "OPENBLAS_CORETYPE"
KERNEL = "Haswell"
_NEEDS = {"avx2", "fma"}


def cpu_flags() -> set[str]:
    """The CPU's feature flags as Linux reports them (empty elsewhere: nothing is assumed)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def kernel() -> str | None:
    """The kernel the topics stage pins on this machine, or None when it cannot pin one."""
    if platform.machine().lower() in {"x86_64", "amd64"} and _NEEDS <= cpu_flags():
        return KERNEL
    return None


def describe() -> str:
    """What the pin is on this machine, for the report's provenance."""
    k = kernel()
    if k is None:
        return (f"not pinned on this machine ({platform.machine()}, no AVX2/FMA found): models/lda and "
                "data/topics may differ from an x86-64 AVX2 machine's in their last digits")
    return f"{VARIABLE}={k} for the topics stage ({platform.machine()})"


def ensure_pinned(module: str, argv: list[str]) -> None:
    """Start ``python -m module argv`` again with the kernel pinned, unless it already is or cannot be.

    Parameters
    ----------
    module : str
        The entry module, e.g. ``pipeline.topics``.
    argv : list of str
        Its arguments.

    Notes
    -----
    A kernel the user chose (``OPENBLAS_CORETYPE`` already set) is kept: it
    is the way to run on a CPU whose kernel OpenBLAS mistakes.
    """
    want = kernel()
    if want is None or os.environ.get(VARIABLE):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", module, *argv], dict(os.environ, **{VARIABLE: want}))


if __name__ == "__main__":
    # `python -m pipeline.blas`: the kernel a stage entry would run with here (tests use it).
    ensure_pinned("pipeline.blas", sys.argv[1:])
    print(os.environ.get(VARIABLE, ""))
