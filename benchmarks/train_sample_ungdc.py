"""Benchmark: the effect of ``lda.train_sample`` on topic quality and time at UNGDC scale.

Runs the topics stage (the ``corpus=ungdc`` preset: whole speeches, k = 20)
on an existing ``segments.jsonl`` of the whole corpus (from
``dvc exp run -S corpus=ungdc``) once per sample setting, into scratch
folders, and prints NPMI, diversity, stability and wall time per setting.
Scores are computed on all speeches whatever the sample.

Usage::

    python benchmarks/train_sample_ungdc.py SEGMENTS.jsonl [--samples null,0.2,0.05] [--work /tmp/bench_sample]
        [--override lda.stability_seeds=0]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("segments", type=Path)
    ap.add_argument("--samples", default="null,0.2,0.05")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench_sample"))
    ap.add_argument("--override", action="append", default=[], metavar="KEY=VALUE",
                    help="further overrides for every run, e.g. lda.stability_seeds=0")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline import executor, topics
    from pipeline.core.config import compose, group
    from pipeline.core.errors import setup_logging
    from pipeline.core.paths import Paths

    from pipeline.topics import corpus as B

    setup_logging("bench")
    ids = B.read_index(args.segments).ids
    n = len(ids)
    print("| lda.train_sample | training speeches | time (s) | NPMI | diversity | stability |")
    print("|---|---|---|---|---|---|")
    for sample in args.samples.split(","):
        params = compose(["corpus=ungdc", f"lda.train_sample={sample}", *args.override], conf_dir=ROOT / "conf")
        cfg = group(params, "lda", topics.SCHEMA)
        out = Paths(args.work / f"s{sample}")
        out.segments.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(args.segments, out.segments)  # the stage reads its input from its own workspace
        t = time.perf_counter()
        m = topics.run({"lda": cfg, "executor": executor.from_params(params)}, out)
        seconds = time.perf_counter() - t
        trained = sum(B.train_sample_mask(ids, B.heldout_mask(ids, cfg["heldout"]), cfg["train_sample"]))
        stab = "–" if m["stability"] is None else f"{m['stability']:.3f}"  # None without stability runs
        print(f"| {sample} | {trained:,} of {n:,} | {seconds:.0f} | {m['c_npmi']:.3f} | {m['diversity']:.3f} | "
              f"{stab} |", flush=True)


if __name__ == "__main__":
    main()
