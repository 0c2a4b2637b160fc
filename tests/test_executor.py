"""The executor: ordered, bounded maps; its config group; and the stages on it giving the same bytes.

Local processes and a Dask ``LocalCluster`` must both reproduce what one
process writes: preprocessing, topic inference and stance scoring. The Dask
tests skip only when ``dask[distributed]`` is not installed.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from pipeline import executor as X
from pipeline import preprocess, stance
from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.segments import UnitTokens
from pipeline.topics import SCHEMA as LDA_SCHEMA
from pipeline.topics import corpus as B
from pipeline.topics import infer
from pipeline.topics.train import train

from workspace import groups, workspace

ONE = {"address": None, "n_jobs": 1, "partition_size": 16}
#: Two local processes and partitions of one document: every document crosses a process boundary.
TWO = {"address": None, "n_jobs": 2, "partition_size": 1}
#: Segments per inference partition in tests (the stage's 2000 would make the seeds one partition).
SMALL_BATCH = 16


def _plus(shared, part):
    return [x + shared for x in part]


def _slow_evens(shared, part):
    # Even partitions finish last, so arrival order differs from partition order.
    if part[0] % 2 == 0:
        time.sleep(0.05)
    return part[0] * shared


def _pid(shared, part):
    return os.getpid()


def _outputs(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ the map
def test_results_come_in_partition_order_whatever_finishes_first():
    parts = [[i] for i in range(10)]
    assert list(X.map_partitions(_slow_evens, parts, TWO, shared=3)) == [3 * i for i in range(10)]


def test_map_items_sends_partitions_and_flattens_in_order():
    cfg = dict(TWO, partition_size=3)
    assert list(X.map_items(_first_plus, range(11), cfg, shared=100)) == [i + 100 for i in range(11)]


def _first_plus(shared, item):
    return item + shared


def test_partitions_are_read_as_the_workers_need_them():
    pulled = []

    def parts():
        for i in range(1000):
            pulled.append(i)
            yield [i]

    results = X.map_partitions(_plus, parts(), TWO, shared=0)
    assert next(results) == [0]
    assert len(pulled) <= X.IN_FLIGHT_PER_WORKER * TWO["n_jobs"] + 1
    results.close()


def test_one_job_or_one_partition_runs_in_this_process():
    here = os.getpid()
    assert set(X.map_partitions(_pid, [[1], [2], [3]], ONE)) == {here}
    assert set(X.map_partitions(_pid, [[1, 2, 3]], TWO)) == {here}  # a pool would only cost start-up time
    assert here not in set(X.map_partitions(_pid, [[1], [2], [3], [4]], TWO))


def test_n_jobs_zero_means_every_core():
    assert X.local_jobs(0) >= 1 and X.local_jobs(3) == 3
    assert X.describe(None) == "this process" and X.describe(TWO) == "2 local processes"


def test_environment_names_the_code_and_the_versions_that_decide_results():
    env = X.environment()
    assert len(env["pipeline code"]) == 12 and env["Python"] == ".".join(map(str, sys.version_info[:2]))
    assert env["numpy"] and env["gensim"]


def test_chunked_is_lazy_and_keeps_the_remainder():
    assert list(X.chunked(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(X.chunked([], 3)) == []


# ------------------------------------------------------------------- config
def test_executor_group_is_composed_and_validated(composed_params):
    assert X.from_params(composed_params) == {"address": None, "n_jobs": 2, "partition_size": 16}
    assert "n_jobs" not in composed_params["preprocess"]  # one place for it: executor.n_jobs


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("address", 8786, "executor.address = 8786 is not allowed: null (local processes) or a Dask scheduler "
                          "address such as tcp://host:8786"),
        ("address", "tcp://my host:8786", "executor.address = 'tcp://my host:8786' is not allowed"),
        ("n_jobs", -1, "executor.n_jobs = -1 is not allowed: an integer >= 0"),
        ("n_jobs", "all", "executor.n_jobs = 'all' is not allowed: an integer >= 0"),
        ("partition_size", 0, "executor.partition_size = 0 is not allowed: an integer >= 1"),
        ("workers", 4, "executor.workers is not a known key (known keys of executor: address, n_jobs, "
                       "partition_size)"),
    ],
)
def test_bad_values_are_one_line_naming_the_key(params, key, value, message):
    from pipeline.core.stages import validate_params

    params["executor"][key] = value
    for check in (X.from_params, validate_params):
        with pytest.raises(UserError) as exc:
            check(params)
        assert str(exc.value).startswith("params.yaml: " + message) and "\n" not in str(exc.value)


def test_a_good_address_is_accepted(params):
    for address in ("tcp://10.0.0.5:8786", "tls://scheduler.example.org:8786", "127.0.0.1:8786"):
        params["executor"]["address"] = address
        assert X.from_params(params)["address"] == address


def _cli(project: Path, stage: str, **executor) -> subprocess.CompletedProcess:
    p = project / "params.yaml"
    params = yaml.safe_load(p.read_text(encoding="utf-8"))
    params["executor"].update(executor)
    p.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", f"pipeline.{stage}"], cwd=project, capture_output=True, text=True)


def test_cli_bad_value_is_one_line_and_exit_2(project_copy):
    out = _cli(project_copy, "preprocess", n_jobs=-2)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        "preprocess: error: params.yaml: executor.n_jobs = -2 is not allowed: an integer >= 0"]


def test_cli_unreachable_scheduler_is_one_line_and_exit_2(project_copy):
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = _cli(project_copy, "topics", address=f"tcp://127.0.0.1:{port}")
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(lines) == 1 and lines[0].startswith(f"topics: error: executor.address = 'tcp://127.0.0.1:{port}'")
    # Without Dask installed the line says to install it; with Dask, that nothing answered.
    assert "dask scheduler" in lines[0] or ".[dask]" in lines[0]


# ------------------------------------------------ stages: one process vs two
@pytest.fixture(scope="module")
def lda(seed_run, composed_params):
    """A small gensim model of the seeds and its dictionary."""
    cfg = group({"lda": dict(composed_params["lda"], passes=2, iterations=20)}, "lda", LDA_SCHEMA)
    tokens = UnitTokens(seed_run["segments"])
    dictionary, _ = B.build_dictionary(tokens, cfg)
    return train([dictionary.doc2bow(t) for t in tokens], dictionary, cfg, 4, 42), dictionary


def test_inference_in_partitions_equals_one_process(lda, seed_run):
    model, dictionary = lda
    bows = list(B.all_bows(UnitTokens(seed_run["segments"]), dictionary))
    assert len(bows) > 4 * SMALL_BATCH
    # What the topics stage computed in one process before inference was partitioned:
    assert np.array_equal(infer.doc_topics(model, dictionary, seed_run["segments"], TWO), model.doc_topics(bows))
    expected = model.doc_topics(bows, batch=SMALL_BATCH)
    for exe in (None, ONE, TWO):
        got = infer.doc_topics(model, dictionary, seed_run["segments"], exe, batch=SMALL_BATCH)
        assert got.tobytes() == expected.tobytes(), exe


def test_tomotopy_inference_survives_the_trip_to_a_worker(seed_run, composed_params):
    pytest.importorskip("tomotopy", reason="the optional tomotopy backend is not installed")
    cfg = group({"lda": dict(composed_params["lda"], backend="tomotopy", gibbs_iterations=50)}, "lda", LDA_SCHEMA)
    tokens = UnitTokens(seed_run["segments"])
    dictionary, _ = B.build_dictionary(tokens, cfg)
    model = train([dictionary.doc2bow(t) for t in tokens], dictionary, cfg, 4, 42)
    expected = model.doc_topics(B.all_bows(tokens, dictionary))
    got = infer.doc_topics(model, dictionary, seed_run["segments"], TWO, batch=SMALL_BATCH)
    assert got.tobytes() == expected.tobytes()


@pytest.fixture(scope="module")
def stance_one(seed_run, composed_params, tmp_path_factory):
    out = tmp_path_factory.mktemp("stance_one")
    stance.run(groups(dict(composed_params, executor=ONE)),
               workspace(out, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    return _outputs(out)


def test_stance_same_bytes_in_one_and_two_processes(stance_one, seed_run, composed_params, tmp_path):
    stance.run(groups(dict(composed_params, executor=TWO)),
               workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    got = _outputs(tmp_path)
    assert "data/processed/stance_sentences.jsonl" in got and len(got) >= 10
    assert got == stance_one


# ---------------------------------------------------------- the Dask path
@pytest.fixture(scope="module")
def dask_address():
    """A two-worker ``dask.distributed.LocalCluster`` (separate processes) for this module."""
    distributed = pytest.importorskip(
        "distributed", reason="dask[distributed] is not installed: pip install -e '.[dask]'")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _on(address: str) -> dict:
    return {"address": address, "n_jobs": 1, "partition_size": 1}


def test_dask_map_keeps_partition_order(dask_address):
    parts = [[i] for i in range(10)]
    assert list(X.map_partitions(_slow_evens, parts, _on(dask_address), shared=3)) == [3 * i for i in range(10)]


def test_dask_preprocess_equals_local(dask_address, seed_run, composed_params, tmp_path):
    cfg = group(composed_params, "preprocess", preprocess.SCHEMA)
    paths = workspace(tmp_path, corpus=seed_run["corpus"])
    preprocess.run({"preprocess": cfg, "executor": _on(dask_address)}, paths)
    assert paths.segments.read_bytes() == seed_run["segments"].read_bytes()
    assert paths.phrases.read_bytes() == seed_run["phrases"].read_bytes()
    assert paths.preprocess_metrics.read_bytes() == seed_run["preprocess_metrics"].read_bytes()


def test_dask_inference_equals_local(dask_address, lda, seed_run):
    model, dictionary = lda
    local = infer.doc_topics(model, dictionary, seed_run["segments"], TWO, batch=SMALL_BATCH)
    got = infer.doc_topics(model, dictionary, seed_run["segments"], _on(dask_address), batch=SMALL_BATCH)
    assert got.tobytes() == local.tobytes()


def test_dask_stance_equals_local(dask_address, stance_one, seed_run, composed_params, tmp_path):
    stance.run(groups(dict(composed_params, executor=_on(dask_address))),
               workspace(tmp_path, segments=seed_run["segments"], corpus=seed_run["corpus"]))
    assert _outputs(tmp_path) == stance_one


def test_dask_refuses_a_cluster_with_other_packages(dask_address, monkeypatch):
    # The workers (other processes) keep the real list; only this process now also counts pytest.
    monkeypatch.setattr(X, "_RESULT_PACKAGES", X._RESULT_PACKAGES + ("pytest",))
    with pytest.raises(UserError) as exc:
        X.check(_on(dask_address))
    assert "\n" not in str(exc.value)
    assert re.match(rf"executor.address = '{re.escape(dask_address)}': tcp://\S+ has pytest missing, "
                    r"this process \d", str(exc.value))
