"""Documents in groups: by a metadata column or a bucket of their date, with bootstrap intervals.

``report.group_by`` names the grouping:

``null``
    No grouping: the report shows its per-document views.
``<column>``
    A metadata column kept by ingest (``corpus.columns.meta``, e.g. ``country``
    or ``year``; ``photo_credit`` and ``byline`` for saved web pages).
``date:year``, ``date:month``, ``date:day``
    The document's date cut to its year (``2021``), month (``2021-03``) or day.

A document without a value (an empty cell, no date) goes to the group
``(missing)``, shown last: dropping those documents silently would change
every group's share of the corpus without a word.

Groups are *ordered* when they are date buckets or when every value is a
number (years, session numbers); ordered groups are drawn as lines, the
others as a heatmap or one interval per group.

Intervals are percentile bootstrap intervals over documents, the unit that
was sampled: sentences or segments of one speech are not independent draws.
Each group's generator is seeded from the seed and the group's name, so a
group's interval does not depend on which other groups exist.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..core.schema.report import DATE_PREFIX, DATE_UNITS, check_column, check_syntax, date_choices  # noqa: F401
from ..stats import bootstrap_mean, bootstrap_ratio, group_seed, too_few

MISSING = "(missing)"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def describe(spec: str) -> str:
    """The grouping in words, for headings and figure titles."""
    if spec.startswith(DATE_PREFIX):
        return f"{spec[len(DATE_PREFIX):]} of the document date"
    return spec


# ---------------------------------------------------------------- assignment
def group_of(doc: Mapping, spec: str) -> str:
    """The group of one document (``{"date": ..., "meta": {...}}`` as ingest writes it)."""
    if spec.startswith(DATE_PREFIX):
        date = doc.get("date") or ""
        if not _ISO_DATE.match(str(date)):
            return MISSING
        return str(date)[: DATE_UNITS[spec[len(DATE_PREFIX):]]]
    value = (doc.get("meta") or {}).get(spec)
    if value is None:
        return MISSING
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1970.0 from a JSON number is the year 1970
    text = " ".join(str(value).split())
    return text if text else MISSING


def assign(docs: Iterable[Mapping], spec: str) -> dict[str, str]:
    """Document id -> group, in the order of ``docs``."""
    return {d["id"]: group_of(d, spec) for d in docs}


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class Order:
    groups: list[str]  # every group, in display order, ``(missing)`` last
    ordered: bool  # a sequence (dates, numbers) rather than categories


def order(labels: Iterable[str], spec: str) -> Order:
    """Groups in their natural order: by date or number when they have one, else alphabetically."""
    present = set(labels)
    values = sorted(present - {MISSING})
    numbers = {v: _number(v) for v in values}
    if spec.startswith(DATE_PREFIX):
        ordered, out = True, values  # ISO prefixes sort as dates
    elif values and all(n is not None for n in numbers.values()):
        ordered, out = True, sorted(values, key=lambda v: (numbers[v], v))
    else:
        ordered, out = False, sorted(values, key=lambda v: (v.casefold(), v))
    return Order(out + ([MISSING] if MISSING in present else []), ordered)


def largest(groups: Sequence[str], sizes: Mapping[str, int], n: int) -> list[str]:
    """At most ``n`` groups with the most documents, kept in the order of ``groups``."""
    if len(groups) <= n:
        return list(groups)
    pos = {g: i for i, g in enumerate(groups)}
    keep = set(sorted(groups, key=lambda g: (-sizes.get(g, 0), pos[g]))[:n])
    return [g for g in groups if g in keep]


# ---------------------------------------------------------------- summaries
def _r(v: float | None, nd: int = 4) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), nd)


def topics_by_group(doc_ids: Sequence[str], shares: np.ndarray, groups: Mapping[str, str], order_: Order,
                    boot: Mapping) -> list[dict]:
    """Mean topic share per group and topic, with a bootstrap interval over the group's documents.

    Parameters
    ----------
    doc_ids, shares
        Rows of ``document_topics.csv``: a document's topic shares (summing to 1).
    groups
        Document id -> group (a document absent from it is ``(missing)``).
    order_
        The display order of the groups (:func:`order`).
    boot
        ``report.bootstrap``: ``resamples``, ``seed``, ``confidence``, ``min_documents``
        (``min_sentences`` is read by :func:`stance_by_group` only).

    Returns
    -------
    list of dict
        ``group, documents, topic, mean, ci_low, ci_high`` per group and topic, groups in
        display order; the interval is empty for groups below ``min_documents``, and
        ``ci_note`` then says "too few to estimate (n documents)".
    """
    shares = np.asarray(shares, dtype=float)
    rows_of: dict[str, list[int]] = {}
    for i, d in enumerate(doc_ids):
        rows_of.setdefault(groups.get(d, MISSING), []).append(i)
    out = []
    for g in order_.groups:
        idx = rows_of.get(g)
        if not idx:
            continue
        X = shares[idx]
        mean = X.mean(axis=0)
        lo = hi = [None] * X.shape[1]
        note = None
        if len(idx) >= boot["min_documents"]:
            lo, hi = bootstrap_mean(X, boot["resamples"], group_seed(boot["seed"], f"topics|{g}"), boot["confidence"])
        else:
            note = f"too few to estimate ({len(idx)} document{'' if len(idx) == 1 else 's'})"
        for t in range(X.shape[1]):
            out.append({"group": g, "documents": len(idx), "topic": t, "mean": _r(mean[t]),
                        "ci_low": _r(lo[t]), "ci_high": _r(hi[t]), "ci_note": note})
    return out


def stance_by_group(rows: Iterable[Mapping], groups: Mapping[str, str], order_: Order, themes: Sequence[str],
                    boot: Mapping) -> list[dict]:
    """Mean stance and salience per group and theme, from the per-document summaries.

    Parameters
    ----------
    rows
        Rows of ``stance_by_document.csv`` (strings as read): ``doc_id, theme, status, mentions,
        tokens, sentences, stance``.
    groups, order_, boot
        As for :func:`topics_by_group`.

    Returns
    -------
    list of dict
        ``group, theme, documents, documents_with_evidence, sentences, mentions, tokens, salience,
        stance, ci_low, ci_high, ci_note, status`` per group and theme. ``stance`` is the mean over
        the group's relevant sentences; its interval resamples the documents with evidence (a
        cluster bootstrap). Below ``min_sentences`` sentences or ``min_documents`` documents with
        evidence it is empty and ``ci_note`` says "too few to estimate (...)". A group where the theme is never mentioned is ``no evidence``
        with an empty stance, never 0.
    """
    acc: dict[tuple[str, str], dict] = {}
    docs: dict[str, set] = {}
    for r in rows:
        g = groups.get(r["doc_id"], MISSING)
        docs.setdefault(g, set()).add(r["doc_id"])
        a = acc.setdefault((g, r["theme"]), {"mentions": 0, "tokens": 0, "num": [], "den": []})
        a["mentions"] += int(r["mentions"] or 0)
        a["tokens"] += int(r["tokens"] or 0)
        n = int(r["sentences"] or 0)
        if r["status"] == "evidence" and n > 0 and r["stance"] not in ("", None):
            # The document's mean times its sentences: its sum of sentence stances.
            a["num"].append(float(r["stance"]) * n)
            a["den"].append(n)
    out = []
    for g in order_.groups:
        if g not in docs:
            continue
        for t in themes:
            a = acc.get((g, t), {"mentions": 0, "tokens": 0, "num": [], "den": []})
            row = {"group": g, "theme": t, "documents": len(docs[g]), "documents_with_evidence": len(a["num"]),
                   "sentences": int(sum(a["den"])), "mentions": a["mentions"], "tokens": a["tokens"],
                   "salience": round(1000 * a["mentions"] / a["tokens"], 3) if a["tokens"] else None,
                   "stance": None, "ci_low": None, "ci_high": None, "ci_note": None, "status": "no evidence"}
            if a["num"]:
                row["stance"] = _r(sum(a["num"]) / sum(a["den"]))
                row["status"] = "evidence"
                row["ci_note"] = too_few(row["sentences"], len(a["num"]), boot, pooled=True)
                if row["ci_note"] is None:
                    lo, hi = bootstrap_ratio(np.array(a["num"]), np.array(a["den"]), boot["resamples"],
                                             group_seed(boot["seed"], f"stance|{g}|{t}"), boot["confidence"])
                    row["ci_low"], row["ci_high"] = _r(lo), _r(hi)
            out.append(row)
    return out


def evidence_by_group(evidence: Iterable[Mapping], groups: Mapping[str, str], shown: Sequence[str],
                      poles: Mapping[str, Mapping[str, int]], per_group: int) -> list[dict]:
    """The ``per_group`` strongest evidence sentences per group, theme and pole.

    Parameters
    ----------
    evidence
        Rows of ``stance_evidence.csv`` (already the strongest per document, theme and pole).
    groups
        Document id -> group.
    shown
        The groups to show, in display order; others are left out.
    poles
        Theme -> {pole name: sign}, themes in display order; a theme's -1 pole is shown first.
    per_group
        Sentences kept per group, theme and pole (the largest ``|stance|`` first).

    Returns
    -------
    list of dict
        The evidence rows with a ``group`` key, ordered by group, theme, pole, strength.
    """
    g_rank = {g: i for i, g in enumerate(shown)}
    t_rank = {t: i for i, t in enumerate(poles)}
    picked: dict[tuple, list[dict]] = {}
    for r in evidence:
        g = groups.get(r["doc_id"], MISSING)
        if g in g_rank:
            picked.setdefault((g, r["theme"], r["pole"]), []).append(dict(r, group=g))

    def rank(key: tuple) -> tuple:
        g, t, p = key
        return g_rank[g], t_rank.get(t, len(t_rank)), t, poles.get(t, {}).get(p, 0), p

    out = []
    for key in sorted(picked, key=rank):
        best = sorted(picked[key], key=lambda r: (-abs(float(r["stance"])), r["doc_id"], r["sentence_id"]))
        out += best[:per_group]
    return out
