"""Tables, figures and metrics of the topics stage (the I/O edge of the stage)."""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np

from ..documents import labels as document_labels
from ..figures import period_of, period_unit
from ..core.io import write_csv, write_json, write_table
from ..core.paths import Paths
from ..core.text import excerpt
from ..segments import read_segments
from . import figures
from .scores import top_word_ids

#: decimals of the topic shares in data/topics
SHARE_DECIMALS = 4

SELECTION_COLUMNS = ["k", "c_npmi", "u_mass", "diversity", "perplexity", "c_v", "chosen"]


def _r(v: float | None, nd: int = 4):
    """Rounded for files; NaN (a score that could not be computed) becomes empty / null."""
    if v is None or not math.isfinite(v):
        return None
    return round(float(v), nd)


def label(words: Sequence[str]) -> str:
    """A topic's label: its three most probable words."""
    return " / ".join(words[:3])


def document_topics(theta: np.ndarray, doc_ids: Sequence[str], weights: Sequence[int]) -> tuple[list[str], np.ndarray]:
    """Topic shares of each document: its segments' shares weighted by their token counts."""
    docs = list(dict.fromkeys(doc_ids))
    pos = {d: i for i, d in enumerate(docs)}
    out = np.zeros((len(docs), theta.shape[1]))
    tot = np.zeros(len(docs))
    for row, d, w in zip(theta, doc_ids, weights):
        w = max(int(w), 1)
        out[pos[d]] += w * row
        tot[pos[d]] += w
    return docs, out / tot[:, None]


def prevalence(theta: np.ndarray, weights: Sequence[int]) -> np.ndarray:
    """Share of the corpus's tokens assigned to each topic (sums to 1)."""
    w = np.maximum(np.asarray(weights, dtype=float), 0)
    if w.sum() == 0:
        w = np.ones(len(w))
    p = (theta * w[:, None]).sum(axis=0)
    return p / p.sum()


def representative(theta: np.ndarray, n_tokens: Sequence[int], n: int, min_tokens: int = 5) -> list[list[int]]:
    """For each topic, the ``n`` segments with its largest share (ties: earlier segment).

    Segments of very few tokens are skipped when possible: a three-word caption
    is 100% one topic without saying much about it.
    """
    ok = np.asarray(n_tokens) >= min_tokens
    if not ok.any():
        ok[:] = True
    out = []
    for t in range(theta.shape[1]):
        col = np.where(ok, theta[:, t], -1.0)
        order = np.lexsort((np.arange(col.size), -col))
        out.append([int(i) for i in order[:n] if col[i] >= 0])
    return out


def by_period(dates: Sequence[str | None], theta: np.ndarray, doc_ids: Sequence[str] | None = None
              ) -> tuple[list[date], np.ndarray, str, list[int], int]:
    """Mean topic share per month (per day when all dates fall within 62 days).

    Returns
    -------
    periods, shares, unit, documents, undated
        The sorted periods, their mean segment shares (periods x topics), ``"day"`` or
        ``"month"``, the documents of each period, and the documents without a date.
    """
    ids = list(doc_ids) if doc_ids is not None else [str(i) for i in range(len(dates))]
    undated = len({d for d, when in zip(ids, dates) if not when} - {d for d, when in zip(ids, dates) if when})
    parsed = [(date.fromisoformat(d), i) for i, d in enumerate(dates) if d]
    if not parsed:
        return [], np.zeros((0, theta.shape[1])), "month", [], undated
    unit = period_unit([p for p, _ in parsed])
    groups: dict[date, list[int]] = defaultdict(list)
    for d, i in parsed:
        groups[period_of(d, unit)].append(i)
    keys = sorted(groups)
    docs = [len({ids[i] for i in groups[k]}) for k in keys]
    return keys, np.array([theta[groups[k]].mean(axis=0) for k in keys]), unit, docs, undated


def excerpts(path: Path, wanted: set[int], chars: int) -> dict[int, str]:
    """Text of the wanted segments (by line number), cut at ``chars`` on a word boundary."""
    out = {}
    for i, seg in enumerate(read_segments(path)):
        if i in wanted:
            out[i] = excerpt(" ".join(seg["sentences"]), chars)
    return out


def write_all(*, cfg: dict, model, dictionary, index, theta: np.ndarray, rows: list[dict], best: dict,
              stab: tuple[list[float], float], paths: Paths, caveats: list[str] | None = None,
              notes: dict[str, str | None] | None = None) -> dict:
    """Write every table, figure and the metrics file; return the metrics.

    ``caveats`` (marginal data, :func:`..corpus.check_data`) go into the
    metrics as ``caveats``; ``notes`` maps a score ("perplexity",
    "stability") to why it is null, written as ``<score>_note``.
    """
    k = model.k
    tw = model.topic_word
    top_ids = top_word_ids(tw, cfg["top_words"])
    words = [[dictionary[i] for i in ids] for ids in top_ids]
    labels = [label(w) for w in words]
    per_stab, overall_stab = stab
    threshold = cfg["stability_threshold"]
    unstable = [bool(math.isfinite(s) and s < threshold) for s in per_stab]
    prev = prevalence(theta, index.n_tokens)
    npmi = best["c_npmi_per_topic"]

    topic_cols = [f"topic_{t}" for t in range(k)]
    # Four decimals: what the shares carry across machines (a CPU with other BLAS kernels moves the
    # sixth, pipeline/blas.py), and what every table of the report shows.
    write_csv(paths.segment_topics, ["id", "doc_id", *topic_cols],
              [(sid, did, *(f"{v:.{SHARE_DECIMALS}f}" for v in row))
               for sid, did, row in zip(index.ids, index.doc_ids, theta)])
    docs, D = document_topics(theta, index.doc_ids, index.n_tokens)
    write_csv(paths.document_topics, ["doc_id", *topic_cols],
              [(d, *(f"{v:.{SHARE_DECIMALS}f}" for v in row)) for d, row in zip(docs, D)])

    header = ["topic", "label", "top_words", "prevalence", "c_npmi", "stability", "stable"]
    trows = []
    for t in range(k):
        tops = " ".join(f"{dictionary[i]} ({tw[t, i]:.3f})" for i in top_ids[t])
        stable = "" if not math.isfinite(per_stab[t]) else ("no" if unstable[t] else "yes")
        trows.append((t, labels[t], tops, _r(prev[t]), _r(npmi[t]), _r(per_stab[t], 3), stable))
    write_table(paths.topics_table, paths.topics_table_md, header, trows)

    reps = representative(theta, index.n_tokens, cfg["representative"])
    texts = excerpts(paths.segments, {i for r in reps for i in r}, cfg["excerpt_chars"])
    rep_rows = [(t, labels[t], rank, index.ids[i], _r(theta[i, t], 3), texts.get(i, ""))
                for t in range(k) for rank, i in enumerate(reps[t], 1)]
    write_table(paths.topic_segments, paths.topic_segments_md,
                ["topic", "label", "rank", "segment", "share", "excerpt"], rep_rows)

    chosen = best["k"]
    write_csv(paths.topic_selection, SELECTION_COLUMNS,
              [(r["k"], _r(r["c_npmi"]), _r(r["u_mass"]), _r(r["diversity"]), _r(r["perplexity"], 2),
                _r(r.get("c_v")), int(r["k"] == chosen)) for r in rows])

    topics = [[(dictionary[i], float(tw[t, i])) for i in top_ids[t]] for t in range(k)]
    figures.top_words_grid(paths.topic_words_figure, topics, labels, unstable)
    shown = min(len(docs), cfg["heatmap_max_docs"])
    more = f" (first {shown} of {len(docs)} documents)" if shown < len(docs) else ""
    figures.heatmap(paths.topic_documents_figure, D[:shown], document_labels(docs[:shown], paths.corpus),
                    [f"{t}: {labels[t]}" for t in range(k)], f"Topic shares per document{more}", "topic",
                    "document", "topic share (0–1)")
    periods, P, unit, n_docs, undated = by_period(index.dates, theta, index.doc_ids)
    # Drawn even without dates (as an empty, titled figure) so the stage's outputs never vary.
    figures.prevalence_over_time(paths.topic_time_figure, periods, P, labels, unit, n_docs, undated, len(docs))
    ks = [r["k"] for r in rows]
    figures.score_curves(paths.topic_selection_figure, ks,
                         {m: [r[m] for r in rows] for m in ("c_npmi", "u_mass", "diversity", "perplexity")},
                         chosen, f"Model selection: scores against k (chosen k = {chosen} by {cfg['select_by']})",
                         {"c_npmi": "NPMI coherence (−1 to 1)", "u_mass": "UMass coherence (log, ≤ 0)",
                          "diversity": "unique top-25 words (share)", "perplexity": "held-out perplexity"})
    if cfg["c_v"]:
        figures.score_curves(paths.topic_selection_cv_figure, ks, {"c_v": [r["c_v"] for r in rows]}, chosen,
                             "Secondary: C_V coherence against k (rates rare-word topics high)",
                             {"c_v": "C_V coherence (0 to 1)"})
    else:
        # Drawn all the same, so the stage's declared outputs never vary with lda.c_v.
        figures.message(paths.topic_selection_cv_figure, "C_V coherence not computed (lda.c_v: false)")

    metrics = {
        "k": chosen,
        "c_npmi": _r(best["c_npmi"]),
        "diversity": _r(best["diversity"]),
        "perplexity": _r(best["perplexity"], 2),
        "stability": _r(overall_stab),
        "caveats": list(caveats or []),
    }
    for score, note in sorted((notes or {}).items()):
        if note:
            metrics[f"{score}_note"] = note
    write_json(paths.topics_metrics, metrics)
    return metrics
