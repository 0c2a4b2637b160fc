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
from pathlib import Path

from .io import atomic_path

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

#: figure family -> dots per inch of its PNGs
DPI = {"topics": 100, "tfidf": 100, "stance": 120, "report": 110, "sweep": 100}
#: figure family -> base font size (points)
#: (the stance figures were drawn at 9 pt because the topics figures module set it on import, and every
#: stage entry imported that module to validate ``lda``; 9 keeps them as committed)
FONT_SIZE = {"topics": 9, "tfidf": 9, "stance": 9, "report": 10, "sweep": 10}


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
