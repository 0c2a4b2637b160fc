"""Figures the report draws itself (the stages draw their own)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from ..io import atomic_path

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "report", "font.size": 10})
    return plt


def save(fig, path: Path) -> None:
    """PNG without the software/date stamps that would change bytes between runs."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight")


def documents_over_time(dates: list[str], out: Path) -> bool:
    """Bar chart of documents per month; False when fewer than two dates exist."""
    parsed = sorted(dt.date.fromisoformat(d) for d in dates if d)
    if len(parsed) < 2:
        return False
    plt = _plt()
    import matplotlib.dates as mdates

    months = Counter(d.replace(day=1) for d in parsed)
    xs = sorted(months)
    fig, ax = plt.subplots(figsize=(8, 2.8))
    ax.bar(xs, [months[x] for x in xs], width=20, color=OKABE_ITO[0])
    ax.set_title("Documents per month")
    ax.set_xlabel("month of publication")
    ax.set_ylabel("documents")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    save(fig, out)
    plt.close(fig)
    return True
