"""Agreement between two coders' files of the same rows: Cohen's kappa and Krippendorff's alpha.

``python -m pipeline.stance agreement A.jsonl B.jsonl [--out DISAGREEMENTS.csv] [--agreed GOLD.jsonl]``

Each file is a gold file (JSONL, ``coding/stance_gold_README.md``) or a
filled-in coding sheet (CSV, as ``sample`` writes it; ``relevant`` true/false,
yes/no or 1/0, ``stance`` -1, 0 or 1). Rows are matched on ``doc``, ``theme``
and the text (:func:`normalised`: case, spacing, apostrophes and dashes do not
matter); a row in only one file is reported (one log line each for the first
:data:`UNMATCHED_SHOWN`, then one line counting the rest) and left out,
and so is a row either coder has not coded yet (``relevant`` empty).

Printed to stdout, as JSON: per theme and ``overall`` (pooled over themes),

``relevance``
    over the rows both coded: ``n``, ``agreement`` (the share of rows with the
    same value), Cohen's ``kappa`` and Krippendorff's ``alpha`` (nominal);
``stance``
    over the rows **both** coders marked relevant: the same, alpha ordinal
    (-1 < 0 < 1) and kappa unweighted;

and ``disagreements``: every row where the two differ on relevance, or both
call it relevant and differ on stance (``--out`` writes them as CSV too).
``--agreed GOLD.jsonl`` writes the rows both coded alike in the gold format, a
file ``evaluate`` can score the scorer on (disagreements resolved by
discussion can be added to it by hand).
A figure is ``null`` where it is undefined: no rows, or (kappa, alpha) every
value the same in both codings, so chance agreement is total.

What to report: n, alpha and kappa per theme for relevance and for stance;
Krippendorff (2004, ch. 11) suggests relying on variables with alpha
>= 0.800 and drawing only tentative conclusions from 0.667 <= alpha < 0.800.
"""
from __future__ import annotations

import csv
import json
import logging
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..core.errors import OneLineParser, UserError
from ..core.io import write_csv, write_jsonl
from ..core.text import normalise
from .evaluate import numbered_objects

log = logging.getLogger("stance")

LABELS = (-1, 0, 1)
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
DISAGREEMENT_HEADER = ["doc", "theme", "text", "on", "a_relevant", "a_stance", "b_relevant", "b_stance"]


#: Rows only in one file logged one by one; the rest are counted in one line.
UNMATCHED_SHOWN = 10


def normalised(text: str) -> str:
    """The form texts are matched in: NFC, single spaces, ASCII apostrophes and dashes, case-folded."""
    return normalise(text).casefold()


# ------------------------------------------------------------------- reading
def _relevant(value: Any, where: str) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise UserError(f"{where}: relevant = {value!r} is not allowed: true or false (or empty while not coded)")


def _stance(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError(f"{where}: stance = {value!r} is not allowed: -1, 0 or 1")
    try:
        label = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        label = None
    if label not in LABELS:  # 1.0 is 1; 0.5, "x" and 2 are nothing
        raise UserError(f"{where}: stance = {value!r} is not allowed: -1, 0 or 1")
    return int(label)


def _raw_rows(path: Path, coded: bool) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                raise UserError(f"{path}: a coding sheet needs a header with a 'text' column "
                                f"(found: {', '.join(reader.fieldnames or [])})")
            for key in ("doc", "theme", "relevant", "stance") if coded else ():
                if key not in reader.fieldnames:
                    raise UserError(f"{path}: the coding sheet has no '{key}' column (its header needs doc, theme, "
                                    f"text, relevant and stance)")
            return [(n, row) for n, row in enumerate(reader, 2)]
    return list(numbered_objects(path))


def read_rows(path: str | Path, coded: bool = True) -> list[dict]:
    """Rows of a gold JSONL file or a CSV coding sheet; a bad row is one line naming file and line.

    Parameters
    ----------
    path
        ``.csv``: a coding sheet with a header; anything else: JSON Lines.
    coded
        Also read ``doc``, ``theme``, ``relevant`` and ``stance`` (``relevant``
        None while not coded; ``stance`` None unless relevant). With False only
        ``text`` is required (for ``sample --exclude``).

    Returns
    -------
    list of dict
        ``{"line", "doc", "text", "theme", "relevant", "stance"}`` per row.

    Raises
    ------
    UserError
        The file is missing, a line is not an object, ``text`` is not a
        non-empty string, or (coded) a value is not allowed: ``relevant`` not a
        truth value, ``stance`` not -1/0/1, a relevant row without stance, or a
        stance on a row not coded relevant.
    """
    path = Path(path)
    rows = []
    for n, raw in _raw_rows(path, coded):
        where = f"{path}:{n}"
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise UserError(f"{where}: 'text' must be a non-empty string")
        row = {"line": n, "doc": raw.get("doc") or "", "text": text, "theme": raw.get("theme") or "",
               "relevant": None, "stance": None}
        if coded:
            if not isinstance(row["doc"], str) or not isinstance(row["theme"], str) or not row["theme"]:
                raise UserError(f"{where}: 'doc' and 'theme' must be strings (theme non-empty)")
            row["relevant"] = _relevant(raw.get("relevant"), where)
            stance = _stance(raw.get("stance"), where)
            if row["relevant"]:
                row["stance"] = stance
                if stance is None:
                    raise UserError(f"{where}: relevant is true but stance is empty: -1, 0 or 1")
            elif stance is not None:
                # A contradiction, not a code: which of the two did the coder mean?
                raise UserError(f"{where}: stance = {raw.get('stance')!r} but relevant is "
                                f"{'false' if row['relevant'] is False else 'empty'}: a sentence not about the "
                                f"theme has no stance (leave stance empty, or set relevant true)")
        rows.append(row)
    return rows


def _key(row: dict) -> tuple[str, str, str]:
    return row["doc"], row["theme"], normalised(row["text"])


def _index(rows: list[dict], path: str | Path) -> dict:
    out: dict = {}
    for r in rows:
        k = _key(r)
        if k in out:
            raise UserError(f"{path}:{r['line']}: the same doc, theme and text as line {out[k]['line']}; "
                            f"each row once")
        out[k] = r
    return out


# ------------------------------------------------------------- the statistics
def cohen_kappa(a: Sequence, b: Sequence) -> float | None:
    """Cohen's kappa between two coders' labels of the same units.

    Parameters
    ----------
    a, b : sequences of equal length n
        The two codings (any hashable labels; here booleans or -1/0/1).

    Returns
    -------
    float or None
        ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the observed share of agreement
        and ``p_e`` the agreement expected from each coder's own label
        frequencies, rounded to 4 places; None when undefined (no units, or
        ``p_e = 1``: both coders used one and the same label throughout).

    Notes
    -----
    Computed with :func:`sklearn.metrics.cohen_kappa_score` (unweighted).
    Cohen, J. (1960), "A Coefficient of Agreement for Nominal Scales",
    *Educational and Psychological Measurement* 20(1), 37-46.
    """
    from sklearn.metrics import cohen_kappa_score

    if len(a) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = float(cohen_kappa_score(list(a), list(b)))
    return None if np.isnan(k) else round(k, 4)


def krippendorff_alpha(a: Sequence, b: Sequence, level: str, domain: Sequence) -> float | None:
    """Krippendorff's alpha between two coders, no values missing.

    Parameters
    ----------
    a, b : sequences of equal length n
        The two codings, values in ``domain``.
    level : {"nominal", "ordinal"}
        Level of measurement: nominal for relevance, ordinal for stance
        (-1 < 0 < 1; a -1/1 disagreement weighs more than -1/0).
    domain : sequence
        The possible values in order.

    Returns
    -------
    float or None
        ``1 - D_o / D_e`` (observed over expected disagreement of the
        coincidence matrix), rounded to 4 places: 1 perfect agreement, 0 chance
        level, below 0 systematic disagreement. None when undefined: no units,
        or one value throughout (``D_e = 0``).

    Notes
    -----
    Computed with the ``krippendorff`` package. Krippendorff, K. (2004),
    *Content Analysis: An Introduction to Its Methodology*, 2nd ed., ch. 11;
    Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability",
    Annenberg School for Communication, University of Pennsylvania.
    """
    import krippendorff

    data = np.array([list(a), list(b)], dtype=float)
    if data.shape[1] == 0 or len(np.unique(data)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(krippendorff.alpha(reliability_data=data, value_domain=[float(v) for v in domain],
                                         level_of_measurement=level))
    return None if np.isnan(value) else round(value, 4)


def block(a: Sequence, b: Sequence, level: str, domain: Sequence) -> dict:
    """n, share of agreement, Cohen's kappa and Krippendorff's alpha of two codings."""
    n = len(a)
    same = sum(x == y for x, y in zip(a, b))
    return {"n": n, "agreement": round(same / n, 4) if n else None, "kappa": cohen_kappa(a, b),
            "alpha": krippendorff_alpha(a, b, level, domain)}


def figures(pairs: list[tuple[dict, dict]]) -> dict:
    """Relevance and stance figures of matched, coded row pairs (see the module docstring)."""
    rel_a = [int(x["relevant"]) for x, _ in pairs]
    rel_b = [int(y["relevant"]) for _, y in pairs]
    both = [(x, y) for x, y in pairs if x["relevant"] and y["relevant"]]
    return {"relevance": block(rel_a, rel_b, "nominal", (0, 1)),
            "stance": block([x["stance"] for x, _ in both], [y["stance"] for _, y in both], "ordinal", LABELS)}


def compare(a_rows: list[dict], b_rows: list[dict], a_name: str = "A", b_name: str = "B") -> dict:
    """The agreement report of two coders' rows (:func:`read_rows`); see the module docstring."""
    a_ix, b_ix = _index(a_rows, a_name), _index(b_rows, b_name)
    only_a = [r for k, r in a_ix.items() if k not in b_ix]
    only_b = [r for k, r in b_ix.items() if k not in a_ix]
    for name, rows in ((a_name, only_a), (b_name, only_b)):
        for r in rows[:UNMATCHED_SHOWN]:
            log.warning("only in %s (line %d, left out): %s | %s | %s", name, r["line"], r["doc"], r["theme"],
                        r["text"][:80])
        if len(rows) > UNMATCHED_SHOWN:
            # Two files of different samples would print hundreds of lines that say one thing.
            log.warning("... and %d more rows only in %s (lines %s), left out: are the two files codings of the "
                        "same sample?", len(rows) - UNMATCHED_SHOWN, name,
                        ", ".join(str(r["line"]) for r in rows[UNMATCHED_SHOWN:UNMATCHED_SHOWN + 20])
                        + (", ..." if len(rows) > UNMATCHED_SHOWN + 20 else ""))
    matched = [(r, b_ix[k]) for k, r in a_ix.items() if k in b_ix]
    uncoded = [(x, y) for x, y in matched if x["relevant"] is None or y["relevant"] is None]
    if uncoded:
        log.warning("%d matched rows not coded yet by one or both coders (relevant empty), left out: lines of %s %s",
                    len(uncoded), a_name, ", ".join(str(x["line"]) for x, _ in uncoded[:20])
                    + (", ..." if len(uncoded) > 20 else ""))
    pairs = [(x, y) for x, y in matched if x["relevant"] is not None and y["relevant"] is not None]
    themes = sorted({x["theme"] for x, _ in pairs})
    disagreements = []
    for x, y in pairs:
        on = "relevance" if x["relevant"] != y["relevant"] else (
            "stance" if x["relevant"] and x["stance"] != y["stance"] else None)
        if on:
            disagreements.append({"doc": x["doc"], "theme": x["theme"], "text": x["text"], "on": on,
                                  "a_relevant": x["relevant"], "a_stance": x["stance"],
                                  "b_relevant": y["relevant"], "b_stance": y["stance"]})
    return {
        "a": a_name, "b": b_name, "matched": len(matched), "coded_by_both": len(pairs),
        "only_in_a": len(only_a), "only_in_b": len(only_b), "not_coded": len(uncoded),
        "themes": {t: figures([(x, y) for x, y in pairs if x["theme"] == t]) for t in themes},
        "overall": figures(pairs),
        "disagreements": disagreements,
    }


def agreed_rows(a_rows: list[dict], b_rows: list[dict]) -> list[dict]:
    """Rows both coders coded alike (same relevance; same stance when relevant), gold format, in A's order."""
    b_ix = _index(b_rows, "B")
    out = []
    for x in a_rows:
        y = b_ix.get(_key(x))
        if y is None or x["relevant"] is None or x["relevant"] != y["relevant"] or x["stance"] != y["stance"]:
            continue
        out.append({"doc": x["doc"], "text": x["text"], "theme": x["theme"], "relevant": x["relevant"],
                    "stance": x["stance"]})
    return out


def run_agreement(a: str | Path, b: str | Path, out: str | Path | None = None,
                  agreed: str | Path | None = None) -> dict:
    """Read both files and compare them; return the report.

    With ``out``, also write the disagreements there (CSV); with ``agreed``, the
    rows both coded alike (gold JSONL, :func:`agreed_rows`).
    """
    a_rows, b_rows = read_rows(a), read_rows(b)
    report = compare(a_rows, b_rows, str(a), str(b))
    if not report["coded_by_both"]:
        raise UserError(f"{a}, {b}: no row is in both files and coded in both; nothing to compare")
    o = report["overall"]
    log.info("%d rows coded by both: relevance alpha %s, kappa %s; stance (%d rows) alpha %s, kappa %s; "
             "%d disagreements", report["coded_by_both"], o["relevance"]["alpha"], o["relevance"]["kappa"],
             o["stance"]["n"], o["stance"]["alpha"], o["stance"]["kappa"], len(report["disagreements"]))
    if out is not None:
        write_csv(out, DISAGREEMENT_HEADER, ([d[h] for h in DISAGREEMENT_HEADER] for d in report["disagreements"]))
        log.info("wrote %d disagreements to %s", len(report["disagreements"]), out)
    if agreed is not None:
        n = write_jsonl(agreed, agreed_rows(a_rows, b_rows))
        log.info("wrote the %d rows both coded alike to %s", n, agreed)
    return report


def main(argv: list[str]) -> int:
    """``python -m pipeline.stance agreement A B [--out CSV]``: print the report as JSON."""
    import sys

    ap = OneLineParser(prog="python -m pipeline.stance agreement", description=__doc__.split("\n\n")[0])
    ap.add_argument("a", help="the first coder's file (gold JSONL or coding sheet CSV)")
    ap.add_argument("b", help="the second coder's file, of the same rows")
    ap.add_argument("--out", help="also write the disagreements here as CSV (default: none)")
    ap.add_argument("--agreed", help="also write the rows both coded alike here, as a gold JSONL file (default: none)")
    args = ap.parse_args(argv)
    report = run_agreement(args.a, args.b, args.out, args.agreed)
    sys.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    return 0
