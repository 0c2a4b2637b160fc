"""What every figure of the pipeline shares: the palette, pyplot set up the same way, the byte-stable save.

Colour-blind-safe colours throughout: cividis/viridis for heatmaps, the
Okabe-Ito palette (in one order) for lines and bars. A PNG is written
atomically and without its metadata (the matplotlib version string), so
the same data always give the same bytes.

The resolution and font size of a family of figures are named here
(:data:`DPI`, :data:`FONT_SIZE`): they differ between the stages' figures,
the report's and the sweep's because the committed figures were drawn so,
and one constant each makes a change to them one deliberate edit.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Sequence

from .core.io import atomic_path

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

#: figure family -> dots per inch of its PNGs
DPI = {"topics": 100, "tfidf": 100, "stance": 120, "report": 110, "sweep": 100}
#: figure family -> base font size (points)
FONT_SIZE = {"topics": 9, "tfidf": 9, "stance": 10, "report": 10, "sweep": 10}


def pyplot(family: str):
    """``matplotlib.pyplot`` on the Agg backend, set up for ``family`` whatever the user's matplotlibrc says.

    Parameters
    ----------
    family : str
        A key of :data:`FONT_SIZE`.

    Returns
    -------
    module
        ``matplotlib.pyplot``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "pipeline", "font.size": FONT_SIZE[family], "figure.dpi": 100})
    return plt


def save(fig, path: str | os.PathLike, family: str, *, tight_layout: bool = False, tight_bbox: bool = False) -> None:
    """Save ``fig`` as a PNG atomically, without metadata that would differ between runs, and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : path
        Where the PNG goes.
    family : str
        A key of :data:`DPI`.
    tight_layout : bool
        Lay the figure out tightly before saving.
    tight_bbox : bool
        Crop the saved image to what is drawn (``bbox_inches="tight"``).
    """
    import matplotlib.pyplot as plt

    if tight_layout:
        fig.tight_layout()
    extra = {"bbox_inches": "tight"} if tight_bbox else {}
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI[family], metadata={"Software": None}, **extra)
    plt.close(fig)


def text_inches(labels: Sequence[str], fontsize: float) -> float:
    """A generous width in inches of the longest of ``labels`` (its longest line) at ``fontsize``.

    Parameters
    ----------
    labels : sequence of str
    fontsize : float
        Points.

    Returns
    -------
    float
        Inches, to size a figure's margin so tick labels fit.
    """
    longest = max((len(line) for label in labels for line in str(label).split("\n")), default=0)
    return longest * 0.6 * fontsize / 72 + 0.2


def wrap(text: str, width_inches: float, fontsize: float) -> str:
    """``text`` broken into lines that fit ``width_inches`` at ``fontsize`` points.

    Matplotlib never wraps a title; one wider than its figure is cut at the
    canvas edge. 0.6 em is a generous mean width of a character of the default sans-serif.

    Parameters
    ----------
    text : str
        Existing line breaks are kept; each line is wrapped on its own.
    width_inches : float
        The width the text must fit (a figure's, or an axes').
    fontsize : float
        Points.
    """
    import textwrap

    chars = max(10, int(width_inches * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.fill(line, chars) for line in text.split("\n"))


# Above this span a day axis is unreadable and dates are pooled by month.
DAY_SPAN_MAX = 62


def period_unit(dates: Sequence[date]) -> str:
    """The period of a figure over time: ``"day"`` when every date falls within ``DAY_SPAN_MAX`` days, else ``"month"``.

    Parameters
    ----------
    dates : sequence of date
        The dated documents' dates (empty: ``"day"``).
    """
    return "day" if not dates or (max(dates) - min(dates)).days <= DAY_SPAN_MAX else "month"


def period_of(d: date, unit: str) -> date:
    """The period a date falls in.

    Parameters
    ----------
    d : date
    unit : str
        ``"day"`` (the date itself) or ``"month"`` (the first of its month).
    """
    return d if unit == "day" else d.replace(day=1)


def adjacent_runs(periods: Sequence[date], unit: str) -> list[list[int]]:
    """Indices of sorted ``periods`` split where a period is missing between two neighbours.

    A line may join the points of one run; across a gap it would draw a trend
    through months (or days) with no document at all.

    Parameters
    ----------
    periods : sequence of date
        Sorted, each a day or the first of a month.
    unit : str
        ``"day"`` or ``"month"``.

    Returns
    -------
    list of list of int
        Runs of consecutive periods, e.g. ``[[0], [1, 2]]`` for November 2021, March and April 2024.
    """
    def step(a: date, b: date) -> int:
        return (b - a).days if unit == "day" else (b.year - a.year) * 12 + b.month - a.month

    runs: list[list[int]] = []
    for i, p in enumerate(periods):
        if runs and step(periods[i - 1], p) == 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def date_axis(ax, periods: Sequence[date], unit: str) -> None:
    """Concise date ticks, with a margin so a lone point, or its label, is not on the frame.

    Parameters
    ----------
    ax : matplotlib Axes
    periods : sequence of date
        The periods drawn (at least one).
    unit : str
        ``"day"`` or ``"month"``: the smallest margin is two days or a month and a half.
    """
    from datetime import timedelta

    import matplotlib.dates as mdates

    span = (max(periods) - min(periods)).days
    # Room for a point's n label on either side, and a lone point centred.
    pad = timedelta(days=max(2 if unit == "day" else 45, round(0.08 * span)))
    ax.set_xlim(min(periods) - pad, max(periods) + pad)
    locator = mdates.AutoDateLocator(minticks=2, maxticks=5, interval_multiples=False)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
