"""Sweeps: Hydra multirun outside DVC (summary, failures, launchers) and the DVC experiment queue."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time

import pytest

from pipeline.__main__ import config_overrides, expand_single


def run_app(cwd, *args):
    env = dict(os.environ, CI="true")
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          env=env)


def test_config_overrides_and_expansion():
    argv = ["-m", "lda.num_topics=4,8", "stance.window=0,1", "hydra/launcher=joblib", "hydra.sweep.dir=x",
            "--cfg", "job"]
    assert config_overrides(argv) == ["lda.num_topics=4,8", "stance.window=0,1"]
    assert config_overrides(["-cn=config", "lda.passes=2", "-cp", "conf"]) == ["lda.passes=2"]
    assert expand_single(["a=1,2", "b=x", "c=range(0,3)"]) == [
        ["a=1", "b=x", "c=0"], ["a=2", "b=x", "c=0"], ["a=1", "b=x", "c=1"], ["a=1", "b=x", "c=2"]]


def test_help_lists_stages_groups_and_swept_keys(project_copy):
    proc = run_app(project_copy, "--help")
    assert proc.returncode == 0, proc.stderr
    for word in ("ingest", "preprocess", "topics", "stance", "report", "corpus: default, kremlin",
                 "lda.num_topics", "hydra/launcher=joblib", "python -m pipeline.<stage>"):
        assert word in proc.stdout, word


@pytest.mark.parametrize(
    "override, needle",
    [("preprocess.nope=1,2", "preprocess.nope"), ("preprocess=chapter", "chapter"),
     ("preprocess.unit=paragraph,chapter", "preprocess.unit = 'chapter'")],
)
def test_bad_sweep_is_one_line_before_any_job(project_copy, override, needle):
    proc = run_app(project_copy, "-m", override, f"hydra.sweep.dir={project_copy}/multirun/x")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("pipeline: error:") and needle in proc.stderr
    assert not (project_copy / "multirun").exists()


def test_multirun_jobs_summary_and_a_failed_job(project_copy):
    sweep = project_copy / "multirun" / "test"
    (project_copy / "empty_corpus").mkdir()  # exists, so it passes the checks; ingest finds no document
    proc = run_app(project_copy, "-m", "corpus.path=seeds,empty_corpus", f"hydra.sweep.dir={sweep}")
    # The sweep completes, then exits non-zero and names the job that failed.
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "pipeline: 1 job(s) failed: job 1 (ingest)" in proc.stderr
    jobs = sorted(p for p in sweep.iterdir() if p.is_dir())
    assert [p.name for p in jobs] == ["0", "1"]
    assert (sweep / "0/reports/index.html").is_file()
    rows = list(csv.DictReader(open(sweep / "summary.csv", encoding="utf-8")))
    assert [(r["corpus.path"], r["status"]) for r in rows] == [("seeds", "ok"), ("empty_corpus", "failed")]
    # A job's stage warnings (the seeds' dates without a year) are counted where they are, and said on the terminal.
    log = (sweep / "0/logs/ingest.log").read_text(encoding="utf-8")
    n = log.count("ingest: WARNING ")
    assert n > 0 and rows[0]["warnings"] == f"{n} in 0/logs/ingest.log"
    assert f"0: ingest: {n} warnings (first: " in proc.stdout + proc.stderr and "1 with warnings" in (sweep / "summary.md").read_text()
    assert "no usable document" in rows[1]["error"]
    assert rows[0]["preprocess.segments"] not in ("", None)
    md = (sweep / "summary.md").read_text(encoding="utf-8")
    assert "2 jobs, 1 failed" in md
    # Headline figures, including the development gold file's (stance_eval.json: per role, stable names).
    for name in ("summary_topics_c_npmi.png", "summary_stance_eval_development_stance_macro_f1.png"):
        assert (sweep / name).is_file() and f"]({name})" in md, name
    assert not (project_copy / "data").exists(), "the workspace's data/ is untouched"
    job = json.loads((sweep / "0/job.json").read_text())
    assert job["overrides"] == ["corpus.path=seeds"] and job["status"] == "ok"


@pytest.mark.parametrize("value", ["/data/my corpus/speeches, 2022.csv", "no_such_corpus"])
def test_a_missing_path_in_a_sweep_is_one_line_before_any_job(project_copy, value):
    proc = run_app(project_copy, "-m", f"corpus.path={value}", f"hydra.sweep.dir={project_copy}/multirun/x")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("pipeline: error: corpus.path = ") and "no such file or folder" in proc.stderr
    if "," in value:
        # The comma split the value into a sweep; the message says how to keep it whole.
        assert "'/data/my corpus/speeches'" in proc.stderr and "made it a sweep" in proc.stderr
        assert "corpus.path='/data/my corpus/speeches, 2022.csv'" in proc.stderr
    assert not (project_copy / "multirun").exists()


def test_an_unparsable_override_says_how_to_quote(project_copy):
    proc = run_app(project_copy, "-m", "corpus.path=[a", f"hydra.sweep.dir={project_copy}/multirun/x")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "cannot parse overrides" in proc.stderr and "goes in quotes" in proc.stderr


@pytest.mark.parametrize("word, needle", [("--bogus", "unknown option '--bogus': the options are --cfg"),
                                           ("--num-topics=4", "unknown option '--num-topics=4'"),
                                           ("foo", "'foo' is not an override: write key=value"),
                                           ("--cfg=jobs", "--cfg 'jobs' is not allowed: one of job, hydra, all"),
                                           ("--package=", "option --package needs a value")])
def test_a_word_that_is_neither_option_nor_override_is_one_line(project_copy, word, needle):
    # Hydra's parser prints its usage block for these (and a lexer error for a bare word).
    proc = run_app(project_copy, "-m", word, f"hydra.sweep.dir={project_copy}/multirun/x")
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("pipeline: error: "), proc.stderr
    assert needle in proc.stderr and "usage:" not in proc.stderr
    assert not (project_copy / "multirun").exists()


def test_launchers_compose(root):
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(root / "conf"), version_base=None):
        slurm = compose("config", overrides=["hydra/launcher=submitit_slurm"], return_hydra_config=True)
        assert "SlurmLauncher" in slurm.hydra.launcher._target_
        preset = compose("config", overrides=["hydra/launcher=cluster"], return_hydra_config=True)
        assert "SlurmLauncher" in preset.hydra.launcher._target_ and preset.hydra.launcher.cpus_per_task == 2
        joblib = compose("config", overrides=["hydra/launcher=joblib"], return_hydra_config=True)
        assert "JoblibLauncher" in joblib.hydra.launcher._target_


def _dvc(cwd, *args, check=True):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", DVC_NO_ANALYTICS="1", CI="true")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    cmd = list(args) if args[0] == "git" else [sys.executable, "-m", "dvc", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@pytest.mark.slow
def test_dvc_queue_two_point_sweep(project_copy):
    """The README's queue recipe on a fresh repository: queue two points, run them, compare."""
    repo = project_copy
    _dvc(repo, "git", "init", "-q")
    _dvc(repo, "git", "add", "-A")
    _dvc(repo, "git", "commit", "-qm", "snapshot")
    # An optional key (left out of conf/, default 3) is swept with Hydra's + prefix, as the README says.
    _dvc(repo, "exp", "run", "--queue", "-S", "+preprocess.min_token_length=3,4")
    queued = _dvc(repo, "queue", "status").stdout
    assert queued.count("Queued") == 2, queued
    _dvc(repo, "queue", "start", "-j", "2")
    deadline = time.monotonic() + 1500  # a bound on waiting, not a performance assertion
    while time.monotonic() < deadline:
        status = _dvc(repo, "queue", "status").stdout
        if "Queued" not in status and "Running" not in status:
            break
        time.sleep(5)
    assert "Failed" not in status, status + _dvc(repo, "queue", "logs", "--help", check=False).stdout[:0]
    assert status.count("Success") == 2, status
    show = json.loads(_dvc(repo, "exp", "show", "--json").stdout)
    exps = [e for entry in show for e in (entry.get("experiments") or [])]
    params = set()
    for e in exps:
        data = e["revs"][0]["data"]
        params.add(data["params"]["params.yaml"]["data"]["preprocess"]["min_token_length"])
        assert data["metrics"]["reports/metrics/preprocess.json"]["data"]["segments"] > 0
    assert params == {3, 4}


def test_warnings_of_reads_the_stage_log_format():
    from pipeline.chain import warnings_of

    stderr = ("ingest: INFO reading seeds\ningest: WARNING a.txt: skipped: not a .txt file\n"
              "gensim.models.ldamodel: WARNING too few updates\nnot a WARNING line\n")
    assert warnings_of(stderr) == ["a.txt: skipped: not a .txt file", "too few updates"]


def test_a_sweep_over_integers_has_integer_ticks(tmp_path, monkeypatch):
    from pipeline import sweep

    figures = []
    monkeypatch.setattr(sweep, "save", lambda fig, out, *a, **k: figures.append(fig))
    jobs = [{"overrides": [f"lda.random_state={s}"], "metrics": {"topics": {"c_npmi": 0.1 * s}}} for s in (1, 2)]
    assert sweep.plot_metric(jobs, "topics.c_npmi", tmp_path / "x.png")
    ticks = figures[0].axes[0].get_xticks()
    assert len(ticks) and all(float(t).is_integer() for t in ticks), ticks
