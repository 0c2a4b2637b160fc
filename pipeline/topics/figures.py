"""Figures of the topics stage (palette, set-up and the byte-stable save: :mod:`pipeline.figures`)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from ..figures import OKABE_ITO, pyplot
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
    """One horizontal bar chart of top-word weights per topic."""
    k = len(topics)
    cols = min(4, k)
    rows = math.ceil(k / cols)
    fig, axes = new_figure(figsize=(3.2 * cols, 2.6 * rows), nrows=rows, ncols=cols, squeeze=False)
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
        unstable = " (unstable)" if flags and flags[t] else ""
        ax.set_title(f"{t}: {labels[t]}{unstable}", fontsize=8)
    fig.suptitle("Top words per topic (weight = probability of the word in the topic)")
    save_figure(fig, path)


def heatmap(path: Path, M: np.ndarray, row_labels: Sequence[str], col_labels: Sequence[str], title: str,
            xlabel: str, ylabel: str, cbar: str) -> None:
    """A labelled heatmap on the cividis scale."""
    n, m = M.shape
    fig, ax = new_figure(figsize=(max(6.0, 0.45 * m + 4.0), max(4.0, 0.22 * n + 2.0)))
    im = ax.imshow(M, cmap="cividis", aspect="auto", vmin=0.0, vmax=max(1e-9, float(M.max()) if M.size else 1.0),
                   interpolation="nearest")
    ax.set_xticks(range(m), col_labels, rotation=90, fontsize=7)
    ax.set_yticks(range(n), row_labels, fontsize=6 if n > 40 else 7)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label=cbar)
    save_figure(fig, path)


def prevalence_over_time(path: Path, dates: Sequence, P: np.ndarray, labels: Sequence[str], unit: str) -> None:
    """Small multiples: each topic's mean share per period, dates on a date axis."""
    k = P.shape[1]
    if not len(dates):
        fig, ax = new_figure(figsize=(6, 2))
        ax.axis("off")
        ax.set_title("Topic prevalence over time: no document has a date")
        save_figure(fig, path)
        return
    import matplotlib.dates as mdates

    cols = min(4, k)
    rows = math.ceil(k / cols)
    fig, axes = new_figure(figsize=(3.2 * cols, 2.2 * rows), nrows=rows, ncols=cols, squeeze=False,
                           sharex=True, sharey=True)
    for t in range(rows * cols):
        ax = axes[t // cols][t % cols]
        if t >= k:
            ax.axis("off")
            continue
        ax.plot(dates, P[:, t], color=OKABE_ITO[0], marker="o", markersize=2.5, linewidth=1)
        ax.set_title(f"{t}: {labels[t]}", fontsize=8)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=5, interval_multiples=False))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.tick_params(labelsize=6)
        if t % cols == 0:
            ax.set_ylabel("mean topic share", fontsize=7)
    fig.suptitle(f"Topic prevalence over time (mean share of segments per {unit}, by document date)")
    save_figure(fig, path)


def message(path: Path, text: str) -> None:
    """A small figure that only says ``text`` (an output that has nothing to show this time)."""
    fig, ax = new_figure(figsize=(5.0, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10)
    save_figure(fig, path)


def score_curves(path: Path, ks: Sequence[int], scores: dict[str, Sequence[float]], chosen: int, title: str,
                 ylabels: dict[str, str]) -> None:
    """One panel per score against k; the chosen k is marked."""
    names = list(scores)
    fig, axes = new_figure(figsize=(3.4 * len(names), 3.0), nrows=1, ncols=len(names), squeeze=False)
    for i, name in enumerate(names):
        ax = axes[0][i]
        ax.plot(ks, scores[name], color=OKABE_ITO[i % len(OKABE_ITO)], marker="o")
        ax.axvline(chosen, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_xlabel("number of topics k")
        ax.set_ylabel(ylabels.get(name, name))
        ax.set_title(name)
        ax.set_xticks(list(ks))
    fig.suptitle(title)
    save_figure(fig, path)
