"""Write constraints.txt: the exact version of every package the project installs, as this environment has it.

    python .ci/constraints.py > constraints.txt

The closure of ``topic-stance-pipeline``'s requirements (with every extra
that is installed) is followed through the installed distributions, so the
file pins what ``pip install -e '.[test]'`` brings and nothing else in the
environment. ``tests/test_constraints.py`` keeps it in step with the ranges
of ``pyproject.toml``.
"""
from __future__ import annotations

import re
import sys
from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = "topic-stance-pipeline"


def closure(root: str = PROJECT) -> dict[str, str]:
    """Canonical name -> installed version of every distribution ``root`` needs, extras included."""
    found: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset(_extras(root)))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional extra that is not installed here
        key = canonicalize_name(dist.metadata["Name"])
        if key != canonicalize_name(root):
            found[key] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is not None and not any(
                    req.marker.evaluate(dict(default_environment(), extra=e)) for e in (extras or {""})):
                continue
            todo.append((req.name, frozenset(req.extras)))
    return found


def _extras(name: str) -> list[str]:
    dist = metadata.distribution(name)
    return [e for e in dist.metadata.get_all("Provides-Extra") or []]


def main() -> None:
    pins = closure()
    sys.stdout.write("# Exact versions the committed outputs were made with (python .ci/constraints.py).\n"
                     "# pip install -e '.[test]' -c constraints.txt\n")
    for name in sorted(pins):
        sys.stdout.write(f"{name}=={pins[name]}\n")


if __name__ == "__main__":
    main()
