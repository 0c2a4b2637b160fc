"""A workspace for one stage run in a test: the contract's paths under a folder, inputs copied in."""
from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.core.paths import Paths
from pipeline.core.stages import validate_params


def workspace(root: Path, **inputs: Path | None) -> Paths:
    """``Paths(root)`` with each given input (a contract name -> an existing file) copied to its place."""
    paths = Paths(root)
    for name, source in inputs.items():
        if source is not None:
            target = getattr(paths, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return paths


def groups(params: dict, lexicon: dict | None = None) -> dict:
    """The validated groups of a whole composition, as a stage entry hands them to ``run``.

    ``lexicon``: the lexicon files as read (:func:`lexicon`), perhaps edited; None reads the project's.
    """
    return validate_params(params, root=Path(__file__).resolve().parent.parent, lexicon=lexicon)


def lexicon(params: dict, root: Path | None = None) -> dict:
    """The lexicon files ``params`` selects, read from the project (or ``root``), for a test to edit.

    Pass the result to ``validate_params(..., lexicon=)`` or ``Scorer.from_params(..., lexicon=)``.
    """
    from pipeline.core.config import lexicons

    return lexicons.read(params, root or Path(__file__).resolve().parent.parent)


def script(path: Path):
    """A script that is not in the package (``benchmarks/*.py``, ``.ci/*.py``) imported as a module, to test its parts."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
