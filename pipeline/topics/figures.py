"""Figures of the topics stage (palette, set-up and the byte-stable save: :mod:`pipeline.figures`)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from ..figures import OKABE_ITO, adjacent_runs, date_axis, pyplot, text_inches, wrap
from ..figures import save as _save

FAMILY = "topics"


def new_figure(figsize: tuple[float, float] = (8, 6), nrows: int = 1, ncols: int = 1, **kw):
    """A figure and its axes, pyplot set up for the topics stage's figures."""
    return pyplot(FAMILY).subplots(nrows, ncols, figsize=figsize, **kw)


def save_figure(fig, path: str | Path) -> None:
    """Lay out tightly and save (:func:`pipeline.figures.save`)."""
    _save(fig, path, FAMILY, tight_layout=True)


def top_words_grid(path: Path, topics: Sequence[Sequence[tuple[str, float]]], labels: Sequence[str],
                   flags: Sequence[bool] = ()) -> None:
    """One horizontal bar chart of top-word weights per topic, each panel as wide as its words need."""
    from matplotlib.ticker import MaxNLocator

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
        ax.xaxis.set_major_locator(MaxNLocator(3))
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
