"""Where a report came from: commit, dirty tree, parameters hash, versions, seeds.

The commit recorded is the last one that touched the pipeline's inputs
(code, configuration, parameters, seeds), and the date is that commit's date,
so re-running an unchanged pipeline on a fresh clone gives the same bytes.
"""
from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Mapping

from .. import blas
from ..paths import FILES

#: What a machine other than an x86-64 one with AVX2 may compute differently (pipeline/blas.py).
MACHINE_DEPENDENT = (f"`{FILES['lda_dir']}` (the last bits of its float32 weights) and, very rarely, the fourth "
                     f"decimal of `{FILES['topics_dir']}`, on a CPU without AVX2 or of another architecture; "
                     "nothing in `reports/`")

#: Paths whose state decides the results.
INPUT_PATHS = ["pipeline", "conf", "params.yaml", "dvc.yaml", "constraints.txt", "seeds", FILES["gold_dir"]]
PACKAGES = ["topic-stance-pipeline", "dvc", "hydra-core", "gensim", "scikit-learn", "numpy", "scipy", "pandas",
            "matplotlib", "syntok", "simplemma", "dateparser", "py3langid", "vaderSentiment", "jinja2",
            "markdown"]


def _git(project: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def git_state(project: Path) -> dict:
    """Commit, its date and whether the inputs differ from it; ``None`` outside git."""
    paths = [p for p in INPUT_PATHS if (project / p).exists()]
    line = _git(project, "log", "-1", "--format=%H %cI", "--", *paths)
    if not line:
        return {"commit": None, "date": None, "dirty": None}
    commit, date = line.split(" ", 1)
    status = _git(project, "status", "--porcelain", "--untracked-files=no", "--", *paths)
    return {"commit": commit, "date": date, "dirty": bool(status)}


def versions(packages: list[str] = PACKAGES) -> dict[str, str]:
    out = {}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def params_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def seeds(params: Mapping) -> dict[str, object]:
    """Every seed the results depend on, by parameter name."""
    found: dict[str, object] = {}

    def walk(node, prefix):
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(v, f"{prefix}{k}.")
        elif any(s in prefix for s in ("seed", "random_state")):
            found[prefix.rstrip(".")] = node

    walk(params, "")
    return found


def provenance(project: Path, params_file: Path) -> dict:
    """The commit, the parameters file's hash, the package versions and every seed, for the report's footer.

    Parameters
    ----------
    project : Path
        The git checkout.
    params_file : Path
        ``params.yaml``; its seeds are read as written there.
    """
    from ..config import load_params

    params = load_params(params_file)
    state = git_state(project)
    return {
        **state,
        "params_sha256": params_hash(params_file),
        "versions": versions(),
        "seeds": seeds(params),
        "blas": blas.describe(),
        "machine_dependent": MACHINE_DEPENDENT,
    }
