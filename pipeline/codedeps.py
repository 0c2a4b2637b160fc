"""The code each stage of ``dvc.yaml`` runs, computed from the import graph.

DVC re-runs a stage only when one of its listed dependencies changes, so a
module a stage imports but ``dvc.yaml`` does not list is a change that never
reaches the stage's outputs. This module computes, for every stage whose
command is ``python -m pipeline.<module>``, the files of ``pipeline/`` that
command imports, directly or through other modules, and compares them with
the stage's ``deps``.

Every ``import`` statement counts, also one inside a function: a stage may
call that function, and a dependency listed once too often costs a re-run,
while one missing costs a wrong report. Package data (the report template)
counts as code of the package that holds it.

Command line::

    python -m pipeline.codedeps          # print each stage's code dependencies, as dvc.yaml lists them
    python -m pipeline.codedeps check    # exit 1 and name the stage and file where dvc.yaml differs
"""
from __future__ import annotations

import ast
import shlex
import sys
from pathlib import Path
from typing import Iterable, Mapping

import yaml

PACKAGE = "pipeline"
ROOT = Path(__file__).resolve().parent.parent


def module_file(name: str, root: Path = ROOT) -> Path | None:
    """The file of module ``name`` under ``root`` (a package's ``__init__.py``), or None if there is none."""
    base = root.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_modules(name: str, root: Path = ROOT) -> set[str]:
    """Every module of :data:`PACKAGE` that module ``name`` imports anywhere in its source.

    Parameters
    ----------
    name : str
        A dotted module name, e.g. ``pipeline.topics.stage``.
    root : Path
        The folder holding the ``pipeline`` package.

    Returns
    -------
    set of str
        Dotted names, with the parent packages each import executes.
    """
    path = module_file(name, root)
    if path is None:
        return set()
    package = _package_of(name, path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # `from pkg import mod` imports the submodule when there is one
            found.update(f"{target}.{a.name}" for a in node.names if module_file(f"{target}.{a.name}", root))
    out: set[str] = set()
    for mod in found:
        if mod != PACKAGE and not mod.startswith(PACKAGE + "."):
            continue
        parts = mod.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {m for m in out if module_file(m, root) is not None}


def entry_modules(module: str, root: Path = ROOT) -> list[str]:
    """What ``python -m module`` executes first: the packages above it, then the module or its ``__main__``."""
    parts = module.split(".")
    first = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return first + [f"{module}.__main__"] if module_file(f"{module}.__main__", root) else first


def closure(module: str, root: Path = ROOT) -> set[Path]:
    """The files of ``pipeline/`` that ``python -m module`` may import, relative to ``root``.

    Parameters
    ----------
    module : str
        The module a stage command runs, e.g. ``pipeline.report``.
    root : Path
        The folder holding the ``pipeline`` package.

    Returns
    -------
    set of Path
        Python files, and the data files of every package among them.
    """
    todo = [m for m in entry_modules(module, root) if module_file(m, root)]
    seen: set[str] = set()
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        todo.extend(imported_modules(mod, root) - seen)
    files = {module_file(m, root).relative_to(root) for m in seen}  # type: ignore[union-attr]
    for m in seen:
        path = module_file(m, root)
        if path is not None and path.name == "__init__.py" and m != PACKAGE:
            files.update(data_files(path.parent, root))
    return files


def data_files(package_dir: Path, root: Path = ROOT) -> set[Path]:
    """Files of a package folder that are not Python modules of their own (templates), relative to ``root``."""
    out = set()
    for p in package_dir.rglob("*"):
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts:
            # a subfolder that is a package of its own is counted when it is imported
            owner = next((d for d in p.parents if (d / "__init__.py").is_file()), None)
            if owner == package_dir:
                out.add(p.relative_to(root))
    return out


def as_listed(files: set[Path], root: Path = ROOT) -> list[str]:
    """``files`` as ``dvc.yaml`` lists them: a folder whose every file is among them stands for them all."""
    files = set(files)
    out = []
    folders = sorted({p.parent for p in files}, key=lambda d: (len(d.parts), d))
    for folder in folders:
        whole = listed_code([folder.as_posix()], root)
        if folder.as_posix() != PACKAGE and whole and whole <= files:
            out.append(folder.as_posix())
            files -= whole
    out += [p.as_posix() for p in files]
    return sorted(out)


def stage_module(cmd: str | list) -> str | None:
    """The module of a ``python -m pipeline.<module> ...`` command, or None for any other command."""
    words = shlex.split(cmd if isinstance(cmd, str) else " ".join(cmd))
    if len(words) >= 3 and words[0].startswith("python") and words[1] == "-m" and words[2].startswith(PACKAGE):
        return words[2]
    return None


def listed_code(deps: Iterable, root: Path = ROOT) -> set[Path]:
    """The ``pipeline/`` files a stage's ``deps`` name; a folder stands for every file in it."""
    out: set[Path] = set()
    for dep in deps:
        dep = next(iter(dep)) if isinstance(dep, Mapping) else str(dep)
        path = Path(dep)
        if path.parts[:1] != (PACKAGE,):
            continue
        full = root / path
        if full.is_dir():
            out.update(p.relative_to(root) for p in full.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
        else:
            out.add(path)
    return out


def differences(dvc_yaml: str | Path, root: Path = ROOT) -> list[str]:
    """One line per code file a stage of ``dvc_yaml`` imports but does not list, or lists but never imports.

    Parameters
    ----------
    dvc_yaml : path
        A ``dvc.yaml``.
    root : Path
        The folder holding the ``pipeline`` package the commands run.

    Returns
    -------
    list of str
        Empty when every stage lists exactly its code.
    """
    stages = yaml.safe_load(Path(dvc_yaml).read_text(encoding="utf-8"))["stages"]
    out = []
    for name, stage in stages.items():
        module = stage_module(stage["cmd"])
        if module is None:
            continue
        want, have = closure(module, root), listed_code(stage.get("deps") or [], root)
        out += [f"stage {name}: {p} is imported by `python -m {module}` but not in its deps" for p in sorted(want - have)]
        out += [f"stage {name}: {p} is in its deps but `python -m {module}` never imports it" for p in sorted(have - want)]
    return out


def main(argv: list[str]) -> int:
    """Print each stage's code dependencies, or (``check``) say where ``dvc.yaml`` differs from them.

    Parameters
    ----------
    argv : list of str
        Empty, or ``check``.

    Returns
    -------
    int
        1 when ``check`` finds a difference, else 0.
    """
    dvc_yaml = ROOT / "dvc.yaml"
    if argv[:1] == ["check"]:
        lines = differences(dvc_yaml)
        for line in lines:
            print(line, file=sys.stderr)
        return 1 if lines else 0
    stages = yaml.safe_load(dvc_yaml.read_text(encoding="utf-8"))["stages"]
    for name, stage in stages.items():
        module = stage_module(stage["cmd"])
        if module is not None:
            print(f"{name}:")
            for path in as_listed(closure(module)):
                print(f"      - {path}")
    return 0


if __name__ == "__main__":
    from .core.errors import run_cli

    run_cli("codedeps", main)
