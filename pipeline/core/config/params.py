"""Reading ``params.yaml`` and taking one validated group out of it."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

import yaml

from ..errors import UserError
from .fields import Section

PARAMS_FILE = "params.yaml"
CONF_DIR = "conf"


def load_params(path: str | os.PathLike = PARAMS_FILE) -> dict:
    """Read ``params.yaml``; a missing or malformed file is a :class:`UserError`."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: parameters file not found (run `python -m pipeline.config compose`)")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{p}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise UserError(f"{p}: expected a mapping of config groups, got {type(data).__name__}")
    return data


def group(params: Mapping, name: str, schema: Section, source: str = PARAMS_FILE) -> dict:
    """Validate and return one config group of ``params``.

    Errors are prefixed with ``source`` so the user knows which file to edit.
    """
    if name not in params:
        raise UserError(f"{source}: config group '{name}' is missing (known groups: {', '.join(params)})")
    try:
        return schema.check(name, params[name])
    except UserError as exc:
        raise UserError(f"{source}: {exc}") from None


def dump_params(params: Mapping) -> str:
    """``params`` as the YAML text of ``params.yaml`` (groups in their order, Unicode as written)."""
    return yaml.safe_dump(dict(params), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def leaves(params: Mapping, prefix: str = "") -> dict[str, object]:
    """``{"lda": {"passes": 20}}`` -> ``{"lda.passes": 20}``: every value not a mapping, by its dotted key."""
    out: dict[str, object] = {}
    for k, v in params.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        out.update(leaves(v, key) if isinstance(v, Mapping) else {key: v})
    return out


def changed_keys(before: Mapping, after: Mapping) -> list[str]:
    """The dotted keys whose values differ (or exist on one side only), sorted."""
    old, new = leaves(before), leaves(after)
    return sorted(k for k in old.keys() | new.keys() if old.get(k, "(absent)") != new.get(k, "(absent)"))
