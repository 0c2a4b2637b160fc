"""Benchmark: wall time and peak memory of every stage on the UN General Debate corpus.

For each size (``corpus.limit``; ``all`` = the whole corpus) the chain of
``dvc.yaml`` runs in a scratch job folder of its own, exactly as
``python -m pipeline`` runs a sweep job (``pipeline.chain``: the same
``params.yaml``, links and stage commands), one stage per subprocess, in
dependency order. Per stage it measures:

- ``seconds``: wall time of the stage's process, interpreter start-up and
  imports included (what ``dvc repro`` spends on it);
- ``peak_rss_mb``: the largest sum of the resident set sizes of the stage's
  process and all its descendants (executor workers), sampled every
  ``--interval`` seconds with psutil. Pages shared by forked workers are
  counted once per process, so this errs on the high side; a spike shorter
  than the interval can be missed;
- ``cpu_seconds``: user + system CPU of the stage's process and every
  descendant it waited for (``getrusage(RUSAGE_CHILDREN)`` before and after).

Sizes are measured against ``words``: the words of the raw ``text`` column of
the rows ingest read (``pipeline.core.text.word_count``, the same count as the
``tokens`` column of ``reports/tables/corpus.csv``, but before boilerplate and
duplicate-paragraph removal). Each run also records the words ingest kept
(``ingested_words``) and the tokens after preprocessing (``tokens``: stop words
removed, phrases joined, from ``reports/metrics/preprocess.json``).

``corpus.limit`` keeps the first N documents in file order, and the file is
sorted by year then country: 1,000 speeches are 1970-1978, 3,000 are 1970-1991.

Results are merged by size into ``--out`` (JSON), so separate runs add up;
then a Markdown table (for ``benchmarks/README.md``), the fitted exponent b of
``seconds = a * words ** b`` per stage and for the total (least squares on
log-log over the sizes measured), the issue's targets, and a log-log figure
are printed / written. ``--from-json`` rebuilds all that without running.

Usage::

    python benchmarks/scale_ungdc.py [--sizes 1000,3000,all] [--work /tmp/bench_ungdc]
        [--override executor.n_jobs=2 ...] [--out benchmarks/results/scale_ungdc.json] [--keep]
    python benchmarks/scale_ungdc.py --from-json benchmarks/results/scale_ungdc.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT.parent / "shared" / "corpora" / "ungdc_1970_2024.csv.gz"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "scale_ungdc.json"
#: issue 15: the whole chain, any stage's process tree, each stage's time exponent, and two stages' own times
TARGETS = {"total_seconds": 10 * 60, "peak_rss_mb": 3 * 1024, "exponent": 1.05,
           "stage_seconds": {"stance": 2 * 60, "preprocess": 3 * 60}}
#: What a job folder keeps after measuring unless --keep: the report, the logs and the parameters.
KEEP = ("reports", "logs", "params.yaml")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- pure parts
def parse_size(text: str) -> int | None:
    """``"1000"`` -> 1000, ``"all"`` -> None (no limit)."""
    text = text.strip().lower()
    if text == "all":
        return None
    n = int(text.replace("_", "").replace(",", ""))
    if n < 1:
        raise ValueError(f"size {text!r}: must be at least 1 or 'all'")
    return n


def size_label(limit: int | None) -> str:
    return "all" if limit is None else str(limit)


def fit_exponent(words: Sequence[float], seconds: Sequence[float]) -> float | None:
    """b of ``seconds = a * words ** b``, least squares on logs; None without two distinct sizes."""
    pts = [(math.log(w), math.log(s)) for w, s in zip(words, seconds) if w and s and w > 0 and s > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    sxy = sum((x - mx) * (y - my) for x, y in pts)
    return sxy / sxx


def ordered_runs(results: Mapping) -> list[dict]:
    """Runs sorted by words (then by limit, ``all`` last)."""
    runs = list(results.get("runs", {}).values())
    return sorted(runs, key=lambda r: (r.get("words") or 0, math.inf if r.get("limit") is None else r["limit"]))


def stage_names(runs: Iterable[Mapping]) -> list[str]:
    names: list[str] = []
    for r in runs:
        for s in r.get("stage_order") or r.get("stages", {}):
            if s not in names:
                names.append(s)
    return names


def exponents(results: Mapping) -> dict[str, float | None]:
    """Fitted exponent per stage (every run where the stage finished) and for the total (finished runs)."""
    runs = ordered_runs(results)
    out: dict[str, float | None] = {}
    for name in stage_names(runs):
        pts = [(r["words"], r["stages"][name]["seconds"]) for r in runs
               if r.get("words") and name in r.get("stages", {}) and r["stages"][name].get("ok", True)]
        out[name] = fit_exponent([p[0] for p in pts], [p[1] for p in pts])
    done = [r for r in runs if r.get("status") == "ok" and r.get("words")]
    out["total"] = fit_exponent([r["words"] for r in done], [r["total_seconds"] for r in done])
    return out


def _num(x: float | int | None, fmt: str = "{:,.0f}") -> str:
    return "" if x is None else fmt.format(x)


def _secs(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def markdown_table(results: Mapping) -> str:
    """Seconds per stage and total, and the peak memory (with its stage), one row per size; then b."""
    runs = ordered_runs(results)
    names = stage_names(runs)
    head = ["size", "documents", "words"] + names + ["total (s)", "peak memory (MB)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in runs:
        cells = [r["size"], _num(r.get("documents")), _num(r.get("words"))]
        for n in names:
            st = r.get("stages", {}).get(n)
            if st is None:
                cells.append("")
            elif not st.get("ok", True):
                cells.append(f"failed ({_secs(st['seconds'])})")
            else:
                cells.append(_secs(st["seconds"]))
        total = _secs(r.get("total_seconds"))
        cells.append(total if r.get("status") == "ok" else f"failed in {r.get('failed_stage')}")
        peak = r.get("peak_rss_mb")
        cells.append("" if peak is None else f"{peak:,.0f} ({r.get('peak_stage')})")
        lines.append("| " + " | ".join(cells) + " |")
    b = exponents(results)
    if any(v is not None for v in b.values()):
        cells = ["fitted exponent b", "", ""] + [_num(b.get(n), "{:.2f}") for n in names] + [_num(b["total"], "{:.2f}"), ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_table(results: Mapping) -> str:
    """Peak resident memory (MB) and CPU seconds per stage, one row per size."""
    runs = ordered_runs(results)
    names = stage_names(runs)
    head = ["size"] + [f"{n} MB / CPU s" for n in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in runs:
        cells = [r["size"]]
        for n in names:
            st = r.get("stages", {}).get(n)
            cells.append("" if st is None else f"{_num(st.get('peak_rss_mb'))} / {_secs(st.get('cpu_seconds'))}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_lines(results: Mapping) -> list[str]:
    """The issue's targets, checked where the numbers exist."""
    runs = ordered_runs(results)
    out = []
    full = next((r for r in runs if r.get("limit") is None), None)
    if full is None:
        out.append("full corpus: not measured yet (size 'all')")
    elif full.get("status") != "ok":
        out.append(f"full corpus: failed in stage {full.get('failed_stage')}: {full.get('error')}")
    else:
        t = full["total_seconds"]
        slow = max(full["stages"].items(), key=lambda kv: kv[1]["seconds"])
        out.append(f"full run: {t / 60:.1f} min (target < {TARGETS['total_seconds'] / 60:.0f}): "
                   f"{'met' if t < TARGETS['total_seconds'] else 'MISSED'}; slowest stage {slow[0]} "
                   f"({slow[1]['seconds'] / 60:.1f} min)")
    peaks = [r for r in runs if r.get("peak_rss_mb") is not None]
    if peaks:
        top = max(peaks, key=lambda r: r["peak_rss_mb"])
        out.append(f"peak memory: {top['peak_rss_mb']:,.0f} MB at size {top['size']} in {top['peak_stage']} "
                   f"(target < {TARGETS['peak_rss_mb']:,} MB): "
                   f"{'met' if top['peak_rss_mb'] < TARGETS['peak_rss_mb'] else 'MISSED'}")
    b = exponents(results)
    if b.get("total") is not None:
        over = [n for n, v in b.items() if n != "total" and v is not None and v > TARGETS["exponent"]]
        out.append(f"exponent of every stage <= {TARGETS['exponent']}: "
                   + (f"MISSED: {', '.join(f'{n} {b[n]:.2f}' for n in over)}" if over else "met")
                   + f" (total {b['total']:.2f})")
    else:
        out.append("exponent: needs at least two finished sizes")
    if full is not None and full.get("status") == "ok":
        for stage, limit in TARGETS["stage_seconds"].items():
            if stage in full["stages"]:
                t = full["stages"][stage]["seconds"]
                out.append(f"{stage} on the full corpus: {t:.0f} s (target <= {limit} s): "
                           f"{'met' if t <= limit else 'MISSED'}")
    return out


def merge(existing: Mapping | None, new_runs: Mapping[str, dict]) -> dict:
    """Add or replace runs by size label."""
    out = {"benchmark": "scale_ungdc", "runs": {}}
    if existing:
        out.update({k: v for k, v in existing.items() if k != "runs"})
        out["runs"].update(existing.get("runs", {}))
    out["runs"].update(new_runs)
    return out


def draw(results: Mapping, path: Path) -> Path | None:
    """Log-log figure: seconds per stage and the total against words, with a slope-1 reference."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = [r for r in ordered_runs(results) if r.get("words")]
    if not runs:
        return None
    b = exponents(results)
    plt.rcParams.update({"svg.hashsalt": "scale_ungdc", "font.size": 9})
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=120)
    cmap = plt.get_cmap("tab10")
    for i, name in enumerate(stage_names(runs)):
        pts = [(r["words"], r["stages"][name]["seconds"]) for r in runs
               if name in r.get("stages", {}) and r["stages"][name].get("ok", True)]
        if not pts:
            continue
        label = name + ("" if b.get(name) is None else f" (b = {b[name]:.2f})")
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=4, lw=1.2, color=cmap(i), label=label)
    done = [r for r in runs if r.get("status") == "ok"]
    if done:
        w = [r["words"] for r in done]
        t = [r["total_seconds"] for r in done]
        label = "total" + ("" if b.get("total") is None else f" (b = {b['total']:.2f})")
        ax.plot(w, t, marker="s", ms=5, lw=2.4, color="black", label=label)
        lo, hi = min(w), max(w)
        if hi > lo:
            ax.plot([lo, hi], [t[0], t[0] * hi / lo], ls="--", lw=1, color="grey", label="slope 1 (linear)")
    ax.axhline(TARGETS["total_seconds"], ls=":", lw=1, color="firebrick", label=f"{TARGETS['total_seconds'] // 60} min target (total)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("words of the input text")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Stage wall time against corpus size (UN General Debate corpus)")
    ax.grid(True, which="both", lw=0.3, alpha=0.5)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


# ---------------------------------------------------------------- measuring
def tree_rss(proc) -> int:
    """Resident bytes of ``proc`` and all its descendants (0 for processes that vanished)."""
    import psutil

    total = 0
    try:
        members = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(argv: list[str], cwd: Path, env: dict, interval: float) -> dict:
    """Run one stage; wall time, sampled peak tree RSS, CPU of reaped descendants, its output."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ps = psutil.Process(proc.pid)
    except psutil.Error:
        ps = None
    peak = 0
    while True:
        if ps is not None:
            peak = max(peak, tree_rss(ps))
        try:
            out, err = proc.communicate(timeout=interval)
            break
        except subprocess.TimeoutExpired:
            continue
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak / 2**20, "returncode": proc.returncode,
            "stdout": out, "stderr": err}


def count_words(job_dir: Path, params: Mapping) -> dict:
    """Raw and ingested words, documents, and preprocessing's tokens of one job."""
    import csv

    from pipeline import ingest
    from pipeline.core.config import group
    from pipeline.ingest.readers import RawDoc, read_corpus
    from pipeline.core.text import word_count

    out: dict[str, Any] = {}
    table = job_dir / "reports" / "tables" / "corpus.csv"
    if table.is_file():
        with open(table, encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["status"] == "kept"]
        out["documents"] = len(rows)
        out["ingested_words"] = sum(int(r["tokens"]) for r in rows)
        wanted = {r["source"] for r in rows}
        cfg = group(params, "corpus", ingest.SCHEMA)
        raw = 0
        for item in read_corpus(cfg["path"], cfg["format"], cfg["columns"]):
            if isinstance(item, RawDoc) and item.source in wanted:
                raw += word_count(item.text)
                wanted.discard(item.source)
                if not wanted:
                    break
        out["words"] = raw
    metrics = job_dir / "reports" / "metrics" / "preprocess.json"
    if metrics.is_file():
        m = json.loads(metrics.read_text(encoding="utf-8"))
        out["tokens"] = m.get("tokens")
        out["segments"] = m.get("segments")
    return out


def tail(text: str, n: int = 15) -> str:
    lines = [l for l in text.rstrip().splitlines() if l.strip()]
    return "\n".join("    " + l for l in lines[-n:])


def clean_job(job_dir: Path) -> None:
    """Delete everything but the report, the logs and params.yaml."""
    for p in job_dir.iterdir():
        if p.name in KEEP:
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def run_size(limit: int | None, work: Path, overrides: list[str], interval: float, keep: bool) -> dict:
    from pipeline.chain import load_stages, prepare_job_dir, record_stage, stage_argv, stage_env
    from pipeline.core.config import compose
    from pipeline.core.stages import validate_params

    label = size_label(limit)
    all_overrides = ["corpus=ungdc", f"corpus.limit={'null' if limit is None else limit}", *overrides]
    params = compose(all_overrides, ROOT / "conf")
    validate_params(params, source="overrides " + " ".join(all_overrides), root=ROOT)
    job_dir = work / f"n{label}"
    if job_dir.exists():
        if any(job_dir.iterdir()) and not (job_dir / "params.yaml").exists():
            raise SystemExit(f"{job_dir} exists and is not a job folder of this benchmark; choose another --work")
        shutil.rmtree(job_dir)
    stages = load_stages(ROOT / "dvc.yaml", params)
    params = prepare_job_dir(job_dir, ROOT, params, stages)
    env = stage_env(ROOT)
    run: dict[str, Any] = {
        "size": label, "limit": limit, "overrides": all_overrides, "job_dir": str(job_dir),
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "stage_order": [st.name for st in stages], "stages": {}, "status": "ok", "failed_stage": None, "error": None,
    }
    for st in stages:
        m = measure(stage_argv(st), job_dir, env, interval)
        error = record_stage(job_dir, st, m["returncode"], m["stdout"], m["stderr"])
        run["stages"][st.name] = {"seconds": round(m["seconds"], 3), "cpu_seconds": round(m["cpu_seconds"], 3),
                                  "peak_rss_mb": round(m["peak_rss_mb"], 1), "ok": error is None}
        log(f"[{label}] {st.name}: {m['seconds']:.1f} s wall, {m['cpu_seconds']:.1f} s CPU, "
            f"peak {m['peak_rss_mb']:,.0f} MB" + ("" if error is None else "  FAILED"))
        if error is not None:
            log(f"[{label}] stderr of {st.name} (last lines):\n{tail(m['stderr'])}")
            log(f"[{label}] stopped: stage {st.name} failed (exit {m['returncode']}): {error}; "
                f"log in {job_dir / 'logs' / (st.name + '.log')}")
            run.update(status="failed", failed_stage=st.name, error=error)
            break
    measured = list(run["stages"].values())  # a failed stage's time included
    run["total_seconds"] = round(sum(s["seconds"] for s in measured), 3)
    run["total_cpu_seconds"] = round(sum(s["cpu_seconds"] for s in measured), 3)
    if measured:
        name, top = max(run["stages"].items(), key=lambda kv: kv[1]["peak_rss_mb"])
        run["peak_rss_mb"], run["peak_stage"] = top["peak_rss_mb"], name
    run.update(count_words(job_dir, params))
    if not keep:
        clean_job(job_dir)
    log(f"[{label}] {run['status']}: {run.get('documents', 0):,} documents, {run.get('words', 0):,} words, "
        f"{run['total_seconds']:.1f} s in all, peak {run.get('peak_rss_mb', 0):,.0f} MB ({run.get('peak_stage')})")
    return run


def machine() -> dict:
    import importlib.metadata as md

    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("numpy", "scipy", "pandas", "scikit-learn", "gensim", "syntok", "simplemma", "vaderSentiment",
                "datasketch", "matplotlib", "dask", "psutil"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", False
    return {"cpu": cpu, "machine": platform.machine(), "cores": os.cpu_count(),
            "physical_cores": psutil.cpu_count(logical=False), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "system": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "versions": versions, "commit": commit + ("-dirty" if dirty else "")}


def machine_line(m: Mapping) -> str:
    v = ", ".join(f"{k} {x}" for k, x in m.get("versions", {}).items())
    return (f"Machine: {m.get('cpu')} ({m.get('machine')}), {m.get('cores')} cores, {m.get('memory_gb')} GB, "
            f"{m.get('system')}; Python {m.get('python')}; {v}; commit {m.get('commit')}")


def report(results: Mapping, figure: Path | None) -> None:
    machines = {json.dumps(r.get("machine", {}), sort_keys=True) for r in results.get("runs", {}).values()}
    print()
    for m in sorted(machines):
        print(machine_line(json.loads(m)))
    overrides = {" ".join(o for o in r.get("overrides", []) if not o.startswith("corpus.limit="))
                 for r in results.get("runs", {}).values()}
    print("Overrides (besides corpus.limit): " + " | ".join(sorted(overrides)))
    if len(overrides) > 1:
        print("WARNING: the runs used different overrides; they are not one curve.")
    print()
    print(markdown_table(results))
    print()
    print(memory_table(results))
    print()
    b = exponents(results)
    print("Fitted exponent b of seconds = a * words^b: " +
          ", ".join(f"{n} {'n/a' if v is None else f'{v:.2f}'}" for n, v in b.items()))
    for line in target_lines(results):
        print("- " + line)
    if figure is not None:
        path = draw(results, figure)
        if path:
            print(f"\nFigure: {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,3000,all", help="corpus.limit values, comma-separated; 'all' = no limit")
    ap.add_argument("--work", default="/tmp/bench_ungdc", help="scratch folder for the job folders")
    ap.add_argument("--override", action="append", default=[], metavar="KEY=VALUE",
                    help="extra Hydra override for every size (repeatable), e.g. executor.n_jobs=2")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON; runs are merged into it by size")
    ap.add_argument("--figure", type=Path, default=None, help="log-log figure (default: beside --out, .png)")
    ap.add_argument("--from-json", type=Path, help="only rebuild table, exponents and figure from this JSON")
    ap.add_argument("--keep", action="store_true", help="keep data/ and models/ of every job folder")
    ap.add_argument("--interval", type=float, default=0.1, help="memory sampling interval (s)")
    ap.add_argument("--from-monitor", type=Path, metavar="STAGES.json",
                    help="add the whole corpus as DVC ran it: per-stage numbers from benchmarks/monitor_stages.py")
    ap.add_argument("--job", type=Path, default=ROOT, help="with --from-monitor: the workspace DVC ran in")
    ap.add_argument("--ingest-seconds", type=float, metavar="S",
                    help="with --from-monitor: ingest's time when the monitor missed it (e.g. from file times)")
    args = ap.parse_args(argv)

    if args.from_monitor:
        import yaml

        from pipeline.chain import load_stages

        stages = json.loads(args.from_monitor.read_text(encoding="utf-8"))
        params = yaml.safe_load((args.job / "params.yaml").read_text(encoding="utf-8"))
        order = [st.name for st in load_stages(ROOT / "dvc.yaml", params)]
        run: dict[str, Any] = {"size": "all", "limit": None, "overrides": ["corpus=ungdc"], "job_dir": str(args.job),
                               "measured_by": "benchmarks/monitor_stages.py during dvc exp run -S corpus=ungdc",
                               "stage_order": order, "stages": {}, "status": "ok", "failed_stage": None,
                               "error": None}
        for name in order:
            st = stages.get(name)
            if st is None and name == "ingest" and args.ingest_seconds:
                st = {"seconds": args.ingest_seconds, "peak_rss_mb": None}
            if st is None:
                log(f"scale_ungdc: {args.from_monitor} has no stage {name}")
                return 2
            run["stages"][name] = {"seconds": round(st["seconds"], 3), "cpu_seconds": None,
                                   "peak_rss_mb": None if st["peak_rss_mb"] is None else round(st["peak_rss_mb"], 1),
                                   "ok": True}
        run["total_seconds"] = round(sum(v["seconds"] for v in run["stages"].values()), 3)
        peak = max((v["peak_rss_mb"] or 0, k) for k, v in run["stages"].items())
        run["peak_rss_mb"], run["peak_stage"] = peak
        run.update(count_words(args.job, params))
        run["machine"] = machine()
        existing = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else None
        results = merge(existing, {"all": run})
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        report(results, args.figure or args.out.with_suffix(".png"))
        return 0

    if args.from_json:
        if not args.from_json.is_file():
            log(f"scale_ungdc: {args.from_json} does not exist")
            return 2
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
        report(results, args.figure or args.from_json.with_suffix(".png"))
        return 0

    try:
        import psutil  # noqa: F401
    except ImportError:
        log("scale_ungdc: needs psutil: pip install -e '.[bench]'")
        return 2
    if not CSV.is_file():
        log(f"scale_ungdc: {CSV} is absent: this benchmark needs ../shared/corpora/")
        return 2
    try:
        limits = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError as exc:
        log(f"scale_ungdc: --sizes: {exc}")
        return 2
    from pipeline.core.errors import UserError

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    new: dict[str, dict] = {}
    for limit in limits:
        log(f"[{size_label(limit)}] running the chain in {work / ('n' + size_label(limit))}")
        try:
            run = run_size(limit, work, args.override, args.interval, args.keep)
        except UserError as exc:
            log(f"scale_ungdc: {exc}")
            return 2
        except KeyboardInterrupt:
            log(f"scale_ungdc: interrupted at size {size_label(limit)}; sizes finished before are in {args.out}")
            return 130
        run["machine"] = info
        new[size_label(limit)] = run
        # Saved after every size, so a long run interrupted later keeps what it measured.
        existing = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else None
        results = merge(existing, {size_label(limit): run})
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    results = json.loads(args.out.read_text(encoding="utf-8"))
    log(f"results: {args.out} ({len(results['runs'])} sizes, {len(new)} measured now)")
    report(results, args.figure or args.out.with_suffix(".png"))
    return 0 if all(r["status"] == "ok" for r in new.values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
