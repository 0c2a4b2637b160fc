"""Every text of every figure the report shows lies inside the saved canvas (issue 14).

Each figure is checked as it is saved: the tight bounding box of everything
drawn (titles, tick labels, legends, annotations, colour-bar labels) must lie
within the figure, so no title, label or note is cut at the edge. Figures are
drawn on the seeds by the whole chain, and on stress data with long labels,
many documents and many topics.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

LONG = "Joint statement of the Supreme State Council on sanctions, security and the Union State programmes"


def outside(fig: Figure) -> list[str]:
    """Texts drawn outside the canvas: empty when everything fits."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    w, h = fig.get_size_inches()
    tight = fig.get_tightbbox(renderer)
    tol = 0.02  # inches: anti-aliasing of glyph edges
    if tight.x0 >= -tol and tight.y0 >= -tol and tight.x1 <= w + tol and tight.y1 <= h + tol:
        return []
    cut = []
    for t in fig.findobj(matplotlib.text.Text):
        if not t.get_visible() or not t.get_text().strip() or not t.get_in_layout():
            continue
        bb = t.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
        if bb.x0 < -tol or bb.y0 < -tol or bb.x1 > w + tol or bb.y1 > h + tol:
            cut.append(f"{t.get_text()[:60]!r} at {bb.x0:.2f},{bb.y0:.2f}-{bb.x1:.2f},{bb.y1:.2f} of {w:.2f}x{h:.2f}")
    return cut or [f"tight box {tight} outside {w:.2f}x{h:.2f}"]


def install(log: str | None = None) -> list[str]:
    """Make every ``savefig`` check its figure first; return the list of files saved.

    With ``log``, each saved name (or the problem) is also appended to that
    file: how a stage run in a subprocess reports back.
    """
    saved: list[str] = []
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        # The file's own name, not the temporary one an atomic write saves to first.
        name = re.search(r"([\w-]+\.png)", Path(str(fname)).name).group(1)
        problems = outside(self)
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{name}\t{problems}\n")
        assert not problems, f"{fname}: text outside the canvas: {problems}"
        saved.append(name)
        return original(self, fname, *args, **kwargs)

    Figure.savefig = savefig
    return saved


@pytest.fixture()
def checked(monkeypatch):
    """Every ``savefig`` checks its figure first; returns the list of files saved."""
    monkeypatch.setattr(Figure, "savefig", Figure.savefig)  # restored after the test
    return install()


def test_every_figure_of_the_seed_report_fits(tmp_path, composed_params, root, monkeypatch):
    """The whole chain on the seeds, each stage in its own process with the check installed."""
    from pipeline.chain import run_chain

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os, sys\n"
        "if os.environ.get('FIGURE_CHECK_LOG'):\n"
        f"    sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "    from test_figures_canvas import install\n"
        "    install(os.environ['FIGURE_CHECK_LOG'])\n", encoding="utf-8")
    log = tmp_path / "figures.log"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("FIGURE_CHECK_LOG", str(log))
    params = dict(composed_params)
    params["corpus"] = dict(params["corpus"], path=str(root / "seeds"))
    params["report"] = dict(params["report"], group_by="date:month")
    result = run_chain(tmp_path / "job", root, params)
    lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
    cut = [line for line in lines if not line.endswith("\t[]")]
    assert not cut, cut
    assert result["status"] == "ok", result
    # Every figure of every stage went through the check (the report's grouped ones included).
    names = [line.split("\t")[0] for line in lines]
    for fig in ("doc_similarity", "topic_words", "topic_documents", "topic_time", "topic_selection",
                "stance_heatmap", "stance_over_time", "corpus_timeline", "topics_by_group", "stance_by_group"):
        assert any(f"{fig}.png" in n for n in names), (fig, names)


def test_topic_figures_with_long_labels_fit(checked, tmp_path):
    from pipeline.topics import figures as F

    rng = np.random.default_rng(0)
    labels = ["bezopasnost_soyuznogo_gosudarstva / mezhdunarodnoye_sotrudnichestvo / sanctions"] * 10
    topics = [[(f"word_number_{i}_{t}_with_a_long_phrase", 0.1 / (i + 1)) for i in range(10)] for t in range(10)]
    F.top_words_grid(tmp_path / "w.png", topics, labels, [t % 3 == 0 for t in range(10)])
    docs = [f"2021-0{1 + i % 9}-1{i % 10} {LONG[: 20 + i]}" for i in range(45)]
    F.heatmap(tmp_path / "d.png", rng.random((45, 10)), docs, [f"{t}: {labels[t]}" for t in range(10)],
              "Topic shares per document (first 45 of 9,252 documents)", "topic", "document", "topic share (0–1)")
    periods = [dt.date(2021, 11, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1)]
    F.prevalence_over_time(tmp_path / "t.png", periods, rng.random((3, 10)), labels, "month", [1, 2, 5], 7, 15)
    F.prevalence_over_time(tmp_path / "t0.png", [], np.zeros((0, 10)), labels, "month", [], 5, 5)
    F.score_curves(tmp_path / "s.png", [4, 6, 8, 10, 12], {m: list(rng.random(5)) for m in
                   ("c_npmi", "u_mass", "diversity", "perplexity")}, 8,
                   "Model selection: scores against k (chosen k = 8 by c_npmi)",
                   {"c_npmi": "NPMI coherence (−1 to 1)", "u_mass": "UMass coherence (log, ≤ 0)",
                    "diversity": "unique top-25 words (share)", "perplexity": "held-out perplexity"})
    F.message(tmp_path / "m.png", "C_V coherence not computed (lda.c_v: false)")
    assert len(checked) == 6


def test_similarity_heatmap_fits_and_shows_values_for_few_documents(checked, tmp_path):
    from pipeline.tfidf.stage import similarity_figure

    rng = np.random.default_rng(1)
    few = [f"2021-11-0{i} {LONG}" for i in range(1, 6)]
    S = rng.random((5, 5))
    similarity_figure(tmp_path / "few.png", S, few, 5)
    many = [f"doc_{i:03d} {LONG[: 10 + i]}" for i in range(40)]
    similarity_figure(tmp_path / "many.png", rng.random((40, 40)), many, 900)
    assert checked == ["few.png", "many.png"]


def cell_texts(monkeypatch) -> dict[str, list[str]]:
    """File name -> the texts written inside the axes of each figure saved from now on."""
    texts: dict[str, list[str]] = {}
    original = Figure.savefig

    def savefig(self, fname, *args, **kwargs):
        name = re.search(r"([\w-]+\.png)", Path(str(fname)).name).group(1)
        texts[name] = [t.get_text() for ax in self.axes for t in ax.texts]
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return texts


def test_similarity_heatmap_writes_values_in_cells_only_when_few(monkeypatch, tmp_path):
    from pipeline.tfidf.stage import similarity_figure

    texts = cell_texts(monkeypatch)
    S = np.array([[1.0, 0.25], [0.25, 1.0]])
    similarity_figure(tmp_path / "two.png", S, ["a", "b"], 2)
    assert sorted(texts["two.png"]) == ["0.25", "0.25", "1.00", "1.00"]
    similarity_figure(tmp_path / "many.png", np.eye(30), [str(i) for i in range(30)], 30)
    assert texts["many.png"] == []


def test_stance_figures_fit(checked, tmp_path):
    from pipeline.stance.outputs import heatmap, over_time, row_label

    docs = [f"{i:03d}_{'e05ebabda265589a' * 2}" for i in range(12)]
    labels = [row_label(d, LONG) for d in docs]
    themes = ["sanctions", "security", "ukraine", "nato"]
    cells = {}
    for i, d in enumerate(docs):
        for j, t in enumerate(themes):
            n = (i * 7 + j * 3) % 15
            cells[(d, t)] = {"stance": None if n == 0 else 0.9 - 0.15 * j, "sentences": n, "salience": 12.345,
                             "ci_note": "too few to estimate (n = 2)" if 0 < n < 10 else None}
    heatmap(tmp_path / "h.png", docs, labels, themes, cells, total=900, min_sentences=10)
    poles = {t: ("illegitimate pressure and hostility", "justified and effective measures") for t in themes}
    summary = {"stance": 0.3, "ci_low": 0.1, "ci_high": 0.5, "ci_note": None, "sentences": 120, "documents": 11}
    by_period = {("2021-11-01", "sanctions"): dict(summary, stance=0.95, ci_low=0.9, ci_high=0.99),
                 ("2024-04-01", "sanctions"): dict(summary, stance=-0.98, ci_low=None, ci_high=None),
                 ("2024-04-01", "ukraine"): summary}
    over_time(tmp_path / "o.png", themes, by_period, poles, "month", 2, 5)
    over_time(tmp_path / "o0.png", themes, {}, poles, "day", 5, 5)
    assert checked == ["h.png", "o.png", "o0.png"]


def test_report_figures_fit(checked, tmp_path):
    from pipeline.report import figures as F

    dates = [f"2021-{m:02d}-01" for m in range(1, 13)] * 3
    F.documents_over_time(dates, tmp_path / "timeline.png")
    F.documents_over_time([], tmp_path / "timeline0.png")
    F.placeholder(tmp_path / "p.png", "Topics by group: report.group_by is not set")
    rng = np.random.default_rng(2)
    groups = [f"{LONG[:30]} {i}" for i in range(30)]
    topics = [f"word_{t} / another_long_word / third" for t in range(10)]
    M = rng.random((30, 10))
    for ordered in (True, False):
        F.topics_by_group(tmp_path / f"tg{ordered}.png", groups, topics, M, M - 0.1, M + 0.1, ordered,
                          "Mean topic share by country (the 30 largest of 193 groups)", "95% bootstrap interval")
        S = rng.uniform(-1, 1, (30, 3))
        F.stance_by_group(tmp_path / f"sg{ordered}.png", groups, ["sanctions", "security", "ukraine"],
                          {t: ("illegitimate pressure", "justified measures") for t in ("sanctions", "security",
                                                                                       "ukraine")},
                          S, S - 0.2, S + 0.2, ordered, "Mean stance by country (the 30 largest of 193 groups)",
                          "95% bootstrap interval")
    assert len(checked) == 7


def test_topic_heatmap_writes_values_only_when_few(monkeypatch, tmp_path):
    from pipeline.topics import figures as F

    texts = cell_texts(monkeypatch)
    F.heatmap(tmp_path / "few.png", np.array([[0.7, 0.3], [0.25, 0.75]]), ["a", "b"], ["t0", "t1"], "t", "x", "y", "c")
    assert texts["few.png"] == ["0.70", "0.30", "0.25", "0.75"]
    F.heatmap(tmp_path / "many.png", np.full((30, 4), 0.25), [str(i) for i in range(30)], list("abcd"), "t", "x",
              "y", "c")
    assert texts["many.png"] == []
