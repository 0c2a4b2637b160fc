"""Wall time and peak memory of every pipeline stage a running ``dvc repro`` / ``dvc exp run`` starts.

Polls the process table (psutil) every ``--interval`` seconds for processes
``python -m pipeline.<stage>``; per stage it records the first and last time
seen and the largest sum of resident memory of the stage's process and its
descendants (executor workers). Writes JSON after every poll, so it can be
stopped at any time. Used for the full UNGDC run, which is measured as DVC
runs it rather than a second time by ``scale_ungdc.py``::

    python benchmarks/monitor_stages.py /tmp/ungdc_stages.json &
    dvc exp run -S corpus=ungdc
    python benchmarks/scale_ungdc.py --from-monitor /tmp/ungdc_stages.json --job .

Stages must run one after another (as ``dvc repro`` runs them); any other
``python -m pipeline.<stage>`` on the machine at the same time is counted too.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_ungdc import tree_rss  # noqa: E402  (the same process-tree sum as the benchmark)


def main() -> None:
    import psutil

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--interval", type=float, default=0.5)
    args = ap.parse_args()
    stages: dict[str, dict] = {}
    while True:
        now = time.time()
        for p in psutil.process_iter(["cmdline"]):
            cmd = p.info["cmdline"] or []
            if len(cmd) >= 3 and cmd[1] == "-m" and cmd[2].startswith("pipeline."):
                name = cmd[2].split(".", 1)[1] + ("_eval" if "evaluate" in cmd else "")
                rss = tree_rss(p)
                if not rss:
                    continue
                st = stages.setdefault(name, {"start": now, "end": now, "peak_rss_mb": 0.0})
                st["end"] = now
                st["peak_rss_mb"] = max(st["peak_rss_mb"], rss / 2**20)
                st["seconds"] = st["end"] - st["start"]
        with open(args.out + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(stages, fh, indent=1)
        os.replace(args.out + ".tmp", args.out)
        time.sleep(args.interval)


if __name__ == "__main__":
    main()
