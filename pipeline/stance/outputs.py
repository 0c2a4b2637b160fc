"""Evidence tables with marked terms, and the figures (palette and save: :mod:`pipeline.figures`).

Evidence is Markdown: target terms in **bold**, theme cues in _italics_, words
of the general polarity lexicon (VADER), a weaker signal, in _italics_ with a
dagger (†); the corpus text around them is escaped so a stray ``*`` or ``_``
in an article cannot change the formatting.
"""
from __future__ import annotations

from pathlib import Path

from ..figures import OKABE_ITO, pyplot, save
from ..core.io import EVIDENCE_LEGEND as LEGEND  # noqa: F401  (re-exported)
from ..core.io import LEXICON_MARK
from ..core.io import markdown_escape as md_escape


def token_offsets(text: str, tokens: list[str]) -> list[tuple[int, int] | None]:
    """Character span of each token in ``text``, found left to right (None if absent)."""
    out: list[tuple[int, int] | None] = []
    pos = 0
    for tok in tokens:
        i = text.find(tok, pos)
        if i < 0:
            out.append(None)
            continue
        out.append((i, i + len(tok)))
        pos = i + len(tok)
    return out




def mark(text: str, tokens: list[str], targets: list[list[int]], cues: list[list[int]],
         lexicon: list[list[int]] = ()) -> str:
    """``text`` escaped, with target token spans in **bold**, theme cues in _italics_ and lexicon words marked.

    Parameters
    ----------
    text : str
        The sentence as written.
    tokens : list of str
        Its tokens, found left to right in ``text``.
    targets, cues, lexicon : list of [start, end)
        Token spans of target mentions, theme cues, and words that count only
        through the general polarity lexicon; the last are in _italics_
        followed by ``LEXICON_MARK``, so a reader can tell a theme's own
        vocabulary from generic sentiment.
    """
    offsets = token_offsets(text, tokens)
    spans = []
    for style, group in (("**", targets), ("_", cues), ("lex", lexicon)):
        for start, end in group:
            a, b = offsets[start], offsets[end - 1]
            if a is not None and b is not None:
                spans.append((a[0], b[1], style))
    spans.sort()
    out, pos = [], 0
    for a, b, style in spans:
        if a < pos:  # overlapping spans (a target that is also a cue): first one wins
            continue
        out.append(md_escape(text[pos:a]))
        if style == "lex":
            out.append(f"_{md_escape(text[a:b])}_{LEXICON_MARK}")
        else:
            out.append(f"{style}{md_escape(text[a:b])}{style}")
        pos = b
    out.append(md_escape(text[pos:]))
    return "".join(out)


FAMILY = "stance"


def _save(fig, path: Path) -> None:
    save(fig, path, FAMILY)


def _plt():
    return pyplot(FAMILY)


def row_label(doc: str, title: str = "", width: int = 34) -> str:
    """A heatmap row label: the document id, and its title shortened at a word boundary below it.

    Parameters
    ----------
    doc : str
        The document id, kept whole unless longer than ``width``.
    title : str
        Its title; cut at a space (never mid-word or at a hyphen) with " …".
    width : int
        Characters per line.

    Returns
    -------
    str
        One or two lines.
    """
    import textwrap

    doc = doc if len(doc) <= width else doc[: width - 1] + "…"
    title = textwrap.shorten(title, width, placeholder=" …", break_on_hyphens=False) if title else ""
    return f"{doc}\n{title}" if title else doc


def heatmap(path: Path, docs: list[str], labels: list[str], themes: list[str], cells: dict,
            total: int | None = None, min_sentences: int | None = None) -> None:
    """Document x theme: stance as colour (RdBu, diverging), every cell with its n.

    Parameters
    ----------
    path : Path
        The PNG written.
    docs, labels : list of str
        Documents (rows) and their labels.
    themes : list of str
        Columns.
    cells : dict
        ``cells[(doc, theme)]``: a summary from :func:`aggregate.summarise`. A
        cell without evidence is grey and says so; a cell whose ``ci_note``
        says there are too few sentences is hatched and says "too few", with
        its n, instead of a colour: one sentence's stance is not a document's.
    total : int, optional
        The corpus' number of documents when ``docs`` is only the first of them (said in the title).
    min_sentences : int, optional
        ``stance.bootstrap.min_sentences``, named in the title.
    """
    import numpy as np
    from matplotlib.patches import Patch, Rectangle

    plt = _plt()
    grid = np.full((len(docs), len(themes)), np.nan)
    for i, d in enumerate(docs):
        for j, t in enumerate(themes):
            c = cells[(d, t)]
            if c["stance"] is not None and not c.get("ci_note"):
                grid[i, j] = c["stance"]
    fig, ax = plt.subplots(figsize=(5.5 + 1.5 * len(themes), 2.6 + 0.55 * len(docs)))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#eeeeee")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    for i, d in enumerate(docs):
        for j, t in enumerate(themes):
            c = cells[(d, t)]
            if c["stance"] is None:
                text, colour = "no evidence", "#555555"
            elif c.get("ci_note"):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="none", edgecolor="#aaaaaa",
                                       hatch="///", linewidth=0))
                text, colour = f"too few\nn = {c['sentences']}", "black"
            else:
                text = f"{c['stance']:+.2f}\nn = {c['sentences']}, sal {c['salience']:.1f}"
                colour = "white" if abs(c["stance"]) > 0.6 else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour,
                    bbox=None if colour != "black" or c["stance"] is None or not c.get("ci_note")
                    else {"facecolor": "#eeeeee", "edgecolor": "none", "pad": 1})
    ax.set_xticks(range(len(themes)), themes)
    ax.set_yticks(range(len(docs)), labels, fontsize=7)
    ax.set_xlabel("theme")
    ax.set_ylabel("document")
    more = f", first {len(docs)} of {total} documents" if total is not None and total > len(docs) else ""
    ax.set_title(f"Stance by document and theme{more}\n(colour: mean stance; n: relevant sentences; "
                 "sal: mentions per 1,000 words)", fontsize=9)
    few = "too few sentences" + (f" (fewer than {min_sentences})" if min_sentences else "")
    ax.legend(handles=[Patch(facecolor="#eeeeee", edgecolor="#aaaaaa", hatch="///", label=few + ": no colour"),
                       Patch(facecolor="#eeeeee", edgecolor="#aaaaaa", label="no evidence: theme not mentioned")],
              loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(docs) > 3 else -0.2), ncol=1, fontsize=7,
              frameon=False)
    fig.colorbar(im, ax=ax, label="mean stance (−1 to +1)")
    fig.tight_layout()
    _save(fig, path)


def over_time(path: Path, themes: list[str], by_period: dict, poles: dict, unit: str = "day", undated: int = 0,
              total: int | None = None, confidence: float = 0.95) -> None:
    """Mean stance per period and theme, one panel per theme, as points labelled with their n.

    Parameters
    ----------
    path : Path
        The PNG written.
    themes : list of str
        One panel each.
    by_period : dict
        ``(period as ISO date, theme)`` -> summary (:func:`aggregate.summarise`, pooled over the
        period's documents). A summary with ``ci_note`` is drawn as an open point without an interval.
    poles : dict
        Theme -> (name of its -1 pole, name of its +1 pole).
    unit : str
        ``"day"`` or ``"month"``: what a period is.
    undated, total : int
        Documents without a date (left out; said in the title) and all documents.
    confidence : float
        Coverage of the intervals drawn, for the axis label.

    Notes
    -----
    Points of adjacent periods are joined; across a period without a dated
    document no line is drawn, so a few dated documents over years read as
    the few observations they are.
    """
    import datetime as dt

    from matplotlib.lines import Line2D

    from ..figures import adjacent_runs, date_axis, wrap

    plt = _plt()
    m = max(1, len(themes))
    fig, axes = plt.subplots(m, 1, figsize=(8, 1.9 * m + 1.4), squeeze=False, sharex=True)
    okabe_ito = OKABE_ITO
    periods = sorted({dt.date.fromisoformat(d) for (d, _t), s in by_period.items() if s["stance"] is not None})
    left_out = f"{undated} of {total} documents undated, left out" if undated and total else "every document dated"
    for k, theme in enumerate(themes):
        ax = axes[k][0]
        colour = okabe_ito[k % len(okabe_ito)]
        pts = sorted((dt.date.fromisoformat(d), s) for (d, t), s in by_period.items()
                     if t == theme and s["stance"] is not None)
        for run in adjacent_runs([d for d, _ in pts], unit):
            if len(run) > 1:
                ax.plot([pts[i][0] for i in run], [pts[i][1]["stance"] for i in run], color=colour, linewidth=1)
        for d, s in pts:
            if s["ci_low"] is not None:
                ax.errorbar([d], [s["stance"]], yerr=[[s["stance"] - s["ci_low"]], [s["ci_high"] - s["stance"]]],
                            fmt="o", color=colour, capsize=3, markersize=5)
            else:
                ax.plot([d], [s["stance"]], "o", markerfacecolor="white", markeredgecolor=colour, markersize=5)
            if len(pts) <= 15:
                # Toward the middle of the axis, so a label never runs over the frame.
                right = bool(periods) and d > periods[0] + (periods[-1] - periods[0]) / 2
                ax.annotate(f"n={s['sentences']} ({s['documents']} doc{'' if s['documents'] == 1 else 's'})",
                            (d, s["stance"]), textcoords="offset points", xytext=(-6 if right else 6, 4),
                            ha="right" if right else "left", fontsize=6.5, color="#333333")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_ylim(-1.1, 1.1)
        neg, pos = poles[theme]
        ax.set_ylabel(wrap(f"{theme}\n−1 {neg} / +1 {pos}", 1.2, 7), fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
        if not pts:
            ax.text(0.5, 0.5, "no dated evidence", ha="center", va="center", transform=ax.transAxes, fontsize=8)
    if periods:
        date_axis(axes[-1][0], periods, unit)
    axes[-1][0].set_xlabel(f"document date ({unit})")
    handles = [Line2D([], [], marker="o", color="#555555", linestyle="none",
                      label=f"mean with {confidence:.0%} interval (documents resampled)"),
               Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="#555555", linestyle="none",
                      label="mean of too few sentences or documents: no interval")]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=7, frameon=False)
    fig.suptitle(wrap(f"Stance over time per theme: mean stance per {unit}; n: relevant sentences (documents); "
                      f"{left_out}; lines join adjacent {unit}s only", 7.6, 10), fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _save(fig, path)
