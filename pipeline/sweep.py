"""Sweep summary for Hydra multirun: one row per job, one figure per headline metric.

Hydra calls :class:`SweepSummary` when a multirun ends (it is registered in
``conf/config.yaml`` under ``hydra.callbacks``). Every job wrote
``job.json`` (overrides, status, metrics) into its own directory; the
summary reads those, so it works the same for the basic, joblib and SLURM
launchers.
"""
from __future__ import annotations

import fnmatch
import json
import logging
import math
from pathlib import Path
from typing import Any

from .chain import flatten
from .figures import OKABE_ITO, pyplot, save
from .core.io import markdown_table, write_csv, write_text

log = logging.getLogger("sweep")

#: The failed jobs of the last multirun summarised in this process
#: (``python -m pipeline`` exits non-zero when there are any).
FAILED: list[dict] = []

#: Metrics plotted against the swept parameters, when present (shell-style
#: patterns: stance_eval has one block per gold file of stance.validation).
HEADLINE = [
    "topics.c_npmi",
    "topics.diversity",
    "topics.stability",
    # stance_eval.json: per role (development, held_out), the first gold file's headline
    "stance_eval.*.stance_macro_f1",
    "stance_eval.*.mean_theme_stance_macro_f1",
]


def read_jobs(sweep_dir: Path) -> list[dict]:
    """The ``job.json`` of every job directory, in job-number order."""
    jobs = []
    for path in sweep_dir.glob("*/job.json"):
        jobs.append(json.loads(path.read_text(encoding="utf-8")))
    return sorted(jobs, key=lambda j: j.get("num", 0))


def summary_rows(jobs: list[dict]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: job, status, each swept key, then every metric."""
    keys: list[str] = []
    metrics: list[str] = []
    flat = []
    for job in jobs:
        over = dict(o.split("=", 1) for o in job.get("overrides", []) if "=" in o)
        m = flatten(job.get("metrics", {}))
        flat.append((job, over, m))
        keys += [k for k in over if k not in keys]
        metrics += [k for k in m if k not in metrics]
    header = ["job", "status"] + keys + ["error", "warnings"] + metrics
    rows = []
    for job, over, m in flat:
        warned = job.get("warnings") or {}
        where = ", ".join(f"{n} in {job.get('dir', job.get('num'))}/logs/{stage}.log" for stage, n in warned.items())
        rows.append([job.get("num"), job.get("status")] + [over.get(k) for k in keys] + [job.get("error"), where]
                    + [m.get(k) for k in metrics])
    return header, rows


def plot_metric(jobs: list[dict], metric: str, out: Path) -> bool:
    """Metric against the swept parameters (one panel per swept key)."""
    points = []
    for job in jobs:
        value = flatten(job.get("metrics", {})).get(metric)
        if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
            over = dict(o.split("=", 1) for o in job.get("overrides", []) if "=" in o)
            points.append((over, float(value)))
    if not points:
        return False
    keys = sorted({k for over, _ in points for k in over}) or ["job"]
    fig, axes = pyplot("sweep").subplots(1, len(keys), figsize=(4 * len(keys), 3.2), squeeze=False)
    for ax, key in zip(axes[0], keys):
        xs = [over.get(key, "") for over, _ in points]
        try:
            xv = [float(x) for x in xs]
            categorical = False
        except ValueError:
            cats = sorted(set(xs))
            xv = [cats.index(x) for x in xs]
            categorical = True
        ax.scatter(xv, [v for _, v in points], color=OKABE_ITO[0])
        if categorical:
            ax.set_xticks(range(len(cats)), cats)
        elif all(float(x).is_integer() for x in xv):
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # seeds, k: no tick at 1.5
        ax.set_xlabel(key)
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{metric} across the sweep")
    save(fig, out, "sweep", tight_layout=True)
    return True


def write_summary(sweep_dir: Path) -> list[dict]:
    jobs = read_jobs(sweep_dir)
    header, rows = summary_rows(jobs)
    write_csv(sweep_dir / "summary.csv", header, rows)
    failed = sum(j.get("status") != "ok" for j in jobs)
    warned = sum(bool(j.get("warnings")) for j in jobs)
    text = (f"# Sweep summary\n\n{len(jobs)} jobs, {failed} failed"
            + (f"; {warned} with warnings (skipped input, thin data: see the column warnings and each job's "
               f"logs/)" if warned else "") + ".\n\n" + markdown_table(header, rows))
    figures = []
    present = [k for k in header if "." in k]
    for metric in (m for pattern in HEADLINE for m in fnmatch.filter(present, pattern)):
        name = f"summary_{metric.replace('.', '_')}.png"
        if plot_metric(jobs, metric, sweep_dir / name):
            figures.append(f"![{metric}]({name})")
    if figures:
        text += "\n" + "\n\n".join(figures) + "\n"
    write_text(sweep_dir / "summary.md", text)
    log.info("sweep summary: %s (%d jobs, %d failed)", sweep_dir / "summary.csv", len(jobs), failed)
    FAILED[:] = [j for j in jobs if j.get("status") != "ok"]
    return jobs


try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover - hydra is a dependency
    Callback = object  # type: ignore[misc,assignment]


class SweepSummary(Callback):  # type: ignore[misc]
    """Hydra callback: write the summary when a multirun ends."""

    def on_multirun_end(self, config, **kwargs: Any) -> None:
        write_summary(Path(config.hydra.sweep.dir))
