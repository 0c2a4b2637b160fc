"""Stage ``report``: the stages' outputs in, ``reports/index.md`` and ``reports/index.html`` out.

Every number in the report is read from an output file of a stage; nothing
is typed by hand. A missing input is a one-line error naming the file and the
stage that writes it.
"""
from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..documents import scored_metadata
from ..core.io import EVIDENCE_LEGEND, write_csv, write_text
from ..core.paths import FILES, Paths
from ..core.text import excerpt
from . import figures, methods
from . import groups as G
from .provenance import provenance
from .render import markdown_to_html, render_markdown

log = logging.getLogger("report")

from ..core.schema.report import SCHEMA  # noqa: E402,F401  (re-exported)

#: What the grouped views write, whether or not ``group_by`` is set (DVC expects every output).
GROUP_TABLES = {"topics": "topics_by_group", "stance": "stance_by_group"}
GROUP_FIGURES = {"topics": "topics_by_group_figure", "stance": "stance_by_group_figure"}
TOPIC_GROUP_FIELDS = ["group", "documents", "topic", "label", "mean", "ci_low", "ci_high", "ci_note"]
STANCE_GROUP_FIELDS = ["group", "theme", "status", "documents", "documents_with_evidence", "sentences", "mentions",
                       "tokens", "salience", "stance", "ci_low", "ci_high", "ci_note"]


class Inputs:
    """The files the report reads, by their name in the contract (:mod:`pipeline.core.paths`)."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self.root = paths.root

    def path(self, name: str) -> Path:
        """The file ``name``; missing, a one-line error naming the stage that writes it (:meth:`Paths.require`)."""
        return self.paths.require(name)

    def csv(self, name: str) -> list[dict]:
        """The rows of CSV file ``name`` as dicts of strings."""
        with open(self.path(name), encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def json(self, name: str) -> Any:
        """The content of JSON file ``name``."""
        return json.loads(self.path(name).read_text(encoding="utf-8"))

    def figure(self, name: str) -> str:
        """A figure's path relative to ``reports/`` (where index.md lives)."""
        self.path(name)
        return self.paths.under_reports(name)

    def optional_figure(self, name: str) -> str | None:
        """Like :meth:`figure`, but None when the stage drew nothing."""
        return self.paths.under_reports(name) if getattr(self.paths, name).is_file() else None


def _int(v: str) -> int:
    return int(v) if v not in ("", None) else 0


def corpus_section(inp: Inputs, cfg: dict) -> dict:
    rows = inp.csv("corpus_table")
    dups = inp.csv("duplicates")
    kept = [r for r in rows if r["status"] == "kept"]
    dates = sorted(r["date"] for r in kept if r["date"])
    tokens = [_int(r["tokens"]) for r in kept]
    fig = None
    if figures.documents_over_time(dates, inp.paths.corpus_timeline, len(kept)):
        fig = inp.paths.under_reports("corpus_timeline")
    not_scored = [r for r in rows if r["status"] == "not scored"]
    languages = Counter(r.get("language") or "?" for r in not_scored)
    doc_dups = [d for d in dups if d["paragraph"] in ("", None)]
    par_dups = [d for d in dups if d["paragraph"] not in ("", None)]
    return {
        "documents": len(kept),
        "skipped": [r for r in rows if r["status"] == "skipped"],
        # Another language than corpus.language: in corpus.jsonl, left out of every later stage.
        "not_scored": not_scored[: cfg["max_rows"]],
        "not_scored_total": len(not_scored),
        "not_scored_languages": sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])),
        "copies": {
            "found": len(doc_dups),
            "exact": sum(1 for d in doc_dups if d["kind"] == "exact document"),
            "near": sum(1 for d in doc_dups if d["kind"] == "near document"),
            "dropped": sum(1 for d in doc_dups if d["action"] == "dropped"),
        },
        "paragraph_copies": {
            "found": len(par_dups),
            "dropped": sum(1 for d in par_dups if d["action"] == "dropped"),
            "kept_whole": sum(1 for d in par_dups if d["action"].startswith("kept: every paragraph")),
        },
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
        "figure": fig,
    }


def preprocess_section(inp: Inputs, cfg: dict) -> dict:
    metrics = inp.json("preprocess_metrics")
    return {
        "metrics": metrics,
        "tokens_per_segment": round(metrics["tokens"] / metrics["segments"], 2) if metrics["segments"] else 0,
        "phrases": inp.csv("phrases")[:20],
    }


def tfidf_section(inp: Inputs, cfg: dict) -> dict:
    corpus_terms = inp.csv("tfidf_corpus_terms")
    keyness = inp.csv("keyness")
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
        "similarity_figure": inp.figure("doc_similarity_figure"),
    }


def _float(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


def topics_section(inp: Inputs, cfg: dict, select_by: str = "c_npmi") -> dict:
    metrics = inp.json("topics_metrics")
    topics = inp.csv("topics_table")
    selection = inp.csv("topic_selection")
    excerpts = inp.csv("topic_segments")
    by_topic: dict[str, list[dict]] = {}
    for r in excerpts:
        r = dict(r, excerpt=excerpt(r["excerpt"], cfg["excerpt_chars"]))
        by_topic.setdefault(r["topic"], []).append(r)
    figs = {
        "words": inp.figure("topic_words_figure"),
        "documents": inp.figure("topic_documents_figure"),
        "selection": inp.figure("topic_selection_figure"),
    }
    optional = {"time": "topic_time_figure", "selection_cv": "topic_selection_cv_figure"}
    for key, name in optional.items():  # drawn only when dates exist / c_v was computed
        figs[key] = inp.optional_figure(name)
    per_topic = [_float(t["c_npmi"]) for t in topics]
    scored = [v for v in per_topic if v is not None]
    unstable = [t for t in topics if t.get("stable") == "no"]
    # Too incoherent to interpret: no topic's top words co-occur more than chance, or the
    # corpus failed the minimum-data check of the topics stage (its caveats).
    incoherent = bool(scored) and all(v < 0 for v in scored)
    # the chosen k's row of the selection table: its u_mass (the metrics file keeps the headline numbers)
    chosen_row = next((r for r in selection if r.get("chosen") == "1"), {})
    chosen = {"u_mass": _float(chosen_row.get("u_mass", ""))}
    return {"metrics": metrics, "chosen": chosen, "topics": topics, "table": topics[: cfg["max_rows"]],
            "selection": selection,
            "excerpts": by_topic, "figures": figs, "unstable": unstable, "incoherent": incoherent,
            "thin": bool(metrics.get("caveats")), "positive_topics": sum(1 for v in scored if v > 0),
            "edge": grid_edge(selection, select_by)}


def grid_edge(selection: list[dict], select_by: str) -> dict | None:
    """Whether the chosen k is at the edge of the searched grid, and the wider grid to try.

    Parameters
    ----------
    selection : list of dict
        Rows of ``topic_selection.csv`` (k, the scores, ``chosen``), as read.
    select_by : str
        ``lda.select_by``: the score the choice maximised (minimised for perplexity).

    Returns
    -------
    dict or None
        None when the grid has fewer than three values or the chosen k lies inside it;
        else ``side`` ("largest" or "smallest"), ``k``, ``grid``, the score's last step
        (``before`` -> ``at``) and ``suggest``: four values continuing past the edge with the
        grid's last step, or below the smallest k half steps down to 2.
    """
    rows = sorted(((int(r["k"]), r) for r in selection), key=lambda kr: kr[0])
    if len(rows) < 3:
        return None
    ks = [k for k, _ in rows]
    chosen = next((k for k, r in rows if r["chosen"] in ("1", "True", "true", "yes")), None)
    if chosen not in (ks[0], ks[-1]):
        return None
    upper = chosen == ks[-1]
    step = (ks[-1] - ks[-2]) if upper else (ks[1] - ks[0])
    if upper:
        suggest = [chosen + i * step for i in range(4)]
    else:
        # Below the grid there is little room (k >= 2): finer steps down to 2.
        fine = max(1, step // 2)
        suggest = sorted({max(2, chosen - i * fine) for i in range(4)})
    by_k = dict(rows)
    neighbour = ks[-2] if upper else ks[1]
    return {"side": "largest" if upper else "smallest", "k": chosen, "grid": ks, "score": select_by,
            "before": _float(by_k[neighbour].get(select_by, "")), "neighbour": neighbour,
            "at": _float(by_k[chosen].get(select_by, "")), "suggest": suggest}


def stance_section(inp: Inputs, cfg: dict, themes: dict | None = None) -> dict:
    """The stance section: tables, evidence, figures, and what each theme's −1 and +1 mean.

    ``themes`` is the validated ``themes`` group: each theme's poles, their signs and
    descriptions (``lexicon/themes/*.yaml``), shown so a reader knows what a sign means.
    """
    poles = []
    for name, th in (themes or {}).items():
        by_sign = {v["sign"]: (p, v.get("description", "")) for p, v in th["poles"].items()}
        poles.append({"theme": name, "negative": by_sign.get(-1, ("", "")), "positive": by_sign.get(1, ("", ""))})
    by_doc = inp.csv("stance_by_document")
    by_theme = inp.csv("stance_by_theme")
    evidence = inp.csv("stance_evidence")
    kept: dict[tuple, int] = {}
    shown = []
    for r in evidence:
        key = (r["doc_id"], r["theme"], r["pole"])
        if kept.get(key, 0) < cfg["evidence_per_pole"]:
            kept[key] = kept.get(key, 0) + 1
            shown.append(r)  # `marked`: the stance stage's escaped Markdown, terms marked by token span
    return {
        "poles": poles,
        "by_theme": by_theme,
        "by_doc": by_doc[: cfg["max_rows"] * 3],
        "by_doc_total": len(by_doc),
        "evidence": shown[: cfg["max_rows"] * 2],
        "evidence_total": len(evidence),
        "documents": len({r["doc_id"] for r in by_doc}),
        "heatmap": inp.figure("stance_heatmap"),
        "over_time": inp.optional_figure("stance_over_time"),
    }


def validation_section(inp: Inputs) -> dict:
    """Per gold file of ``stance.validation``: role and headline figures; the held-out one first, if any.

    ``headline`` is the first held-out file (None without one): a development
    figure, on sentences the lexicons were written on, is never the headline.
    The figures are read from the stage's tables (``stance_eval_files.csv`` per file,
    ``stance_eval.csv`` per theme), not from its metrics, which keep a headline only.
    """
    table = inp.csv("stance_eval")
    relevance: dict[str, dict[str, float]] = {}
    for r in table:
        if r["scorer"] == "scorer" and r["theme"] not in ("mean per theme", "overall"):
            relevance.setdefault(r["file"], {})[r["theme"]] = float(r["relevance_f1"])
    files = []
    for m in inp.csv("stance_eval_files"):
        by_theme = relevance.get(m["name"], {})
        files.append({"name": m["name"], "role": m["role"], "file": m["file"], "n": int(m["n"]),
                      "macro_f1": _float(m["stance_macro_f1"]),
                      "ci": (_float(m["stance_macro_f1_ci_low"]), _float(m["stance_macro_f1_ci_high"])),
                      "mean_theme": _float(m["mean_theme_stance_macro_f1"]), "alpha": _float(m["stance_alpha"]),
                      "vader": _float(m["baseline_stance_macro_f1"]),
                      "relevance": ", ".join(f"{t} {by_theme[t]:.2f}" for t in sorted(by_theme))})
    held = [f for f in files if f["role"] == "held-out"]
    development = [f for f in files if f["role"] == "development"]
    return {
        "files": held + development,
        "headline": held[0] if held else None,
        "development": development[0] if development else None,
        "table": table,
    }


# ------------------------------------------------------------ grouped views
def corpus_documents(inp: Inputs) -> list[dict]:
    """Id, date and metadata of every scored document (the text is not kept in memory).

    Documents in another language are in ``corpus.jsonl`` but in no later
    stage: counting them in a group would dilute its shares.
    """
    return scored_metadata(inp.path("corpus"))


def meta_columns(docs: list[dict]) -> list[str]:
    """Metadata columns present in the documents, in order of first appearance."""
    return list(dict.fromkeys(k for d in docs for k in d["meta"]))


def _nan(v: float | None) -> float:
    return float("nan") if v is None else v


def _write_placeholders(paths: Paths) -> None:
    """Without ``group_by``: the grouped outputs exist (DVC expects them) and say why they are empty."""
    write_csv(getattr(paths, GROUP_TABLES["topics"]), TOPIC_GROUP_FIELDS, [])
    write_csv(getattr(paths, GROUP_TABLES["stance"]), STANCE_GROUP_FIELDS, [])
    for name, file in GROUP_FIGURES.items():
        figures.placeholder(getattr(paths, file), f"{name.capitalize()} by group: report.group_by is not set")


def grouped_views(inp: Inputs, cfg: dict, docs: list[dict], topics: dict, themes: dict) -> dict:
    """Topic prevalence and stance per group, their tables and figures, and evidence capped per group.

    Writes the full tables (``reports/index_files/{topics,stance}_by_group.csv``) and the figures;
    returns what the template shows: the largest ``max_rows`` groups, the evidence of those groups.
    """
    spec, boot = cfg["group_by"], cfg["bootstrap"]
    assigned = G.assign(docs, spec)
    sizes: dict[str, int] = {}
    for g in assigned.values():
        sizes[g] = sizes.get(g, 0) + 1
    order = G.order(assigned.values(), spec)
    label = G.describe(spec)
    shown = G.largest(order.groups, sizes, cfg["max_rows"])
    # A line has no place for "(missing)"; it stays in the tables.
    candidates = [g for g in order.groups if not (order.ordered and g == G.MISSING)]
    drawn = G.largest(candidates, sizes, cfg["max_groups"])
    more = f" (the {len(drawn)} largest of {len(candidates)} groups)" if len(drawn) < len(candidates) else ""
    ci = f"{boot['confidence']:.0%} bootstrap interval"

    # Topics: document_topics.csv holds each document's token-weighted topic shares.
    dt = inp.csv("document_topics")
    cols = [c for c in (dt[0] if dt else {}) if c.startswith("topic_")]
    shares = np.array([[float(r[c]) for c in cols] for r in dt]).reshape(len(dt), len(cols))
    labels = {int(t["topic"]): t["label"] for t in topics["topics"]}
    trows = G.topics_by_group([r["doc_id"] for r in dt], shares, assigned, order, boot)
    for r in trows:
        r["label"] = labels.get(r["topic"], "")
    write_csv(getattr(inp.paths, GROUP_TABLES["topics"]), TOPIC_GROUP_FIELDS,
              ([r[f] for f in TOPIC_GROUP_FIELDS] for r in trows))
    by_g: dict[str, list[dict]] = {}
    for r in trows:
        by_g.setdefault(r["group"], []).append(r)
    k = len(cols)
    M, L, H = (np.array([[_nan(r[f]) for r in by_g[g]] if g in by_g else [np.nan] * k for g in drawn]).reshape(
        len(drawn), k) for f in ("mean", "ci_low", "ci_high"))
    figures.topics_by_group(getattr(inp.paths, GROUP_FIGURES["topics"]), drawn, [labels.get(t, "") for t in range(k)],
                            M, L, H, order.ordered, f"Mean topic share by {label}{more}", ci)
    topic_rows = [{"group": g, "documents": by_g[g][0]["documents"],
                   "top": sorted(by_g[g], key=lambda r: (-r["mean"], r["topic"]))[:3]} for g in shown if g in by_g]

    # Stance: the stage's per-document summaries, pooled over each group's sentences.
    theme_names = list(themes)
    srows = G.stance_by_group(inp.csv("stance_by_document"), assigned, order,
                              theme_names, boot)
    write_csv(getattr(inp.paths, GROUP_TABLES["stance"]), STANCE_GROUP_FIELDS,
              ([r[f] for f in STANCE_GROUP_FIELDS] for r in srows))
    cells = {(r["group"], r["theme"]): r for r in srows}
    empty = {"stance": None, "ci_low": None, "ci_high": None}
    M, L, H = (np.array([[_nan(cells.get((g, t), empty)[f]) for t in theme_names] for g in drawn]).reshape(
        len(drawn), len(theme_names)) for f in ("stance", "ci_low", "ci_high"))
    signs = {t: {p: v["sign"] for p, v in themes[t]["poles"].items()} for t in theme_names}
    poles = {t: tuple(next((p for p, v in signs[t].items() if v == s), "") for s in (-1, 1)) for t in theme_names}
    figures.stance_by_group(getattr(inp.paths, GROUP_FIGURES["stance"]), drawn, theme_names, poles, M, L, H, order.ordered,
                            f"Mean stance by {label}{more}", ci)
    stance_rows = [{"group": g, "documents": cells[(g, theme_names[0])]["documents"],
                    "cells": [cells[(g, t)] for t in theme_names]} for g in shown if (g, theme_names[0]) in cells]

    evidence = G.evidence_by_group(inp.csv("stance_evidence"), assigned, shown,
                                   signs, cfg["evidence_per_group"])
    return {
        "spec": spec,
        "label": label,
        "ordered": order.ordered,
        "groups_total": len(order.groups),
        "groups_shown": len(shown),
        "groups_drawn": len(drawn),
        "missing": sizes.get(G.MISSING, 0),
        "boot": boot,
        "ci": f"{boot['confidence']:.0%}",
        "themes": theme_names,
        "topics": {"rows": topic_rows, "figure": inp.paths.under_reports(GROUP_FIGURES["topics"]),
                   "table": inp.paths.under_reports(GROUP_TABLES["topics"])},
        "stance": {"rows": stance_rows, "figure": inp.paths.under_reports(GROUP_FIGURES["stance"]),
                   "table": inp.paths.under_reports(GROUP_TABLES["stance"])},
        "evidence": evidence,
    }


def build_context(groups: Mapping[str, dict], paths: Paths, params_file: Path, project: Path) -> dict:
    """Everything the template shows, read from the stages' outputs in ``paths``.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`).
    paths : Paths
        The file contract under the workspace root.
    params_file : Path
        ``params.yaml``, whose hash and seeds the provenance names.
    project : Path
        The git checkout whose commit the provenance names.
    """
    rcfg = groups["report"]
    inp = Inputs(paths)
    docs = None
    if rcfg["group_by"] is not None:
        # Checked before any section is built: a misspelt column costs one line, not a report.
        docs = corpus_documents(inp)
        G.check_column(rcfg["group_by"], meta_columns(docs), listed=groups["corpus"]["columns"]["meta"])
    corpus = corpus_section(inp, rcfg)
    topics = topics_section(inp, rcfg, groups["lda"]["select_by"])
    cap = groups["lda"]["heatmap_max_docs"]
    large = None
    if corpus["documents"] > cap:
        large = {"cap": cap, "similarity_cap": groups["tfidf"]["heatmap_max_docs"],
                 "columns": meta_columns(docs if docs is not None else corpus_documents(inp)),
                 "dates": G.date_choices()}
    if docs is None:
        _write_placeholders(paths)
        grouped = None
    else:
        grouped = grouped_views(inp, rcfg, docs, topics, groups["themes"])
    paragraphs = [
        methods.corpus(groups["corpus"], corpus),
        methods.preprocess(groups["preprocess"]),
        methods.tfidf(groups["tfidf"]),
        methods.lda(groups["lda"], topics["metrics"].get("k"), topics["metrics"].get("perplexity_note")),
        methods.stance(groups["stance"], groups["themes"]),
    ]
    if grouped is not None:
        paragraphs.append(methods.groups(rcfg))
    return {
        "title": rcfg["title"],
        "cfg": rcfg,
        "files": {name: paths.under_reports(name) for name in FILES if FILES[name].startswith("reports/")},
        "themes_dir": FILES["themes_dir"],
        "boot": groups["stance"]["bootstrap"],
        "corpus": corpus,
        "preprocess": preprocess_section(inp, rcfg),
        "tfidf": tfidf_section(inp, rcfg),
        "topics": topics,
        "stance": stance_section(inp, rcfg, groups["themes"]),
        "validation": validation_section(inp),
        "large": large,
        "grouped": grouped,
        "methods": paragraphs,
        "legend": EVIDENCE_LEGEND,
        "prov": provenance(project, params_file, groups),
    }


def run(groups: Mapping[str, dict], paths: Paths, params_file: Path = Path("params.yaml"),
        project: Path = Path(".")) -> None:
    """Run the stage: every stage's outputs in, ``paths.report_md`` and ``paths.report_html`` out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`).
    paths : Paths
        The file contract under the workspace root.
    params_file : Path
        ``params.yaml``, for the provenance.
    project : Path
        The git checkout, for the provenance.
    """
    context = build_context(groups, paths, params_file, project)
    text = render_markdown(context)
    write_text(paths.report_md, text)
    write_text(paths.report_html, markdown_to_html(text, paths.reports_dir, context["title"]))
    log.info("wrote %s and %s", paths.report_md, paths.report_html)
