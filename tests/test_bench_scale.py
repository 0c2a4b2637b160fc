"""The pure parts of benchmarks/scale_ungdc.py: the exponent fit, merging and the tables (no stage runs)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from workspace import script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    return script(ROOT / "benchmarks" / "scale_ungdc.py")


def _run(size, words, seconds: dict, status="ok", failed=None):
    stages = {n: {"seconds": s, "cpu_seconds": s, "peak_rss_mb": 100.0 + s, "ok": n != failed}
              for n, s in seconds.items()}
    peak_stage = max(stages, key=lambda n: stages[n]["peak_rss_mb"])
    return {"size": size, "limit": None if size == "all" else int(size), "documents": words // 1000,
            "words": words, "stage_order": list(seconds), "stages": stages, "status": status,
            "failed_stage": failed, "total_seconds": sum(seconds.values()),
            "peak_rss_mb": stages[peak_stage]["peak_rss_mb"], "peak_stage": peak_stage}


def test_fit_recovers_a_known_slope(bench):
    words = [1e5, 3e5, 1e6, 2.5e7]
    for b in (0.5, 1.0, 1.37):
        seconds = [0.002 * w ** b for w in words]
        assert bench.fit_exponent(words, seconds) == pytest.approx(b, abs=1e-9)
    noisy = [0.01 * w * f for w, f in zip(words, (1.05, 0.95, 1.02, 0.99))]
    assert bench.fit_exponent(words, noisy) == pytest.approx(1.0, abs=0.03)


def test_fit_needs_two_distinct_sizes(bench):
    assert bench.fit_exponent([1e5], [3.0]) is None
    assert bench.fit_exponent([1e5, 1e5], [3.0, 4.0]) is None
    assert bench.fit_exponent([], []) is None


def test_sizes(bench):
    assert bench.parse_size("1000") == 1000 and bench.parse_size(" all ") is None
    assert bench.parse_size("3_000") == 3000
    with pytest.raises(ValueError):
        bench.parse_size("0")
    assert bench.size_label(None) == "all" and bench.size_label(30) == "30"


def test_exponents_skip_failed_stages_and_runs(bench):
    results = {"runs": {
        "1000": _run("1000", 1_000_000, {"ingest": 2.0, "topics": 10.0}),
        "3000": _run("3000", 3_000_000, {"ingest": 6.0, "topics": 90.0}),
        "all": _run("all", 9_000_000, {"ingest": 18.0, "topics": 5.0}, status="failed", failed="topics"),
    }}
    b = bench.exponents(results)
    assert b["ingest"] == pytest.approx(1.0)
    assert b["topics"] == pytest.approx(math.log(9) / math.log(3))  # the failed 'all' point is left out
    assert b["total"] == pytest.approx(math.log(96 / 12) / math.log(3))


def test_markdown_table(bench):
    results = bench.merge(None, {
        "all": _run("all", 9_000_000, {"ingest": 18.0, "topics": 5.0}, status="failed", failed="topics"),
        "1000": _run("1000", 1_000_000, {"ingest": 2.0, "topics": 150.0}),
        "3000": _run("3000", 3_000_000, {"ingest": 6.0, "topics": 450.0}),
    })
    lines = bench.markdown_table(results).splitlines()
    assert lines[0] == "| size | documents | words | ingest | topics | total (s) | peak memory (MB) |"
    assert lines[1] == "|---|---|---|---|---|---|---|"
    assert lines[2] == "| 1000 | 1,000 | 1,000,000 | 2.00 | 150 | 152 | 250 (topics) |"
    assert lines[3] == "| 3000 | 3,000 | 3,000,000 | 6.00 | 450 | 456 | 550 (topics) |"  # rows ordered by words
    assert lines[4] == "| all | 9,000 | 9,000,000 | 18.0 | failed (5.00) | failed in topics | 118 (ingest) |"
    assert lines[5] == "| fitted exponent b |  |  | 1.00 | 1.00 | 1.00 |  |"
    assert all(line.count("|") == 8 for line in lines)
    assert bench.memory_table(results).splitlines()[2] == "| 1000 | 102 / 2.00 | 250 / 150 |"


def test_merge_replaces_by_size(bench):
    first = bench.merge(None, {"1000": _run("1000", 10, {"a": 1.0}), "all": _run("all", 90, {"a": 9.0})})
    second = bench.merge(first, {"1000": _run("1000", 10, {"a": 2.0})})
    assert sorted(second["runs"]) == ["1000", "all"]
    assert second["runs"]["1000"]["total_seconds"] == 2.0 and second["runs"]["all"]["total_seconds"] == 9.0
    assert first["runs"]["1000"]["total_seconds"] == 1.0


def test_targets(bench):
    results = bench.merge(None, {
        "1000": _run("1000", 1_000_000, {"ingest": 2.0, "topics": 100.0}),
        "all": _run("all", 9_000_000, {"ingest": 18.0, "topics": 2000.0}),
    })
    text = "\n".join(bench.target_lines(results))
    assert "full run: 33.6 min (target < 10): MISSED; slowest stage topics" in text
    assert "peak memory: 2,100 MB at size all in topics" in text and ": met" in text
    assert "exponent of every stage <= 1.05: MISSED: topics 1.36" in text


def test_figure_is_deterministic(bench, tmp_path):
    results = bench.merge(None, {"1000": _run("1000", 1_000_000, {"ingest": 2.0, "topics": 100.0}),
                                 "3000": _run("3000", 3_000_000, {"ingest": 6.0, "topics": 290.0})})
    a = bench.draw(results, tmp_path / "a.png")
    b = bench.draw(results, tmp_path / "b.png")
    assert a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and a.read_bytes() == b.read_bytes()
