"""Figures over time with sparse dates: points with their n, lines only between adjacent periods (issue 14)."""
from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.figure import Figure

from pipeline.figures import adjacent_runs, period_unit

D = dt.date


def test_adjacent_runs_never_bridge_a_gap():
    months = [D(2021, 11, 1), D(2024, 3, 1), D(2024, 4, 1)]
    assert adjacent_runs(months, "month") == [[0], [1, 2]]
    assert adjacent_runs([D(2024, 4, 15), D(2024, 4, 16), D(2024, 4, 18)], "day") == [[0, 1], [2]]
    assert adjacent_runs([D(2023, 12, 1), D(2024, 1, 1)], "month") == [[0, 1]]  # across a year
    assert period_unit([D(2021, 11, 4), D(2024, 4, 16)]) == "month"
    assert period_unit([D(2024, 4, 15), D(2024, 4, 16)]) == "day"


def _capture(monkeypatch) -> dict:
    seen: dict = {}
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        seen["lines"] = [ln for ax in self.axes for ln in ax.get_lines()
                         if ln.get_linestyle() not in ("None", "none", "") and ln.get_linewidth() > 0
                         and len(ln.get_xdata()) > 1 and list(ln.get_xdata()) != [0, 1]]  # not the zero line
        seen["texts"] = [t.get_text() for ax in self.axes for t in ax.texts]
        seen["title"] = self._suptitle.get_text() if self._suptitle else ""
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_topic_time_draws_points_with_n_and_counts_undated(tmp_path, monkeypatch):
    from pipeline.topics import outputs as report
    from pipeline.topics.figures import prevalence_over_time

    seen = _capture(monkeypatch)
    # Three dated documents over 29 months, two a day apart; one undated document.
    dates = ["2021-11-04", "2024-04-15", "2024-04-16", None]
    theta = np.array([[0.8, 0.2], [0.3, 0.7], [0.5, 0.5], [0.1, 0.9]])
    periods, P, unit, n_docs, undated = report.by_period(dates, theta, ["a", "b", "c", "d"])
    assert unit == "month" and periods == [D(2021, 11, 1), D(2024, 4, 1)]
    assert n_docs == [1, 2] and undated == 1  # the two April dates are one point of two documents
    prevalence_over_time(tmp_path / "t.png", periods, P, ["x", "y"], unit, n_docs, undated, 4)
    assert seen["lines"] == []  # no line across 29 empty months
    assert seen["texts"].count("n=2") == 2 and seen["texts"].count("n=1") == 2
    assert "1 of 4 documents undated, left out" in " ".join(seen["title"].split())


def test_stance_over_time_points_with_n_and_no_line_across_gaps(tmp_path, monkeypatch):
    from pipeline.stance.outputs import over_time
    from pipeline.stance.stage import _by_period

    seen = _capture(monkeypatch)
    boot = {"resamples": 100, "seed": 1, "confidence": 0.95, "min_sentences": 2, "min_documents": 2}
    units = [{"segment_id": s, "doc_id": s, "date": d, "tokens": 100, "mentions": {"t": 1}}
             for s, d in (("a", "2021-11-04"), ("b", "2024-04-15"), ("c", "2024-04-16"))]
    rows = [{"segment_id": u["segment_id"], "doc_id": u["doc_id"], "date": u["date"], "theme": "t",
             "stance": v, "label": 0} for u in units for v in (0.1, 0.3, 0.5)]
    by_period, unit = _by_period(units, rows, ["t"], boot)
    assert unit == "month" and sorted(k for k, _ in by_period) == ["2021-11-01", "2024-04-01"]
    april = by_period[("2024-04-01", "t")]
    assert april["documents"] == 2 and april["sentences"] == 6 and april["ci_low"] is not None
    assert by_period[("2021-11-01", "t")]["ci_note"] == "too few to estimate (1 document)"
    over_time(tmp_path / "o.png", ["t"], by_period, {"t": ("against", "for")}, unit, 2, 5)
    assert seen["lines"] == []  # no trend line between November 2021 and April 2024
    assert "n=3 (1 doc)" in seen["texts"] and "n=6 (2 docs)" in seen["texts"]
    assert "2 of 5 documents undated, left out" in " ".join(seen["title"].split())


def test_corpus_timeline_counts_undated_documents(tmp_path, monkeypatch):
    from pipeline.report.figures import documents_over_time

    titles = []
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        titles.extend(ax.get_title() for ax in self.axes)
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    assert documents_over_time(["2021-11-04", "2024-04-15", "2024-04-16"], tmp_path / "c.png", total=5)
    assert titles == ["Documents per month (2 of 5 documents undated, not shown)"]
