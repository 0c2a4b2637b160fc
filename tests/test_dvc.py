"""DVC end to end in a scratch git repository: repro, no-op repro, and an experiment."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def sh(cwd, *args, check=True):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", DVC_NO_ANALYTICS="1")
    # dvc.yaml says `python -m ...`: it must be this interpreter, venv or not.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@pytest.fixture()
def repo(project_copy):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    sh(project_copy, "git", "init", "-q")
    sh(project_copy, "git", "add", "-A")
    sh(project_copy, "git", "commit", "-qm", "snapshot")
    return project_copy


DVC = [sys.executable, "-m", "dvc"]


def test_repro_twice_then_experiment_reruns_preprocess_only(repo):
    first = sh(repo, *DVC, "repro", "preprocess")
    assert "Running stage 'ingest'" in first.stdout and "Running stage 'preprocess'" in first.stdout
    segments = (repo / "data/processed/segments.jsonl").read_bytes()

    second = sh(repo, *DVC, "repro", "preprocess")
    assert "Running stage" not in second.stdout

    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "ran", "--allow-empty")
    exp = sh(repo, *DVC, "exp", "run", "-S", "preprocess.unit=document", "preprocess")
    assert "Running stage 'preprocess'" in exp.stdout
    assert "Running stage 'ingest'" not in exp.stdout
    import yaml

    assert yaml.safe_load((repo / "params.yaml").read_text())["preprocess"]["unit"] == "document"
    after = (repo / "data/processed/segments.jsonl").read_bytes()
    assert after != segments and after.count(b"\n") == 5  # one segment per seed document


@pytest.mark.parametrize("override, expected", [
    ("lda.nope=1", "lda.nope = 1 is not allowed: 'lda' has no key 'nope' in conf/ (its keys there: alpha, "),
    # Hydra's own messages: the options over several lines with its search path; "Could not append".
    ("preprocess=sentence", "preprocess = sentence is not allowed: no such option of 'preprocess' (options: "
                            "default, documents, paragraphs, sentences)"),
    ("+lda.passes=5", "+lda.passes=5 is not allowed: '+' adds a key conf/ leaves out, and lda.passes is set there"),
    # DVC would end with its own "[Errno 2] No such file or directory".
    ("corpus.path=/no/such/speeches.csv", "corpus.path = '/no/such/speeches.csv': no such file or folder"),
])
def test_experiment_with_a_bad_override_is_one_line_before_any_stage(repo, override, expected):
    proc = sh(repo, *DVC, "exp", "run", "-S", override, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "Running stage" not in out and "Traceback" not in out
    assert expected in out and "Config search path" not in out
