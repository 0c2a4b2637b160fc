"""Running the whole stage chain of ``dvc.yaml`` in a directory of its own.

Hydra multirun jobs (``python -m pipeline -m ...``) must not touch the
workspace's ``data/`` and ``reports/``. A job directory gets its own
``params.yaml`` and links to the inputs no stage produces (``seeds/``, the gold
file), then each stage command of ``dvc.yaml`` runs there in dependency order.
``dvc.yaml`` stays the one description of the chain.
"""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

import yaml

from .core.errors import UserError

log = logging.getLogger("chain")


@dataclass
class Stage:
    name: str
    cmd: str
    deps: list[str]
    outs: list[str]
    metrics: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def _paths(entries: list | None) -> list[str]:
    out = []
    for e in entries or []:
        out.append(next(iter(e)) if isinstance(e, dict) else str(e))
    return out


def _interpolate(text: str, params: Mapping) -> str:
    """Resolve ``${a.b}`` from params, as DVC's templating does for dvc.yaml."""
    import re

    def value(m):
        node: Any = params
        for part in m.group(1).split("."):
            node = node[part]
        return str(node)

    return re.sub(r"\$\{([\w.]+)\}", value, text)


def load_stages(dvc_yaml: str | os.PathLike, params: Mapping) -> list[Stage]:
    """Stages of ``dvc.yaml`` in an order where every stage follows its inputs."""
    spec = yaml.safe_load(Path(dvc_yaml).read_text(encoding="utf-8"))["stages"]
    stages = []
    for name, s in spec.items():
        outs = _paths(s.get("outs")) + _paths(s.get("metrics")) + _paths(s.get("plots"))
        stages.append(
            Stage(
                name=name,
                cmd=s["cmd"],
                deps=[_interpolate(d, params) for d in _paths(s.get("deps"))],
                outs=outs,
                metrics=_paths(s.get("metrics")),
                groups=[p for p in s.get("params", []) if isinstance(p, str)],
            )
        )
    ordered: list[Stage] = []
    done: set[str] = set()
    pending = list(stages)
    while pending:
        for st in pending:
            needs = {w for d in st.deps for w in writers(d, stages)} - {st.name}
            if needs <= done:
                ordered.append(st)
                done.add(st.name)
                pending.remove(st)
                break
        else:  # pragma: no cover - dvc.yaml itself would be invalid
            raise UserError(f"{dvc_yaml}: stages form a cycle: {', '.join(s.name for s in pending)}")
    return ordered


def writers(dep: str, stages: list[Stage]) -> set[str]:
    """The stages whose outputs ``dep`` names: the same path, a file inside an output folder, or
    (as DVC reads a folder dependency, e.g. the report's ``reports/tables``) outputs inside the folder ``dep``."""
    dep_path = PurePosixPath(dep)
    return {st.name for st in stages for o in st.outs
            if dep_path == PurePosixPath(o) or dep_path.is_relative_to(o) or PurePosixPath(o).is_relative_to(dep_path)}


def external_inputs(stages: list[Stage]) -> list[str]:
    """Dependencies no stage produces, apart from the package's own code."""
    inputs = []
    for st in stages:
        for d in st.deps:
            if writers(d, stages) or d.startswith("pipeline") or d in inputs:
                continue
            inputs.append(d)
    return inputs


def prepare_job_dir(job_dir: Path, project: Path, params: dict, stages: list[Stage]) -> dict:
    """Write ``params.yaml`` and link the external inputs into ``job_dir``.

    ``corpus.path`` is made absolute so a relative path means the same file
    as in the project.
    """
    params = json.loads(json.dumps(params))  # a deep, plain copy
    corpus_path = Path(params["corpus"]["path"])
    if not corpus_path.is_absolute():
        params["corpus"]["path"] = str((project / corpus_path).resolve())
    job_dir.mkdir(parents=True, exist_ok=True)
    (job_dir / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True),
                                         encoding="utf-8")
    for dep in external_inputs(load_stages(project / "dvc.yaml", params)):
        src = Path(dep) if Path(dep).is_absolute() else project / dep
        if Path(dep).is_absolute() or not src.exists():
            continue
        link = job_dir / dep
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(src.resolve(), target_is_directory=src.is_dir())
    return params


def stage_argv(st: Stage) -> list[str]:
    """The stage's ``cmd`` as an argument list; ``python`` is this interpreter."""
    argv = st.cmd.split()
    if argv[0] == "python":
        argv[0] = sys.executable
    return argv


def stage_env(project: Path) -> dict[str, str]:
    """The environment of a stage: this checkout's code first on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(project) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def record_stage(job_dir: Path, st: Stage, returncode: int, stdout: str, stderr: str) -> str | None:
    """Write ``logs/<stage>.log``; return the stage's one-line error if it failed, else None."""
    (job_dir / "logs").mkdir(exist_ok=True)
    (job_dir / "logs" / f"{st.name}.log").write_text(stdout + stderr, encoding="utf-8")
    if returncode == 0:
        # As DVC does: a stage that exits 0 but leaves a declared output unwritten has failed.
        missing = [o for o in st.outs if not (job_dir / o).exists()]
        return f"{st.name}: declared output {missing[0]} was not written" if missing else None
    lines = [l for l in stderr.strip().splitlines() if l.strip()]
    return lines[-1] if lines else f"exit {returncode}"


_WARNING = re.compile(r"^\S+: WARNING (.*)$")


def warnings_of(stderr: str) -> list[str]:
    """The warning lines a stage logged (``<logger>: WARNING <message>``), messages only, in order."""
    return [m.group(1) for line in stderr.splitlines() if (m := _WARNING.match(line))]


def stage_metrics(job_dir: Path, st: Stage) -> dict[str, Any]:
    """The metrics files ``st`` wrote, by file stem."""
    out = {}
    for m in st.metrics:
        path = job_dir / m
        if path.is_file():
            out[Path(m).stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def run_chain(job_dir: Path, project: Path, params: dict, stop_after: str | None = None) -> dict:
    """Run every stage of ``dvc.yaml`` in ``job_dir``; return status and metrics.

    A stage that fails ends the chain; its one-line error is in the result.
    """
    stages = load_stages(project / "dvc.yaml", params)
    params = prepare_job_dir(job_dir, project, params, stages)
    env = stage_env(project)
    result: dict[str, Any] = {"status": "ok", "failed_stage": None, "error": None, "metrics": {}, "warnings": {}}
    for st in stages:
        log.info("%s: running %s", job_dir.name, st.name)
        proc = subprocess.run(stage_argv(st), cwd=job_dir, env=env, capture_output=True, text=True)
        error = record_stage(job_dir, st, proc.returncode, proc.stdout, proc.stderr)
        warned = warnings_of(proc.stderr)
        if warned:
            # A job's stage output goes to its log only: a skipped file must not go unseen.
            result["warnings"][st.name] = len(warned)
            log.warning("%s: %s: %d warning%s (first: %s); all in %s", job_dir.name, st.name, len(warned),
                        "s" if len(warned) > 1 else "", warned[0], Path(job_dir.name) / "logs" / f"{st.name}.log")
        if error is not None:
            result.update(status="failed", failed_stage=st.name, error=error)
            log.warning("%s: stage %s failed: %s", job_dir.name, st.name, result["error"])
            break
        result["metrics"].update(stage_metrics(job_dir, st))
        if stop_after == st.name:
            break
    return result


def flatten(metrics: Mapping, prefix: str = "") -> dict[str, Any]:
    """``{"topics": {"npmi": 0.1}}`` -> ``{"topics.npmi": 0.1}`` (numbers and strings only)."""
    flat: dict[str, Any] = {}
    for k, v in metrics.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            flat.update(flatten(v, key + "."))
        elif isinstance(v, (int, float, str, bool)) or v is None:
            flat[key] = v
    return flat
