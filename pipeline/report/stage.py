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
        "methods": [methods.corpus(groups["corpus"]), methods.preprocess(groups["preprocess"])],
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
