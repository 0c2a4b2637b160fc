"""Evidence tables with marked terms, and the figures (palette and save: :mod:`pipeline.figures`).

Evidence is Markdown: target terms in **bold**, cues in _italics_; the corpus
text around them is escaped so a stray ``*`` or ``_`` in an article cannot
change the formatting.
"""
from __future__ import annotations

from pathlib import Path

from ..figures import OKABE_ITO, pyplot, save
from ..io import markdown_escape as md_escape


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


def mark(text: str, tokens: list[str], targets: list[list[int]], cues: list[list[int]]) -> str:
    """``text`` escaped, with target token spans in **bold** and cue spans in _italics_."""
    offsets = token_offsets(text, tokens)
    spans = []
    for style, group in (("**", targets), ("_", cues)):
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
        out.append(f"{style}{md_escape(text[a:b])}{style}")
        pos = b
    out.append(md_escape(text[pos:]))
    return "".join(out)


FAMILY = "stance"


def _save(fig, path: Path) -> None:
    save(fig, path, FAMILY)


def _plt():
    return pyplot(FAMILY)


def heatmap(path: Path, docs: list[str], labels: list[str], themes: list[str], cells: dict,
            total: int | None = None) -> None:
    """Document x theme: stance as colour (RdBu, diverging), salience and n annotated.

    ``cells[(doc, theme)]`` is a summary from :func:`aggregate.summarise`; a
    cell without evidence is grey and says so. ``total``: the corpus' number
    of documents when ``docs`` is only the first of them (said in the title).
    """
    import numpy as np

    plt = _plt()
    grid = np.full((len(docs), len(themes)), np.nan)
    for i, d in enumerate(docs):
        for j, t in enumerate(themes):
            s = cells[(d, t)]["stance"]
            grid[i, j] = np.nan if s is None else s
    fig, ax = plt.subplots(figsize=(4.5 + 1.6 * len(themes), 1.6 + 0.55 * len(docs)))
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#d9d9d9")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    for i, d in enumerate(docs):
        for j, t in enumerate(themes):
            c = cells[(d, t)]
            if c["stance"] is None:
                text = "no evidence"
            else:
                text = f"{c['stance']:+.2f}\nsal {c['salience']:.1f}, n={c['sentences']}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if c["stance"] is not None and abs(c["stance"]) > 0.6 else "black")
    ax.set_xticks(range(len(themes)), themes)
    ax.set_yticks(range(len(docs)), labels, fontsize=7)
    ax.set_xlabel("theme")
    ax.set_ylabel("document")
    more = f", first {len(docs)} of {total} documents" if total is not None and total > len(docs) else ""
    ax.set_title(f"Stance by document and theme{more}\n(colour: mean stance; sal: mentions per 1,000 words)",
                 fontsize=10)
    fig.colorbar(im, ax=ax, label="mean stance (-1 to 1)")
    fig.tight_layout()
    _save(fig, path)


def over_time(path: Path, themes: list[str], by_date: dict, poles: dict) -> None:
    """Mean stance per date and theme, with bootstrap intervals; undated documents are left out."""
    import datetime as dt

    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4))
    # Okabe-Ito: categorical and colour-blind safe (themes are categories, not a scale).
    okabe_ito = OKABE_ITO
    plotted = False
    for k, theme in enumerate(themes):
        pts = sorted((d, s) for (d, t), s in by_date.items() if t == theme and d and s["stance"] is not None)
        if not pts:
            continue
        x = [dt.date.fromisoformat(d) for d, _ in pts]
        y = [s["stance"] for _, s in pts]
        lo = [s["stance"] - (s["ci_low"] if s["ci_low"] is not None else s["stance"]) for _, s in pts]
        hi = [(s["ci_high"] if s["ci_high"] is not None else s["stance"]) - s["stance"] for _, s in pts]
        neg, pos = poles[theme]
        ax.errorbar(x, y, yerr=[lo, hi], marker="o", capsize=3, color=okabe_ito[k % len(okabe_ito)],
                    label=f"{theme} (-1 {neg}, +1 {pos})")
        plotted = True
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("date")
    ax.set_ylabel("mean stance (95% bootstrap interval)")
    ax.set_title("Stance over time per theme")
    if plotted:
        ax.legend(fontsize=7, loc="best")
        fig.autofmt_xdate()
    else:
        ax.text(0.5, 0.5, "no dated evidence", ha="center", va="center", transform=ax.transAxes)
    fig.tight_layout()
    _save(fig, path)
