"""Shared fixtures: the project root, composed parameters, and a seed run in a temp dir."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def pytest_configure(config):
    config.addinivalue_line("markers", "shared: needs ../shared/ beside the project")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared corpora and gold files are not available here")
    return SHARED


@pytest.fixture(scope="session")
def composed_params() -> dict:
    """The composition of conf/ (what params.yaml must equal)."""
    from pipeline.core.config import compose

    return compose(conf_dir=ROOT / "conf")


@pytest.fixture()
def params(composed_params) -> dict:
    """A fresh, mutable copy of the composed parameters for one test."""
    return copy.deepcopy(composed_params)


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory, composed_params) -> dict:
    """ingest + preprocess on seeds/ into a temporary directory, once per session.

    Returns the paths of every output, for tests of later stages to read.
    """
    from pipeline import executor, ingest, preprocess
    from pipeline.core.config import group
    from pipeline.core.paths import Paths

    out = tmp_path_factory.mktemp("seed_run")
    corpus_cfg = group(composed_params, "corpus", ingest.SCHEMA)
    corpus_cfg["path"] = str(ROOT / "seeds")
    contract = Paths(out)
    paths = {"dir": out, **{name: getattr(contract, name) for name in
                            ("corpus", "corpus_table", "duplicates", "segments", "sentence_tokens", "phrases",
                             "preprocess_metrics")}}
    ingest.run({"corpus": corpus_cfg}, contract)
    pre_cfg = group(composed_params, "preprocess", preprocess.SCHEMA)
    preprocess.run({"preprocess": pre_cfg, "executor": executor.from_params(composed_params)}, contract)
    return paths


@pytest.fixture()
def project_copy(tmp_path) -> Path:
    """A copy of the project's sources, configuration and seeds to run DVC or CLIs in."""
    dst = tmp_path / "project"
    top_level = {".git", ".venv", "data", "models", "multirun", "outputs", ".pytest_cache"}
    anywhere = {"__pycache__", "artifacts"}

    def ignore(directory, names):
        skip = {n for n in names if n in anywhere}
        if Path(directory) == ROOT:
            skip |= {n for n in names if n in top_level}
        if Path(directory) == ROOT / ".dvc":
            skip |= {n for n in names if n in {"tmp", "cache"}}
        return skip

    shutil.copytree(ROOT, dst, ignore=ignore)
    return dst
