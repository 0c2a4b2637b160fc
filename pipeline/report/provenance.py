"""Where a report came from: commit, dirty tree, parameters and lexicon hashes, corpus hash, versions, seeds.

The commit recorded is the last one that touched the pipeline's inputs
(code, configuration, parameters, seeds), and the date is that commit's date,
so re-running an unchanged pipeline on a fresh clone gives the same bytes.
"""
from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Mapping

import yaml

from .. import blas
from ..core.config.lexicons import theme_file
from ..core.io import file_sha256
from ..core.paths import FILES

#: What a machine other than an x86-64 one with AVX2 may compute differently (pipeline/blas.py).
MACHINE_DEPENDENT = (f"`{FILES['lda_dir']}` (the last bits of its float32 weights) and, very rarely, the fourth "
                     f"decimal of `{FILES['topics_dir']}`, on a CPU without AVX2 or of another architecture; "
                     "nothing in `reports/`")

#: Paths whose state decides the results (the lexicon files are inputs, not parameters).
INPUT_PATHS = ["pipeline", "conf", str(Path(FILES["themes_dir"]).parent), "params.yaml", "dvc.yaml", "constraints.txt",
               "seeds", FILES["coding_dir"]]
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


def changed_parameters(project: Path, commit: str | None, params: Mapping, params_dir: Path) -> list[str] | None:
    """The dotted keys whose values differ from ``params.yaml`` at ``commit``; None when it cannot be read.

    A sweep job (``python -m pipeline``) runs on its own ``params.yaml`` in its
    own folder, which no ``git status`` of the project sees. ``corpus.path`` is
    compared as the file it names (a job writes it absolute).
    """
    from ..core.config.params import changed_keys

    text = _git(project, "show", f"{commit}:./params.yaml") if commit else None
    if text is None:
        return None
    try:
        committed = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(committed, Mapping):
        return None

    def located(p: Mapping, root: Path) -> Mapping:
        corpus = p.get("corpus")
        if not isinstance(corpus, Mapping) or not isinstance(corpus.get("path"), str):
            return p
        path = Path(corpus["path"])
        return {**p, "corpus": {**corpus, "path": str((path if path.is_absolute() else root / path).resolve())}}

    return changed_keys(located(committed, project), located(params, params_dir))


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


def corpus_digest(path: Path) -> dict:
    """SHA-256 of the corpus input, so a corpus outside the repository is identified by content, not path.

    Parameters
    ----------
    path : Path
        ``corpus.path``: a file, or a folder whose files ingest lists.

    Returns
    -------
    dict
        ``sha256`` (hex; None when the path does not exist), ``files`` (how many were hashed)
        and ``kind`` (``"file"``, ``"folder"`` or ``"missing"``). A folder's digest is the
        SHA-256 of one line per file directly in it, hidden files excepted as ingest skips
        them, in name order: ``<name> <SHA-256 of its bytes>``. Renaming, adding, removing
        or editing a file changes it; the folder's location and file times do not.
    """
    if path.is_file():
        return {"sha256": file_sha256(path), "files": 1, "kind": "file"}
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith("."))
        listing = "".join(f"{f.name} {file_sha256(f)}\n" for f in files)
        return {"sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(), "files": len(files), "kind": "folder"}
    return {"sha256": None, "files": 0, "kind": "missing"}


def lexicon_files(themes: list[str]) -> list[str]:
    """The lexicon files a run with ``themes`` reads: the stance lexicon, then each selected theme's file."""
    return [FILES["stance_lexicon"], *(theme_file(t) for t in themes)]


def lexicon_digest(project: Path, themes: list[str]) -> str:
    """SHA-256 (first 16 hex digits) of the lexicon files the run read (:func:`lexicon_files`).

    The lexicons are not in ``params.yaml``, so its hash no longer identifies them. The
    digest is of one line per file, ``<path> <SHA-256 of its bytes>``, in that order.
    """
    lines = ""
    for rel in lexicon_files(themes):
        path = project / rel
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        lines += f"{rel} {digest}\n"
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:16]


def seeds(params: Mapping) -> dict[str, object]:
    """Every seed the results depend on, by parameter name (of the validated groups: defaults count)."""
    found: dict[str, object] = {}

    def walk(node, prefix):
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(v, f"{prefix}{k}.")
        elif any(s in prefix for s in ("seed", "random_state")):
            found[prefix.rstrip(".")] = node

    walk(params, "")
    return found


def provenance(project: Path, params_file: Path, groups: Mapping | None = None) -> dict:
    """Everything the provenance table shows: commit, hashes of the parameters, lexicons and corpus, versions, seeds.

    Parameters
    ----------
    project : Path
        The project root (the git work tree; a relative ``corpus.path`` and the lexicon files are read from here).
    params_file : Path
        ``params.yaml``, hashed; its ``corpus.path`` and ``themes`` are read as written there.
    groups : Mapping, optional
        The validated groups, whose seeds are listed (a seed left at its default is one too);
        None lists those written in ``params_file``.
    """
    from ..core.config import load_params

    params = load_params(params_file)
    state = git_state(project)
    changed = changed_parameters(project, state["commit"], params, Path(params_file).resolve().parent)
    if changed:
        state["dirty"] = True
    corpus_path = str((params.get("corpus") or {}).get("path") or "")
    located = Path(corpus_path) if Path(corpus_path).is_absolute() else project / corpus_path
    return {
        **state,
        "params_changed": changed or [],
        "params_sha256": params_hash(params_file),
        "lexicon_sha256": lexicon_digest(project, list(params.get("themes") or [])),
        "lexicon_files": lexicon_files(list(params.get("themes") or [])),
        "python": platform.python_version(),
        "corpus_path": corpus_path,
        "corpus": corpus_digest(located) if corpus_path else {"sha256": None, "files": 0, "kind": "missing"},
        "versions": versions(),
        "seeds": seeds(groups if groups is not None else params),
        "blas": blas.describe(),
        "machine_dependent": MACHINE_DEPENDENT,
    }
