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
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..errors import UserError
from ..stats import cluster_bootstrap_ratio, too_few

MISSING = "(missing)"
DATE_UNITS = {"year": 4, "month": 7, "day": 10}  # unit -> length of the ISO prefix kept
DATE_PREFIX = "date:"
#: Metadata keys ingest writes itself (saved web pages), besides ``corpus.columns.meta``.
INGEST_META = ("photo_credit", "byline")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOT_BLOCK = 2_000_000  # resamples x documents per matrix product: bounds memory on one huge group


# ------------------------------------------------------------------- the spec
def date_choices() -> list[str]:
    return [DATE_PREFIX + u for u in DATE_UNITS]


def check_syntax(key: str, value: Any) -> str | None:
    """Schema check of ``report.group_by``: null, a column name, or ``date:<unit>``.

    Whether the column exists is known only from the corpus; see :func:`check_column`.
    """
    if value is None:
        return None
    allowed = f"null, a metadata column of the corpus, or one of {', '.join(date_choices())}"
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{key} = {value!r} is not allowed: {allowed}")
    if value == "date" or value.startswith(DATE_PREFIX):
        unit = value[len(DATE_PREFIX):] if value.startswith(DATE_PREFIX) else ""
        if unit not in DATE_UNITS:
            raise UserError(f"{key} = {value!r} is not allowed: the document date is grouped by "
                            f"{', '.join(date_choices())}")
    return value


def check_column(spec: str | None, columns: Iterable[str], key: str = "report.group_by",
                 source: str = "params.yaml") -> None:
    """Raise a one-line :class:`UserError` when ``spec`` names a column not in ``columns``.

    Parameters
    ----------
    spec
        A value accepted by :func:`check_syntax`.
    columns
        The metadata columns the documents can have, in the order to list them.
    key, source
        Named in the message, so the user knows what to edit and where.
    """
    if spec is None or spec.startswith(DATE_PREFIX):
        return
    cols = list(dict.fromkeys(columns))
    if spec not in cols:
        available = ", ".join(cols) if cols else "none (list them in corpus.columns.meta)"
        raise UserError(f"{source}: {key} = {spec!r} is not a metadata column of the corpus "
                        f"(columns: {available}; dates: {', '.join(date_choices())})")


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


# ----------------------------------------------------------------- bootstrap
def group_seed(seed: int, key: str) -> int:
    """A generator seed for one group, independent of the other groups."""
    return (seed * 1_000_003 + zlib.crc32(key.encode("utf-8"))) % (2**32)


def _resampled_weights(n: int, resamples: int, rng: np.random.Generator) -> Iterable[np.ndarray]:
    """How often each of ``n`` documents is drawn, per resample, in blocks of bounded size."""
    block = max(1, _BOOT_BLOCK // max(n, 1))
    p = np.full(n, 1.0 / n)
    done = 0
    while done < resamples:
        b = min(block, resamples - done)
        yield rng.multinomial(n, p, size=b).astype(float)
        done += b


def bootstrap_mean(X: np.ndarray, resamples: int, seed: int, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the column means of ``X``, resampling its rows.

    Parameters
    ----------
    X
        One row per document, one column per quantity (e.g. topic shares).
    resamples
        Number of bootstrap resamples.
    seed
        Seed of the generator: the same seed gives the same interval.
    confidence
        Coverage, e.g. 0.95.

    Returns
    -------
    low, high
        Arrays of one bound per column.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n = X.shape[0]
    rng = np.random.default_rng(seed)
    means = np.vstack([W @ X / n for W in _resampled_weights(n, resamples, rng)])
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha], axis=0)
    return lo, hi


def bootstrap_ratio(num: np.ndarray, den: np.ndarray, resamples: int, seed: int,
                    confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval of ``sum(num) / sum(den)``, resampling documents.

    With ``num`` a document's summed sentence stances and ``den`` its number of
    sentences, this is the mean stance over sentences with documents as the
    resampled unit: :func:`pipeline.stats.cluster_bootstrap_ratio`, the same
    cluster bootstrap as the stance stage's. Every ``den`` must be positive.
    """
    return cluster_bootstrap_ratio(num, den, resamples, seed, confidence)


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
