"""benchmarks/topics_kremlin.py: seeds and summaries (the engines need ../shared/corpora/ and minutes)."""
from __future__ import annotations

from pathlib import Path

from workspace import script

ROOT = Path(__file__).resolve().parent.parent


def test_seeds_start_with_the_configured_one_and_summaries_give_mean_and_range():
    bench = script(ROOT / "benchmarks" / "topics_kremlin.py")
    assert bench.seeds_of(1, 20240416) == [20240416]
    assert bench.seeds_of(4, 20240416) == [20240416, 1, 2, 3]
    assert bench.seeds_of(3, 2) == [2, 1, 3]  # the configured seed is not run twice
    runs = [{"seconds": 1.0, "c_npmi": 0.10, "diversity": 0.70, "stability": None, "peak_mb": 10.0},
            {"seconds": 3.0, "c_npmi": 0.12, "diversity": 0.80, "stability": None, "peak_mb": 12.0}]
    r = bench.summarise(runs)
    assert r["runs"] == 2 and r["peak_mb"] == 12.0 and abs(r["seconds"] - 2.0) < 1e-12
    assert bench.cell(r, "c_npmi") == "0.110 [0.100, 0.120]" and bench.cell(r, "stability") == ""
    one = bench.summarise(runs[:1])
    assert bench.cell(one, "diversity") == "0.700" and "diversity_range" in one
