"""Stage ``stance``: per-theme salience and stance of every segment, with evidence.

Outputs
-------
``data/processed/stance_sentences.jsonl``
    One row per (sentence, theme) that mentions the theme: stance, label,
    target terms and cues with the rules that changed them.
``data/processed/stance_segments.jsonl``
    Segment x theme summaries ("no evidence" where a theme is absent).
``reports/tables/stance_expansion.csv``
    The cues ``stance.expansion`` added (:mod:`.expansion`); only the header when it is off.
``reports/tables/stance_by_document.csv``, ``stance_by_date.csv``, ``stance_by_theme.csv``
    Salience, mean stance, bootstrap interval and label counts; the last is a DVC plot.
``reports/stance_evidence.md``, ``reports/tables/stance_evidence.csv``
    The strongest sentences for each pole, per document and theme.
``reports/figures/stance_heatmap.png``, ``reports/figures/stance_over_time.png``
``reports/metrics/stance.json``
    Headline counts with stable names, one column each in ``dvc exp show``:
    ``relevant_sentences`` (mentioning at least one theme) and ``themes_with_evidence``
    (the documents and sentences scored are counts of other stages' outputs). Per-theme figures are in ``stance_by_theme.csv``: a metric
    named after a theme would be a new column for every theme selected.
"""
from __future__ import annotations

import logging
from itertools import groupby
from pathlib import Path
from typing import Iterator, Mapping

from tqdm import tqdm

from .. import executor as X
from ..core.errors import UserError, progress_enabled
from ..documents import titles as document_titles
from ..core.io import markdown_table, write_csv, write_json, write_jsonl, write_text
from ..core.paths import Paths
from ..segments import SENTENCE_TOKENS, by_document
from . import expansion as E
from .aggregate import aggregate
from .evaluate import (PREDICTION_HEADER, RESAMPLES, SEED, TABLE_HEADER, evaluate_predictions, prediction_rows,
                       read_gold, table_rows)
from .model import Scorer
from .outputs import heatmap, mark, over_time, row_label
from .scoring import Sentence, prepare, word_count
from .themes import gold_names

log = logging.getLogger("stance")

#: The fields of a sentence row that aggregation reads (the rest is only written out).
AGGREGATED = ("segment_id", "doc_id", "date", "theme", "stance", "label")

SUMMARY_FIELDS = ["status", "salience", "mentions", "tokens", "sentences", "documents", "stance", "ci_low",
                  "ci_high", "ci_note", "negative", "neutral", "positive"]


# ----------------------------------------------------------------- pure parts
def score_document(segments: list[dict], scorer: Scorer) -> tuple[list[dict], list[dict]]:
    """Score every sentence of one document's segments for every theme.

    Returns ``(units, rows)``: per segment its word tokens and mentions per
    theme, and one row per relevant (sentence, theme). A segment's sentences are
    tokenised here unless it carries preprocess's ``sentence_tokens``. The window of
    ``stance.window.sentences`` neighbours runs across segment borders but
    never across documents.
    """
    flat = []  # (segment, index in segment, Sentence)
    for seg in segments:
        # preprocess's tokens when the segments carry them; the same tokens as prepare(text) gives
        toks = seg.get(SENTENCE_TOKENS)
        for k, text in enumerate(seg.get("sentences") or []):
            flat.append((seg, k, Sentence(text, tuple(toks[k].split(" ")) if toks[k] else ()) if toks
                         else prepare(text)))
    n = scorer.cfg["window"]["sentences"]
    units = {seg["id"]: {"segment_id": seg["id"], "doc_id": seg["doc_id"], "date": seg.get("date"), "tokens": 0,
                         "sentences": len(seg.get("sentences") or []), "mentions": dict.fromkeys(scorer.themes, 0)} for seg in segments}
    rows = []
    for i, (seg, k, sent) in enumerate(flat):
        units[seg["id"]]["tokens"] += word_count(sent)
        lo, hi = max(0, i - n), min(len(flat), i + n + 1)
        window = [s for _, _, s in flat[lo:hi]]
        for theme in scorer.themes:
            r = scorer.window(window, i - lo, theme)
            if not r.relevant:
                continue
            units[seg["id"]]["mentions"][theme] += len(r.targets)
            rows.append({
                "id": f"{seg['id']}/{k:03d}", "segment_id": seg["id"], "doc_id": seg["doc_id"],
                "date": seg.get("date"), "sentence": k, "theme": theme, "text": sent.text,
                "stance": r.stance, "label": r.label, "pole": scorer.themes[theme].pole_name(r.label),
                "score": r.total, "targets": r.targets, "cues": r.cues,
            })
    return list(units.values()), rows


def evidence(rows: list[dict], per_pole: int, scorer: Scorer) -> list[dict]:
    """The ``per_pole`` strongest sentences of each pole, per document and theme."""
    out = []
    key = lambda r: (r["doc_id"], r["theme"])  # noqa: E731
    for (doc, theme), group in groupby(sorted(rows, key=key), key=key):
        group = list(group)
        for sign in (-1, 1):
            picked = sorted((r for r in group if r["label"] == sign), key=lambda r: (-sign * r["stance"], r["id"]))
            for rank, r in enumerate(picked[:per_pole], 1):
                tokens = list(prepare(r["text"]).tokens)
                focal = [c for c in r["cues"] if c["sentence"] == 0]
                out.append({
                    "doc_id": doc, "theme": theme, "pole": scorer.themes[theme].pole_name(sign), "rank": rank,
                    "stance": r["stance"], "sentence_id": r["id"], "text": r["text"],
                    "marked": mark(r["text"], tokens, [t["span"] for t in r["targets"]],
                                   [c["span"] for c in focal if c["source"] != "lexicon"],
                                   [c["span"] for c in focal if c["source"] == "lexicon"]),
                    "targets": "; ".join(t["term"] for t in r["targets"]),
                    "cues": "; ".join(f"{c['term']} ({c['value']:+.2f}{_cue_notes(c)})" for c in r["cues"]),
                })
    return out


def _cue_notes(cue: dict) -> str:
    """", rule, rule" after a cue's value; an expanded cue says so first."""
    source = cue.get("source")
    notes = ({"expansion": ["expansion"], "lexicon": ["general lexicon"]}.get(source, [])) + list(cue["rules"])
    return "".join(f", {n}" for n in notes)


def _summary_rows(summary: dict, themes: list[str], keys: list) -> Iterator[list]:
    for k in keys:
        for t in themes:
            s = summary[(k, t)]
            yield [k, t] + [s[f] for f in SUMMARY_FIELDS]


# ------------------------------------------------------------------ the stage
def _score_job(scorer: Scorer, segments: list[dict]) -> tuple[list[dict], list[dict]]:
    return score_document(segments, scorer)


def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: ``paths.segments`` (and ``corpus`` for titles) in, scored sentences, tables, figures out.

    The gold files are scored by the ``stance_eval`` stage (:mod:`.validation`), not here.
    Documents are scored in partitions on the executor; the outputs are the same bytes
    whichever it is.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads
        ``stance`` and ``themes``, and ``executor`` when present (absent: this process only).
    paths : Paths
        The file contract under the workspace root.

    Returns
    -------
    dict
        The metrics written to ``paths.stance_metrics``.
    """
    segments, executor = paths.segments, groups.get("executor")
    scorer = Scorer.from_groups(groups["stance"], groups["themes"], corpus=segments,
                                cache_dir=paths.stance_expansion_cache)
    paths.require("segments")
    # Written whether expansion is on or off (then only its header), so the outputs never vary.
    E.write_table(paths.stance_expansion, scorer.expansion)
    themes = list(scorer.themes)
    log.info("scoring themes %s (%s)", ", ".join(themes), X.describe(executor))
    # One document's results at a time: its rows stream to stance_sentences.jsonl and
    # its evidence is picked at once; only what aggregation needs stays in memory
    # (holding every row of 9,252 speeches took 7.7 GB).
    units: list[dict] = []
    rows: list[dict] = []
    ev: list[dict] = []
    docs: list[str] = []
    relevant: set[str] = set()  # sentence ids mentioning at least one theme
    per_pole = scorer.cfg["evidence"]["per_pole"]

    def scored_rows() -> Iterator[dict]:
        scored = X.map_items(_score_job, by_document(segments, paths.sentence_tokens), executor, scorer)
        for u, r in tqdm(scored, desc="stance", unit="doc", disable=not progress_enabled()):
            units.extend(u)
            docs.append(u[0]["doc_id"])
            ev.extend(evidence(r, per_pole, scorer))
            for row in r:
                rows.append({k: row[k] for k in AGGREGATED})
                relevant.add(row["id"])
                yield row

    sentences_path = paths.stance_sentences
    write_jsonl(sentences_path, scored_rows())
    if not units:
        sentences_path.unlink(missing_ok=True)
        raise UserError(f"{segments}: no segments to score")
    # evidence() orders by (document, theme); per document, then a stable sort, is the same order
    ev.sort(key=lambda e: (e["doc_id"], e["theme"]))
    n_sentences = sum(u["sentences"] for u in units)
    log.info("scored %d sentences in %d documents: %d relevant (sentence, theme) pairs", n_sentences, len(docs),
             len(rows))

    boot = scorer.cfg["bootstrap"]
    by_seg = aggregate(units, rows, "segment_id", themes, boot)
    write_jsonl(paths.stance_segments,
                ({"segment_id": k, "theme": t, **by_seg[(k, t)]} for k in (u["segment_id"] for u in units)
                 for t in themes))
    by_doc = aggregate(units, rows, "doc_id", themes, boot)
    titles = document_titles(paths.corpus)
    write_csv(paths.stance_by_document, ["doc_id", "theme"] + SUMMARY_FIELDS,
              _summary_rows(by_doc, themes, docs))
    dated = [u for u in units if u["date"]]
    by_date = aggregate(dated, [r for r in rows if r["date"]], "date", themes, boot) if dated else {}
    dates = sorted({u["date"] for u in dated})
    write_csv(paths.stance_by_date, ["date", "theme"] + SUMMARY_FIELDS,
              _summary_rows(by_date, themes, dates))
    overall = aggregate(units, rows, None, themes, boot)
    write_csv(paths.stance_by_theme, ["theme"] + SUMMARY_FIELDS,
              ([t] + [overall[("corpus", t)][f] for f in SUMMARY_FIELDS] for t in themes))
    log.info("aggregated by segment, document, date and theme")

    ev_header = ["doc_id", "theme", "pole", "rank", "stance", "sentence_id", "text", "targets", "cues", "marked"]
    write_csv(paths.stance_evidence, ev_header, ([e[h] for h in ev_header] for e in ev))
    shown = docs[:scorer.cfg["evidence"]["max_documents"]]
    write_text(paths.stance_evidence_md,
               evidence_markdown(ev, shown, themes, titles, by_doc, scorer, total=len(docs)))
    log.info("evidence: %d sentences", len(ev))

    labels = [row_label(d, titles.get(d, "")) for d in shown]
    heatmap(paths.stance_heatmap, shown, labels, themes, by_doc, total=len(docs),
            min_sentences=boot["min_sentences"])
    poles = {t: (scorer.themes[t].pole_name(-1), scorer.themes[t].pole_name(1)) for t in themes}
    by_period, unit = _by_period(dated, [r for r in rows if r["date"]], themes, boot)
    undated = len(set(docs) - {u["doc_id"] for u in dated})
    over_time(paths.stance_over_time, themes, by_period, poles, unit, undated, len(docs),
              boot["confidence"])
    log.info("figures written")

    metrics = {"relevant_sentences": len(relevant),
               "themes_with_evidence": sum(1 for t in themes if overall[("corpus", t)]["status"] == "evidence")}
    write_json(paths.stance_metrics, metrics)
    return metrics


def _by_period(units: list[dict], rows: list[dict], themes: list[str], boot: dict) -> tuple[dict, str]:
    """Summaries per (period, theme): days, or months when the dates span more than two months.

    Dates a day apart in a corpus spanning years fall in one month and are one
    point with its n, rather than two points drawn on top of each other.
    """
    import datetime as dt

    from ..figures import period_of, period_unit

    unit = period_unit([dt.date.fromisoformat(u["date"]) for u in units])

    def key(d: str) -> str:
        return period_of(dt.date.fromisoformat(d), unit).isoformat()

    units = [dict(u, period=key(u["date"])) for u in units]
    rows = [dict(r, period=key(r["date"])) for r in rows]
    return (aggregate(units, rows, "period", themes, boot) if units else {}), unit


def evidence_markdown(ev: list[dict], docs: list[str], themes: list[str], titles: dict, by_doc: dict,
                      scorer: Scorer, total: int | None = None) -> str:
    """The evidence report: per document and theme, a summary line and a table of sentences.

    ``docs`` are the documents shown (the first ``stance.evidence.max_documents``);
    ``total`` the corpus' count, so a cut is said, not silent.
    """
    from .outputs import LEGEND, md_escape

    lines = ["# Stance evidence", "",
             f"The strongest sentences for each pole, per document and theme. {LEGEND}. "
             "Stance is in [-1, 1]; see `reports/tables/stance_by_document.csv` for all figures.",
             ""]
    if total is not None and total > len(docs):
        lines += [f"The first {len(docs)} of {total} documents (`stance.evidence.max_documents`); every "
                  "document's evidence is in `reports/tables/stance_evidence.csv`, and the report groups "
                  "documents by `report.group_by`.", ""]
    by_cell: dict = {}
    for e in ev:
        by_cell.setdefault((e["doc_id"], e["theme"]), []).append(e)
    for d in docs:
        lines += [f"## {md_escape(d)}" + (f" — {md_escape(titles[d])}" if titles.get(d) else ""), ""]
        for t in themes:
            s = by_doc[(d, t)]
            th = scorer.themes[t]
            if s["status"] != "evidence":
                lines += [f"### {t}: no evidence", ""]
                continue
            ci = f" [{s['ci_low']:+.2f}, {s['ci_high']:+.2f}]" if s["ci_low"] is not None else ""
            lines += [f"### {t}: stance {s['stance']:+.2f}{ci}, salience {s['salience']:.2f} per 1,000 words, "
                      f"{s['negative']} {th.pole_name(-1)} / {s['neutral']} neutral / {s['positive']} "
                      f"{th.pole_name(1)}", ""]
            picked = by_cell.get((d, t), [])
            if not picked:
                lines += ["No sentence passes either pole's threshold.", ""]
                continue
            lines.append(markdown_table(["pole", "stance", "sentence"],
                                        [[e["pole"], f"{e['stance']:+.2f}", e["marked"]] for e in picked]))
    return "\n".join(lines)


def _predictor(scorer: Scorer):
    """``predict(row)``: the scorer's whole judgement (a ``Scored``) of the row's text as one sentence."""
    def predict(row: dict):
        return scorer.sentence(row["text"], row["theme"])

    return predict


def run_evaluate(scorer: Scorer, gold: str | Path, rows_out: str | Path | None = None, *, resamples: int = RESAMPLES,
                 seed: int = SEED) -> dict:
    """The evaluation report of :func:`evaluate.evaluate_predictions` for ``gold`` with ``scorer``.

    Parameters
    ----------
    scorer : Scorer
        The configured scorer (:meth:`Scorer.from_groups`).
    gold : path
        JSON Lines of ``text, theme, relevant, stance``.
    rows_out : path, optional
        Also write one CSV line per gold row there (:data:`evaluate.PREDICTION_HEADER`:
        gold, prediction, the cues and the rules that fired), atomically.
    resamples, seed : int
        Of the bootstrap intervals.
    """
    rows = read_gold(gold, scorer.themes, gold_names({n: t.variant_of for n, t in scorer.themes.items()}))
    log.info("evaluating %d rows of %s", len(rows), gold)
    predict = _predictor(scorer)
    predictions = [predict(r) for r in rows]
    report = evaluate_predictions(rows, predictions, list(scorer.themes), resamples=resamples, seed=seed)
    if rows_out is not None:
        write_csv(rows_out, PREDICTION_HEADER, prediction_rows(rows, predictions))
        log.info("wrote %d rows to %s", len(rows), rows_out)
    return report


def evaluation_markdown(report: dict, gold: str) -> str:
    """The evaluation as Markdown: what the figures mean, the table, and the figures per group if any."""
    b = report["bootstrap"]
    labels = ", ".join(f"{t} {lab:+d}" for t, lab in report["majority_baseline"]["labels"].items())
    text = (f"# Stance evaluation on `{gold}`\n\n{report['n']} rows. Relevance: the theme is mentioned; stance "
            f"macro-F1 over -1/0/1 on the rows whose gold `relevant` is true (a row predicted irrelevant counts "
            f"as 0), pooled over rows (`overall`) and averaged over themes (`mean per theme`, the headline: the "
            f"pooled figure rewards knowing each theme's usual label). Intervals: {round(b['confidence'] * 100)}% "
            f"percentile bootstrap, {b['resamples']} resamples of the rows within each theme (seed {b['seed']}). "
            f"Alpha: Krippendorff's ordinal alpha between gold and predicted stance (empty where undefined). "
            f"The VADER baseline calls every row relevant and labels it by whole-sentence VADER compound (±0.05); "
            f"the majority baseline calls every row relevant and gives it its theme's most frequent gold label "
            f"({labels}).\n\n"
            + markdown_table(TABLE_HEADER, table_rows(report)))
    if "groups" in report:
        def fig(block: dict, key: str) -> str:
            lo, hi = block[f"{key}_ci"]
            return f"{block[key]:.3f} [{lo:.3f}, {hi:.3f}]"

        header = ["group", "rows", "relevant rows", "scorer pooled", "scorer mean per theme", "alpha",
                  "VADER pooled", "VADER mean per theme", "majority pooled", "majority mean per theme"]
        rows = [[g, m["n"], m["n_relevant"], fig(m, "stance_macro_f1"), fig(m, "mean_theme_stance_macro_f1"),
                 "" if m["alpha"] is None else m["alpha"],
                 fig(m["baseline"], "stance_macro_f1"), fig(m["baseline"], "mean_theme_stance_macro_f1"),
                 fig(m["majority_baseline"], "stance_macro_f1"),
                 fig(m["majority_baseline"], "mean_theme_stance_macro_f1")]
                for g, m in report["groups"].items()]
        text += (f"\n\n## By group\n\nStance macro-F1 [{round(b['confidence'] * 100)}% interval] on each "
                 "group's rows.\n\n") + markdown_table(header, rows)
    return text
