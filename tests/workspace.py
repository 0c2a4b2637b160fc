"""A workspace for one stage run in a test: the contract's paths under a folder, inputs copied in."""
from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.paths import Paths
from pipeline.stages import validate_params


def workspace(root: Path, **inputs: Path | None) -> Paths:
    """``Paths(root)`` with each given input (a contract name -> an existing file) copied to its place."""
    paths = Paths(root)
    for name, source in inputs.items():
        if source is not None:
            target = getattr(paths, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return paths


def groups(params: dict) -> dict:
    """The validated groups of a whole composition, as a stage entry hands them to ``run``."""
    return validate_params(params)
