"""Stage ``report``: the stages' outputs in, ``reports/index.md`` and ``reports/index.html`` out.

Every number in the report is read from an output file of a stage; nothing
is typed by hand. A missing input is a one-line error naming the file and the
stage that writes it.
"""
from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

from .. import config as C
from ..errors import UserError
from ..io import write_text
from . import figures, methods
from .provenance import provenance
from .render import markdown_to_html, render_markdown

log = logging.getLogger("report")

SCHEMA = C.Section(
    {
        "title": C.Str(),
        "max_rows": C.Int(min=5),
        "group_by": C.Str(nullable=True),
        "evidence_per_pole": C.Int(min=1),
        "excerpt_chars": C.Int(min=40),
    }
)


class Inputs:
    """Paths of everything the report reads, relative to ``root``; each named with its stage."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str, stage: str) -> Path:
        p = self.root / rel
        if not p.is_file():
            raise UserError(f"{rel}: missing; it is written by stage '{stage}' (run `dvc repro {stage}`)")
        return p

    def csv(self, rel: str, stage: str) -> list[dict]:
        with open(self.path(rel, stage), encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def json(self, rel: str, stage: str) -> Any:
        return json.loads(self.path(rel, stage).read_text(encoding="utf-8"))

    def figure(self, rel: str, stage: str) -> str:
        """A figure's path relative to ``reports/`` (where index.md lives)."""
        self.path(rel, stage)
        return str(Path(rel).relative_to("reports"))


def _int(v: str) -> int:
    return int(v) if v not in ("", None) else 0


def corpus_section(inp: Inputs, cfg: dict) -> dict:
    rows = inp.csv("reports/tables/corpus.csv", "ingest")
    dups = inp.csv("reports/tables/duplicates.csv", "ingest")
    kept = [r for r in rows if r["status"] == "kept"]
    dates = sorted(r["date"] for r in kept if r["date"])
    tokens = [_int(r["tokens"]) for r in kept]
    fig = None
    if figures.documents_over_time(dates, inp.root / "reports/figures/corpus_timeline.png"):
        fig = "figures/corpus_timeline.png"
    return {
        "documents": len(kept),
        "skipped": [r for r in rows if r["status"] != "kept"],
        "dated": len(dates),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "paragraphs": sum(_int(r["paragraphs"]) for r in kept),
        "tokens": sum(tokens),
        "tokens_min": min(tokens) if tokens else 0,
        "tokens_max": max(tokens) if tokens else 0,
        "table": kept[: cfg["max_rows"]],
        "table_total": len(kept),
        "warnings": [r for r in rows if r["warnings"]][: cfg["max_rows"]],
        "warnings_total": sum(1 for r in rows if r["warnings"]),
        "duplicates": dups[: cfg["max_rows"]],
        "duplicates_total": len(dups),
        "duplicates_dropped": sum(1 for d in dups if d["action"] == "dropped"),
        "figure": fig,
    }


def preprocess_section(inp: Inputs, cfg: dict) -> dict:
    return {
        "metrics": inp.json("reports/metrics/preprocess.json", "preprocess"),
        "phrases": inp.csv("reports/tables/phrases.csv", "preprocess")[:20],
    }


def tfidf_section(inp: Inputs, cfg: dict) -> dict:
    corpus_terms = inp.csv("reports/tables/tfidf_corpus_terms.csv", "tfidf")
    keyness = inp.csv("reports/tables/keyness.csv", "tfidf")
    by_doc: dict[str, dict[str, list[str]]] = {}
    for r in keyness:
        entry = by_doc.setdefault(r["doc_id"], {"over": [], "under": []})
        if len(entry[r["direction"]]) < 8:
            entry[r["direction"]].append(r["term"])
    docs = list(by_doc.items())
    return {
        "corpus_terms": corpus_terms[:20],
        "keyness": docs[: cfg["max_rows"]],
        "keyness_total": len(docs),
        "similarity_figure": inp.figure("reports/figures/doc_similarity.png", "tfidf"),
    }


def _float(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


def topics_section(inp: Inputs, cfg: dict) -> dict:
    metrics = inp.json("reports/metrics/topics.json", "topics")
    topics = inp.csv("reports/tables/topics.csv", "topics")
    selection = inp.csv("reports/tables/topic_selection.csv", "topics")
    excerpts = inp.csv("reports/tables/topic_segments.csv", "topics")
    by_topic: dict[str, list[dict]] = {}
    for r in excerpts:
        r = dict(r, excerpt=r["excerpt"][: cfg["excerpt_chars"]])
        by_topic.setdefault(r["topic"], []).append(r)
    figs = {
        "words": inp.figure("reports/figures/topic_words.png", "topics"),
        "documents": inp.figure("reports/figures/topic_documents.png", "topics"),
        "selection": inp.figure("reports/figures/topic_selection.png", "topics"),
    }
    optional = {"time": "reports/figures/topic_time.png", "selection_cv": "reports/figures/topic_selection_cv.png"}
    for key, rel in optional.items():  # drawn only when dates exist / c_v was computed
        figs[key] = str(Path(rel).relative_to("reports")) if (inp.root / rel).is_file() else None
    return {"metrics": metrics, "topics": topics, "selection": selection, "excerpts": by_topic, "figures": figs}


def stance_section(inp: Inputs, cfg: dict) -> dict:
    by_doc = inp.csv("reports/tables/stance_by_document.csv", "stance")
    by_theme = inp.csv("reports/tables/stance_by_theme.csv", "stance")
    evidence = inp.csv("reports/tables/stance_evidence.csv", "stance")
    kept: dict[tuple, int] = {}
    shown = []
    for r in evidence:
        key = (r["doc_id"], r["theme"], r["pole"])
        if kept.get(key, 0) < cfg["evidence_per_pole"]:
            kept[key] = kept.get(key, 0) + 1
            shown.append(r)  # `marked`: the stance stage's escaped Markdown, terms marked by token span
    return {
        "by_theme": by_theme,
        "by_doc": by_doc[: cfg["max_rows"] * 3],
        "by_doc_total": len(by_doc),
        "evidence": shown[: cfg["max_rows"] * 2],
        "evidence_total": len(evidence),
        "heatmap": inp.figure("reports/figures/stance_heatmap.png", "stance"),
        "over_time": (str(Path("figures/stance_over_time.png"))
                      if (inp.root / "reports/figures/stance_over_time.png").is_file() else None),
    }


def validation_section(inp: Inputs) -> dict:
    return {
        "metrics": inp.json("reports/metrics/stance_eval.json", "stance_eval"),
        "table": inp.csv("reports/tables/stance_eval.csv", "stance_eval"),
    }


def build_context(root: Path, params: dict, params_file: Path, project: Path) -> dict:
    """Everything the template shows, read from the stages' outputs under ``root``."""
    from ..stages import validate_params

    groups = validate_params(params)
    rcfg = C.group(params, "report", SCHEMA)
    inp = Inputs(root)
    return {
        "title": rcfg["title"],
        "cfg": rcfg,
        "corpus": corpus_section(inp, rcfg),
        "preprocess": preprocess_section(inp, rcfg),
        "tfidf": tfidf_section(inp, rcfg),
        "topics": (topics := topics_section(inp, rcfg)),
        "stance": stance_section(inp, rcfg),
        "validation": validation_section(inp),
        "methods": [
            methods.corpus(groups["corpus"]),
            methods.preprocess(groups["preprocess"]),
            methods.tfidf(groups["tfidf"]),
            methods.lda(groups["lda"], topics["metrics"].get("k")),
            methods.stance(groups["stance"], groups["themes"]),
        ],
        "prov": provenance(project, params_file, params),
    }


def run(params: dict, params_file: Path, root: Path, project: Path) -> None:
    """Write ``reports/index.md`` and ``reports/index.html`` under ``root``."""
    context = build_context(root, params, params_file, project)
    text = render_markdown(context)
    reports = root / "reports"
    write_text(reports / "index.md", text)
    write_text(reports / "index.html", markdown_to_html(text, reports, context["title"]))
    log.info("wrote %s and %s", reports / "index.md", reports / "index.html")
