"""Which stage owns which config group, for validating a whole composition at once.

Each stage validates its own groups when it starts; the Hydra app and the
report check every group up front with the same schemas, so a sweep never
starts with a value some stage would reject halfway through.
"""
from __future__ import annotations

import importlib
from typing import Mapping

from .config import group

#: config group -> module whose ``SCHEMA`` (or ``validate_<group>``) checks it
OWNERS = {
    "corpus": "pipeline.ingest",
    "preprocess": "pipeline.preprocess",
    "report": "pipeline.report",
}


def validate_params(params: Mapping, source: str = "params.yaml") -> dict:
    """Validate every known group of ``params``; return the validated groups."""
    out = {}
    for name, module_name in OWNERS.items():
        module = importlib.import_module(module_name)
        checker = getattr(module, f"validate_{name}", None)
        if checker is not None:
            out[name] = checker(params, source)
        else:
            out[name] = group(params, name, module.SCHEMA, source)
    return out
