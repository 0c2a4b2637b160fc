"""Figures of the topic and TF-IDF stages, written byte-identically on every run.

Colour-blind-safe colours throughout: cividis/viridis for heatmaps, the
Okabe-Ito palette for lines and bars. PNG metadata (the matplotlib version
string) is dropped so the same data always give the same bytes.
"""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..io import atomic_path  # noqa: E402

# Fixed here rather than per figure: a user's matplotlibrc must not change our bytes.
_RC = {"svg.hashsalt": "pipeline", "font.size": 9, "figure.dpi": 100}
plt.rcParams.update(_RC)

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def new_figure(figsize: tuple[float, float] = (8, 6), nrows: int = 1, ncols: int = 1, **kw):
    """A figure with fixed DPI and font settings, independent of the user's matplotlibrc."""
    # Set again per figure: another stage's figures may have changed them in this process.
    plt.rcParams.update(_RC)
    return plt.subplots(nrows, ncols, figsize=figsize, **kw)


def save_figure(fig, path: str | Path) -> None:
    """Save as PNG atomically, without metadata that would differ between runs."""
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)


def top_words_grid(path: Path, topics: Sequence[Sequence[tuple[str, float]]], labels: Sequence[str],
                   flags: Sequence[bool] = ()) -> None:
    """One horizontal bar chart of top-word weights per topic, each panel as wide as its words need."""
    k = len(topics)
    cols = min(4, k)
    rows = math.ceil(k / cols)
    words_in = text_inches([w for t in topics for w, _ in t], 7)
    panel = max(3.2, words_in + 2.0)
    fig, axes = new_figure(figsize=(panel * cols, 2.9 * rows + 0.6), nrows=rows, ncols=cols, squeeze=False)
    for t in range(rows * cols):
        ax = axes[t // cols][t % cols]
        if t >= k:
            ax.axis("off")
            continue
        words = [w for w, _ in topics[t]][::-1]
        weights = [p for _, p in topics[t]][::-1]
        ax.barh(range(len(words)), weights, color=OKABE_ITO[t % 2 * 2])
        ax.set_yticks(range(len(words)), words, fontsize=7)
        ax.set_xlabel("P(word | topic)", fontsize=7)
        ax.tick_params(axis="x", labelsize=6)
        ax.xaxis.set_major_locator(plt.MaxNLocator(3))
        unstable = " (unstable)" if flags and flags[t] else ""
        # Wrapped to the axes, not the panel: the word labels take the panel's left part.
        ax.set_title(wrap(f"{t}: {labels[t]}{unstable}", panel - words_in - 0.4, 8), fontsize=8)
    fig.suptitle(wrap("Top words per topic (weight = probability of the word in the topic)", panel * cols - 0.3, 10),
                 fontsize=10)
    save_figure(fig, path)


#: Up to this many rows and columns a heatmap writes each value in its cell.
CELL_VALUES_MAX = 12


def heatmap(path: Path, M: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str], title: str,
            xlabel: str, ylabel: str, cbar: str) -> None:
    """A labelled heatmap on the cividis scale, sized so its row and column labels fit."""
    n, m = M.shape
    left = text_inches(row_labels, 6 if n > 40 else 7)
    bottom = text_inches(col_labels, 7)
    width = left + max(3.0, 0.45 * m) + 1.8
    fig, ax = new_figure(figsize=(width, bottom + max(2.5, 0.22 * n) + 1.2))
    im = ax.imshow(M, cmap="cividis", aspect="auto", vmin=0.0, vmax=max(1e-9, float(M.max()) if M.size else 1.0),
                   interpolation="nearest")
    ax.set_xticks(range(m), col_labels, rotation=90, fontsize=7)
    ax.set_yticks(range(n), row_labels, fontsize=6 if n > 40 else 7)
    if n <= CELL_VALUES_MAX and m <= CELL_VALUES_MAX:
        # Few cells: the numbers, not only shades (cividis is dark below about half its top).
        top = float(M.max()) if M.size else 1.0
        for i in range(n):
            for j in range(m):
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=6.5,
                        color="white" if M[i, j] < 0.5 * top else "black")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(wrap(title, width - 0.4, 9), fontsize=9)
    fig.colorbar(im, ax=ax, label=cbar)
    save_figure(fig, path)


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

    span = (max(periods) - min(periods)).days
    # Room for a point's n label on either side, and a lone point centred.
    pad = timedelta(days=max(2 if unit == "day" else 45, round(0.08 * span)))
    ax.set_xlim(min(periods) - pad, max(periods) + pad)
    locator = mdates.AutoDateLocator(minticks=2, maxticks=5, interval_multiples=False)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


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


def prevalence_over_time(path: Path, dates: Sequence, P: np.ndarray, labels: Sequence[str], unit: str,
                         counts: Sequence[int] | None = None, undated: int = 0, total: int | None = None) -> None:
    """Small multiples: each topic's mean share per period, as points labelled with their n.

    Parameters
    ----------
    path : Path
        The PNG written.
    dates : sequence of date
        The periods, sorted.
    P : ndarray
        Periods x topics: mean topic share of the period's segments.
    labels : sequence of str
        Topic labels.
    unit : str
        ``"day"`` or ``"month"``.
    counts : sequence of int, optional
        Documents per period, written beside each point.
    undated, total : int
        Documents without a date (left out, and said in the title), of ``total``.

    Notes
    -----
    Points of adjacent periods are joined; a gap (a month without a dated
    document) is never bridged by a line, so three documents over 29 months
    are three points, not a trend.
    """
    k = P.shape[1]
    left_out = f"; {undated} of {total} documents undated, left out" if undated and total else ""
    if not len(dates):
        fig, ax = new_figure(figsize=(6, 2))
        ax.axis("off")
        ax.set_title(wrap(f"Topic prevalence over time: no document has a date{left_out}", 5.6, 10), fontsize=10)
        save_figure(fig, path)
        return
    cols = min(4, k)
    rows = math.ceil(k / cols)
    fig, axes = new_figure(figsize=(3.3 * cols, 2.3 * rows + 0.9), nrows=rows, ncols=cols, squeeze=False,
                           sharex=True, sharey=True)
    runs = adjacent_runs(list(dates), unit)
    top = float(np.nanmax(P)) if P.size else 1.0
    for t in range(rows * cols):
        ax = axes[t // cols][t % cols]
        if t >= k:
            ax.axis("off")
            continue
        for run in runs:
            ax.plot([dates[i] for i in run], P[run, t], color=OKABE_ITO[0], marker="o", markersize=3.5,
                    linewidth=1 if len(run) > 1 else 0)
        if counts is not None and len(dates) <= 12:
            for i, d in enumerate(dates):
                ax.annotate(f"n={counts[i]}", (d, P[i, t]), textcoords="offset points", xytext=(0, 4),
                            ha="center", fontsize=6, color="#333333")
        ax.set_ylim(0, min(1.0, top * 1.25 + 0.02))
        ax.set_title(wrap(f"{t}: {labels[t]}", 3.1, 8), fontsize=8)
        date_axis(ax, dates, unit)
        ax.tick_params(labelsize=6)
        if t % cols == 0:
            ax.set_ylabel("mean topic share", fontsize=7)
    n = "; n: documents per " + unit if counts is not None else ""
    fig.suptitle(wrap(f"Topic prevalence over time (mean share of segments per {unit}, by document date{n}"
                      f"{left_out}; lines join adjacent {unit}s only)", 3.3 * cols, 10), fontsize=10)
    save_figure(fig, path)


def message(path: Path, text: str) -> None:
    """A small figure that only says ``text`` (an output that has nothing to show this time)."""
    fig, ax = new_figure(figsize=(5.0, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, wrap(text, 4.6, 10), ha="center", va="center", fontsize=10)
    save_figure(fig, path)


def score_curves(path: Path, ks: Sequence[int], scores: dict[str, Sequence[float]], chosen: int, title: str,
                 ylabels: dict[str, str]) -> None:
    """One panel per score against k; the chosen k is marked."""
    names = list(scores)
    width = 3.4 * len(names)
    fig, axes = new_figure(figsize=(width, 3.4), nrows=1, ncols=len(names), squeeze=False)
    for i, name in enumerate(names):
        ax = axes[0][i]
        ax.plot(ks, scores[name], color=OKABE_ITO[i % len(OKABE_ITO)], marker="o")
        ax.axvline(chosen, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_xlabel("number of topics k")
        ax.set_ylabel(wrap(ylabels.get(name, name), 2.6, 9))
        ax.set_title(name)
        ax.set_xticks(list(ks))
    fig.suptitle(wrap(title, width - 0.3, 10), fontsize=10)
    save_figure(fig, path)
