"""Figures the report draws itself (the stages draw their own; palette and save: :mod:`pipeline.figures`)."""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

import numpy as np

from ..figures import OKABE_ITO, pyplot
from ..figures import save as _save

FAMILY = "report"


def _plt():
    return pyplot(FAMILY)


def save(fig, path: Path) -> None:
    """Lay out to fit its text, save cropped to what is drawn, and close (:func:`pipeline.figures.save`)."""
    _save(fig, path, FAMILY, tight_layout=True, tight_bbox=True)


def documents_over_time(dates: list[str], out: Path, total: int | None = None) -> bool:
    """Bar chart of documents per month; False when fewer than two dates exist.

    Without dates the file is still written, as a note, because DVC expects
    every declared output (the report then leaves the figure out).

    Parameters
    ----------
    dates : list of str
        ISO dates of the dated documents.
    out : Path
        The PNG written.
    total : int, optional
        All documents: the title says how many have no date and are not drawn.
    """
    parsed = sorted(dt.date.fromisoformat(d) for d in dates if d)
    plt = _plt()
    if len(parsed) < 2:
        fig, ax = plt.subplots(figsize=(5, 1.6))
        ax.axis("off")
        ax.text(0.5, 0.5, f"{len(parsed)} dated document(s): no timeline", ha="center", va="center")
        save(fig, out)
        return False
    import matplotlib.dates as mdates

    months = Counter(d.replace(day=1) for d in parsed)
    xs = sorted(months)
    fig, ax = plt.subplots(figsize=(8, 2.8))
    ax.bar(xs, [months[x] for x in xs], width=20, color=OKABE_ITO[0])
    undated = (total or 0) - len(parsed)
    ax.set_title("Documents per month" + (f" ({undated} of {total} documents undated, not shown)" if undated > 0
                                          else ""))
    ax.set_xlabel("month of publication")
    ax.set_ylabel("documents")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(mdates.AutoDateLocator()))
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    save(fig, out)
    return True


# ------------------------------------------------------------ grouped views
def _label(text: str, width: int = 32) -> str:
    """A group or topic label for matplotlib: shortened, and ``$`` kept from starting mathtext."""
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.replace("$", r"\$")


def _ticks(ax, n: int, labels: list[str], most: int) -> None:
    """Every group's label when they fit, else at most ``most`` evenly spaced ones."""
    step = max(1, math.ceil(n / most))
    pos = list(range(0, n, step))
    ax.set_xticks(pos, [_label(labels[i], 12) for i in pos], rotation=45 if len(pos) > most / 2 else 0,
                  ha="right" if len(pos) > most / 2 else "center", fontsize=7)


def placeholder(out: Path, title: str) -> None:
    """A titled, empty figure: the stage's outputs are the same files whatever the parameters."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 1.2))
    ax.axis("off")
    ax.set_title(title, fontsize=9)
    save(fig, out)


def topics_by_group(out: Path, groups: list[str], topics: list[str], mean: np.ndarray, low: np.ndarray,
                    high: np.ndarray, ordered: bool, title: str, ci: str) -> None:
    """Mean topic share per group: small multiples of lines with their intervals when the groups
    are a sequence (years, dates), else a group x topic heatmap (intervals in the table).

    ``mean``, ``low`` and ``high`` are groups x topics; a missing interval is NaN. ``ci`` names
    the interval ("95% bootstrap interval").
    """
    plt = _plt()
    k = len(topics)
    if ordered:
        cols = min(4, k)
        rows = math.ceil(k / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 2.3 * rows + 0.6), squeeze=False,
                                 sharex=True, sharey=True)
        x = np.arange(len(groups))
        for t in range(rows * cols):
            ax = axes[t // cols][t % cols]
            if t >= k:
                ax.axis("off")
                continue
            ax.fill_between(x, low[:, t], high[:, t], color=OKABE_ITO[0], alpha=0.25, linewidth=0)
            ax.plot(x, mean[:, t], color=OKABE_ITO[0], marker="o", markersize=2, linewidth=1)
            ax.set_title(_label(f"{t}: {topics[t]}", 40), fontsize=8)
            ax.grid(axis="y", alpha=0.3)
            if t % cols == 0:
                ax.set_ylabel("mean topic share", fontsize=8)
            ax.tick_params(labelsize=7)
            _ticks(ax, len(groups), groups, 5)
        fig.suptitle(f"{title}\n(shaded: {ci}; groups evenly spaced in order)", fontsize=10)
    else:
        n = len(groups)
        fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * k + 4.0), max(3.0, 0.22 * n + 2.0)))
        im = ax.imshow(mean, cmap="cividis", aspect="auto", interpolation="nearest", vmin=0.0,
                       vmax=max(1e-9, float(np.nanmax(mean)) if mean.size else 1.0))
        ax.set_xticks(range(k), [_label(f"{t}: {topics[t]}") for t in range(k)], rotation=90, fontsize=7)
        ax.set_yticks(range(n), [_label(g) for g in groups], fontsize=6 if n > 40 else 7)
        ax.set_xlabel("topic")
        ax.set_ylabel("group")
        ax.set_title(f"{title}\n(intervals: in the report's table)", fontsize=10)
        fig.colorbar(im, ax=ax, label="mean topic share (0–1)")
    fig.tight_layout()
    save(fig, out)


def stance_by_group(out: Path, groups: list[str], themes: list[str], poles: dict[str, tuple[str, str]],
                    mean: np.ndarray, low: np.ndarray, high: np.ndarray, ordered: bool, title: str, ci: str) -> None:
    """Mean stance per group with its interval, one panel per theme: a line over ordered groups,
    else one point and interval per group. A group without evidence has no point (NaN).
    """
    plt = _plt()
    m = len(themes)
    n = len(groups)
    if ordered:
        fig, axes = plt.subplots(m, 1, figsize=(8, 2.4 * m + 0.6), squeeze=False, sharex=True)
    else:
        fig, axes = plt.subplots(1, m, figsize=(3.2 * m + 1.5, max(3.0, 0.22 * n + 1.5)), squeeze=False,
                                 sharey=True)
    for j, theme in enumerate(themes):
        ax = axes[j][0] if ordered else axes[0][j]
        colour = OKABE_ITO[j % len(OKABE_ITO)]
        neg, pos = poles[theme]
        if ordered:
            x = np.arange(n)
            ax.fill_between(x, low[:, j], high[:, j], color=colour, alpha=0.25, linewidth=0)
            ax.plot(x, mean[:, j], color=colour, marker="o", markersize=2.5, linewidth=1)
            ax.axhline(0, color="grey", linewidth=0.8)
            ax.set_ylim(-1.05, 1.05)
            ax.set_ylabel(f"−1 {neg} / +1 {pos}", fontsize=7)
            _ticks(ax, n, groups, 12)
        else:
            y = np.arange(n)
            err = np.vstack([mean[:, j] - low[:, j], high[:, j] - mean[:, j]])
            ax.errorbar(mean[:, j], y, xerr=np.nan_to_num(err), fmt="o", markersize=3, color=colour,
                        capsize=2, linewidth=1)
            ax.axvline(0, color="grey", linewidth=0.8)
            ax.set_xlim(-1.05, 1.05)
            ax.set_xlabel(f"−1 {neg} / +1 {pos}", fontsize=7)
            ax.set_yticks(y, [_label(g) for g in groups], fontsize=6 if n > 40 else 7)
            if j == 0:  # the y axis is shared: inverting it once puts the first group on top
                ax.invert_yaxis()
        ax.set_title(theme, fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    shown = "shaded" if ordered else "bars"
    fig.suptitle(f"{title}\n({shown}: {ci} over documents; no point: no evidence)", fontsize=10)
    fig.tight_layout()
    save(fig, out)
