"""A stratified, seeded sample of scored sentences for hand-coding.

``python -m pipeline.stance sample --n 200 --out coding/sample.jsonl [--params params.yaml]
[--sentences data/processed/stance_sentences.jsonl] [--segments data/processed/segments.jsonl]
[--seed N] [--exclude GOLD.jsonl ...]``

Writes, beside each other:

``coding/sample.jsonl``
    the drawn (sentence, theme) rows in the gold format (``doc``, ``text``,
    ``theme``, ``relevant``, ``stance``; see ``coding/stance_gold_README.md``)
    with ``relevant`` and ``stance`` null, for the coders to fill in;
``coding/sample.csv``
    the same rows as a coding sheet: empty columns for the coder, and the
    theme's description and poles written out from its theme file;
``coding/sample.strata.csv``
    per stratum: how many rows were available and drawn, from how many
    documents, and the per-document cap (what a methods section reports).

The predicted label is in neither file the coders see, so the coding is blind.

The sampling frame
------------------
Every (sentence, theme) row of ``stance_sentences.jsonl`` (the sentences the
scorer called relevant, with their predicted label -1, 0 or 1), plus the
sentences that **mention a theme's target word but that the scorer called
irrelevant** (stratum ``irrelevant``): a unit of the sentence is a target of
the theme, or a multi-word unit (an exclusion, say) contains a target word, yet no
mention survives the theme's conditions, exclusions, off-topic words,
background and enumeration rules. Those are not in ``stance_sentences.jsonl``
(which holds relevant rows only), so they are found by re-reading
``segments.jsonl`` with the themes of ``--params``. Without them a gold file
made from the sample could not show a relevance error of omission: every row
would be one the scorer already called relevant. ``--segments ''`` leaves them
out (the sample then measures relevance precision only).

Rows whose text, normalised (NFC, single spaces, ASCII apostrophes and
dashes, case-folded), is in any ``--exclude`` file (``coding/stance_dev.jsonl``
by default) are left out, whatever their theme; of rows with the same theme and
normalised text only the first (in the order of the files) is kept.

The allocation
--------------
Strata are (theme, predicted label), labels -1, 0, 1 and ``irrelevant``.

1. Across strata, equal allocation: stratum *s* with *a_s* rows gets
   ``q_s = min(a_s, c)``, where *c* is the largest integer with
   ``sum_s min(a_s, c) <= n``; the ``r = n - sum_s q_s`` rows left over go one
   each to the *r* strata with ``a_s > c`` that have the most rows (ties: the
   theme order of ``params.yaml``, then -1, 0, 1, irrelevant). Small strata are
   taken whole and the rest share what they leave; rare labels are not drowned
   by the common one, so per-label agreement and F1 can be estimated. (Weight
   by ``available / drawn`` from the strata table for corpus-level figures.)
2. Within a stratum, no document supplies more than its proportional share:
   a document with *a_sd* of the stratum's *a_s* rows supplies at most
   ``ceil(q_s * a_sd / a_s)`` rows. Since these caps sum to at least *q_s*,
   the quota is always filled.
3. The draw: the stratum's rows are ordered by the SHA-256 of
   ``"<seed>\\t<theme>\\t<sentence id>"`` and taken in that order, skipping a row
   whose document has reached its cap, until *q_s* are taken. The order depends
   on nothing but the seed and the row, so the same inputs and seed give the
   same bytes on any machine, and another seed another sample.

When the frame holds ``n`` rows or fewer, all of them are drawn (said in one
log line). The output is ordered by theme (``params.yaml`` order), then by the
same hash, so the coders do not see the strata.
"""
from __future__ import annotations

import hashlib
import logging
import math
from pathlib import Path
from typing import Iterable, Iterator

from ..core.errors import OneLineParser, UserError
from ..core.io import read_jsonl, write_csv, write_jsonl
from ..core.paths import FILES
from .agreement import normalised, read_rows

log = logging.getLogger("stance")

#: Predicted labels in stratum order; ``irrelevant``: mentions a target word, scored irrelevant.
STRATA_LABELS: tuple = (-1, 0, 1, "irrelevant")
IRRELEVANT = "irrelevant"
#: Default seed of the draw.
SEED = 12
DEFAULT_EXCLUDE = "coding/stance_dev.jsonl"

SHEET_HEADER = ["row", "doc", "theme", "text", "relevant", "stance", "coder", "note",
                "theme_description", "pole_-1", "pole_0", "pole_1"]
STRATA_HEADER = ["theme", "predicted", "available", "drawn", "documents_available", "documents_drawn",
                 "largest_document_cap"]
#: What 0 means for every theme (the theme files name only the two poles).
NEUTRAL = "neutral: the theme is mentioned without evaluation, or both ways at once"
RELEVANT_MEANS = ("relevant: true when the sentence is about the theme, false when it only shares a word with it; "
                  "stance -1, 0 or 1 when relevant, empty when not")


# ----------------------------------------------------------------- pure parts
def draw_key(seed: int, theme: str, row_id: str) -> str:
    """The row's place in the seeded order: hex SHA-256 of ``"<seed>\\t<theme>\\t<id>"``."""
    return hashlib.sha256(f"{seed}\t{theme}\t{row_id}".encode("utf-8")).hexdigest()


def allocate(available: dict, n: int) -> dict:
    """Quotas per stratum: equal allocation, small strata taken whole (see the module docstring).

    Parameters
    ----------
    available
        Stratum -> number of rows, in stratum order (the tie-break).
    n
        Rows to draw in all.

    Returns
    -------
    dict
        Stratum -> quota, same keys and order; quotas sum to ``min(n, total)``.
    """
    total = sum(available.values())
    if n >= total:
        return dict(available)
    c = 0
    while sum(min(a, c + 1) for a in available.values()) <= n:
        c += 1
    quota = {s: min(a, c) for s, a in available.items()}
    left = n - sum(quota.values())
    order = list(available)
    eligible = sorted((s for s, a in available.items() if a > c), key=lambda s: (-available[s], order.index(s)))
    for s in eligible[:left]:
        quota[s] += 1
    return quota


def document_caps(rows: list[dict], quota: int) -> dict[str, int]:
    """Per document of one stratum, the most rows it may supply: ``ceil(quota * a_sd / a_s)``."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["doc_id"]] = counts.get(r["doc_id"], 0) + 1
    total = len(rows)
    return {d: math.ceil(quota * a / total) if total else 0 for d, a in counts.items()}


def draw_stratum(rows: list[dict], quota: int, seed: int) -> list[dict]:
    """``quota`` rows of one stratum in the seeded order, at most each document's cap from it."""
    caps = document_caps(rows, quota)
    taken: dict[str, int] = {}
    out = []
    for r in sorted(rows, key=lambda r: draw_key(seed, r["theme"], r["id"])):
        if len(out) == quota:
            break
        if taken.get(r["doc_id"], 0) >= caps[r["doc_id"]]:
            continue
        taken[r["doc_id"]] = taken.get(r["doc_id"], 0) + 1
        out.append(r)
    return out


def frame(relevant: Iterable[dict], irrelevant: Iterable[dict], themes: list[str], excluded: set[str]) -> dict:
    """The sampling frame by stratum: excluded texts dropped, (theme, text) duplicates kept once.

    Rows need ``id``, ``doc_id``, ``theme``, ``text`` and ``label`` (-1, 0, 1 or
    :data:`IRRELEVANT`). Returns ``{(theme, label): [row, ...]}`` in stratum order.
    """
    strata: dict = {(t, lab): [] for t in themes for lab in STRATA_LABELS}
    seen: set = set()
    for r in (*relevant, *irrelevant):
        key = normalised(r["text"])
        if key in excluded or (r["theme"], key) in seen:
            continue
        seen.add((r["theme"], key))
        strata[(r["theme"], r["label"])].append(r)
    return strata


def draw(strata: dict, n: int, seed: int) -> tuple[list[dict], dict]:
    """Draw ``n`` rows from ``strata``; return them (theme order, then seeded order) and the quotas."""
    available = {s: len(rows) for s, rows in strata.items()}
    quota = allocate(available, n)
    themes = list(dict.fromkeys(t for t, _ in strata))
    picked = [r for s, rows in strata.items() for r in draw_stratum(rows, quota[s], seed)]
    picked.sort(key=lambda r: (themes.index(r["theme"]), draw_key(seed, r["theme"], r["id"])))
    return picked, quota


def coding_names(themes_cfg: dict[str, dict]) -> dict[str, str]:
    """The name each selected theme's rows are coded under: the theme it is a version of, when it alone
    stands in for it (:func:`pipeline.stance.themes.gold_names`), else its own.

    So a gold file coded from the sample scores the same themes it was drawn
    for, and no two selected themes code their rows under one name.

    Raises
    ------
    UserError
        Two selected themes are versions of one unselected theme: their rows
        would be coded under one name, and no evaluation could tell them apart.
    """
    from .themes import ambiguous, gold_names

    out = {t: t for t in themes_cfg}
    for base, by in gold_names({t: cfg.get("variant_of") for t, cfg in themes_cfg.items()}).items():
        if isinstance(by, tuple):
            raise ambiguous(base, by, "themes")
        if by != base:
            out[by] = base
    return out


def gold_row(r: dict, corpus: str | None, coded_as: str | None = None) -> dict:
    """A drawn row in the gold format, ``relevant`` and ``stance`` left for the coder.

    ``coded_as`` is the theme name the row is coded under when the scored theme
    is a version of another (``variant_of``): the coding is of the theme's
    poles, so it stays valid for every version of the lexicon.
    """
    doc = f"{corpus}:{r['doc_id']}" if corpus else r["doc_id"]
    return {"doc": doc, "text": " ".join(r["text"].split()), "theme": coded_as or r["theme"], "relevant": None,
            "stance": None}


def label_name(label) -> str:
    """``-1``, ``0``, ``+1`` or ``irrelevant``."""
    return label if isinstance(label, str) else ("+1" if label == 1 else str(label))


def pole_texts(theme: dict) -> dict[int, str]:
    """``{-1: "name: description", 1: ...}`` of one validated theme (as in its theme file)."""
    return {spec["sign"]: f"{name}: {spec['description']}" for name, spec in theme["poles"].items()}


def sheet_rows(rows: list[dict], themes: dict[str, dict]) -> Iterator[list]:
    """The coding sheet: one line per gold row, with the theme's description and poles.

    ``themes`` maps the rows' theme names (as coded) to validated theme files.
    """
    for i, r in enumerate(rows, 1):
        th = themes[r["theme"]]
        poles = pole_texts(th)
        yield [i, r["doc"], r["theme"], r["text"], "", "", "", "", " ".join(th["description"].split()),
               poles[-1], NEUTRAL, poles[1]]


def strata_rows(strata: dict, picked: list[dict], quota: dict) -> Iterator[list]:
    for (theme, label), rows in strata.items():
        drawn = [r for r in picked if r["theme"] == theme and r["label"] == label]
        caps = document_caps(rows, quota[(theme, label)])
        yield [theme, label, len(rows), len(drawn), len({r["doc_id"] for r in rows}),
               len({r["doc_id"] for r in drawn}), max(caps.values(), default=0)]


# ------------------------------------------------------------------- reading
def excluded_texts(paths: Iterable[str | Path]) -> set[str]:
    """Normalised texts of every row of the given JSONL gold files or CSV coding sheets."""
    out: set[str] = set()
    for p in paths:
        out.update(normalised(r["text"]) for r in read_rows(p, coded=False))
    return out


def scored_rows(path: Path, themes: list[str]) -> Iterator[dict]:
    """The rows of ``stance_sentences.jsonl`` the sample needs, checked against the selected themes."""
    if not path.is_file():
        raise UserError(f"{path}: not found; run the stance stage first (dvc repro stance)")
    for n, r in enumerate(read_jsonl(path), 1):
        if r.get("theme") not in themes:
            raise UserError(f"{path}:{n}: theme {r.get('theme')!r} is not selected in the parameters "
                            f"({', '.join(themes)}); the file was scored with other themes: rerun the stance stage")
        yield {"id": r["id"], "doc_id": r["doc_id"], "theme": r["theme"], "text": r["text"], "label": r["label"]}


def mentions_word(units: list, theme) -> bool:
    """Whether a unit is a target of ``theme``, or a multi-word unit (an exclusion too) holds a target word.

    Conditions, exclusions and the relevance rules are not applied: this is
    the word, not the mention. ("the Great Patriotic War" holds ``war``; an
    exclusion without a target word, "United States" for sanctions, is not.)
    """
    return any(u.key in theme.targets or ("_" in u.key and any(p in theme.targets for p in u.key.split("_")))
               for u in units)


def irrelevant_rows(segments: Path, scorer, relevant_ids: set[tuple[str, str]]) -> Iterator[dict]:
    """Sentences of ``segments`` that mention a theme's target word but that the scorer calls irrelevant."""
    from ..core.text import matcher_for
    from .scoring import mentions, prepare, units_of

    if not segments.is_file():
        raise UserError(f"{segments}: not found; run the preprocess stage first, or pass --segments '' to "
                        f"sample only the sentences the scorer called relevant")
    matchers = {t: matcher_for(tuple(sorted(set(th.expressions) | set(scorer.rules.expressions))))
                for t, th in scorer.themes.items()}
    disagree = 0
    for seg in read_jsonl(segments):
        for k, text in enumerate(seg.get("sentences") or []):
            sid = f"{seg['id']}/{k:03d}"
            sent = None
            for t, th in scorer.themes.items():
                if (sid, t) in relevant_ids:
                    continue
                sent = sent or prepare(text)
                units = units_of(sent, matchers[t])
                if not mentions_word(units, th):
                    continue
                if mentions(units, th):
                    disagree += 1
                    continue
                yield {"id": sid, "doc_id": seg["doc_id"], "theme": t, "text": sent.text, "label": IRRELEVANT}
    if disagree:
        log.warning("%d sentences are relevant to the themes of the parameters but not in the scored sentences: "
                    "the parameters changed since the stance stage ran? (rerun it)", disagree)


# ------------------------------------------------------------------- the run
def run_sample(params: dict, n: int, out: str | Path, sentences: str | Path, segments: str | Path | None,
               seed: int = SEED, exclude: Iterable[str | Path] = (), source: str = "params.yaml") -> list[dict]:
    """Draw the sample and write the JSONL, the coding sheet and the strata table; return the gold rows."""
    from ..core.config import lexicons
    from .model import Scorer
    from .themes import validate_themes

    out, exclude = Path(out), list(exclude)
    lexicon = lexicons.read(params, ".", source)
    themes_cfg = validate_themes(lexicon["themes"], source)
    themes = list(themes_cfg)
    coded_as = coding_names(themes_cfg)
    excluded = excluded_texts(exclude)
    relevant = list(scored_rows(Path(sentences), themes))
    irrelevant: list[dict] = []
    if segments:
        scorer = Scorer.from_params(params, source, lexicon=lexicon)
        irrelevant = list(irrelevant_rows(Path(segments), scorer, {(r["id"], r["theme"]) for r in relevant}))
    strata = frame(relevant, irrelevant, themes, excluded)
    total = sum(len(v) for v in strata.values())
    dropped = len(relevant) + len(irrelevant) - total
    log.info("frame: %d rows (%d scored relevant, %d mentioning a target word but scored irrelevant); %d left out "
             "as already in %d gold file(s) or repeated", total, len(relevant), len(irrelevant), dropped,
             len(exclude))
    if total == 0:
        raise UserError(f"{sentences}: no sentence to draw (every one is excluded or the corpus never mentions "
                        f"a theme)")
    if total <= n:
        log.warning("only %d sentences can be drawn, fewer than --n %d: drawing all of them", total, n)
    picked, quota = draw(strata, n, seed)
    corpus = (params.get("corpus") or {}).get("name")
    gold = [gold_row(r, corpus, coded_as[r["theme"]]) for r in picked]
    write_jsonl(out, gold)
    write_csv(out.with_suffix(".csv"), SHEET_HEADER,
              sheet_rows(gold, {coded_as[t]: cfg for t, cfg in themes_cfg.items()}))
    strata_table = list(strata_rows(strata, picked, quota))
    write_csv(out.with_suffix(".strata.csv"), STRATA_HEADER, strata_table)
    for theme, label, avail, drawn, docs_a, docs_d, cap in strata_table:
        log.info("stratum %s %s: drew %d of %d (from %d of %d documents, at most %d a document)", theme,
                 label_name(label), drawn, avail, docs_d, docs_a, cap)
    log.info("wrote %d rows to %s, the coding sheet %s and %s", len(gold), out, out.with_suffix(".csv"),
             out.with_suffix(".strata.csv"))
    return gold


def main(argv: list[str]) -> int:
    """``python -m pipeline.stance sample ...``: parse, check and run."""
    from ..core.config import load_params

    ap = OneLineParser(prog="python -m pipeline.stance sample", description=__doc__.split("\n\n")[0],
                       epilog="See the module docstring of pipeline/stance/sample.py for the allocation rule.")
    ap.add_argument("--n", type=int, required=True, help="rows to draw")
    ap.add_argument("--out", required=True, help="the sample as JSONL (gold format); the coding sheet goes beside "
                                                 "it as .csv and the strata table as .strata.csv")
    ap.add_argument("--params", default="params.yaml",
                    help="themes (poles for the sheet) and the scorer (default: %(default)s)")
    ap.add_argument("--sentences", default=FILES["stance_sentences"],
                    help="the stance stage's scored sentences (default: %(default)s)")
    ap.add_argument("--segments", default=FILES["segments"],
                    help="for sentences that mention a target word but were scored irrelevant ('' to leave them out; "
                         "default: %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED, help=f"seed of the draw (default {SEED})")
    ap.add_argument("--exclude", nargs="+", default=[], metavar="GOLD",
                    help=f"gold files (JSONL, or coding sheets as CSV) whose sentences are not drawn again; "
                         f"{DEFAULT_EXCLUDE} always, when it exists (default: no others)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error(f"--n {args.n}: must be at least 1")
    out = Path(args.out)
    if out.suffix != ".jsonl":
        ap.error(f"--out {args.out}: must end in .jsonl (the coding sheet is written beside it as .csv)")
    for p in args.exclude:
        if not Path(p).is_file():
            ap.error(f"--exclude {p}: file not found")
    exclude = list(dict.fromkeys(([DEFAULT_EXCLUDE] if Path(DEFAULT_EXCLUDE).is_file() else []) + args.exclude))
    run_sample(load_params(args.params), args.n, out, args.sentences, args.segments or None, seed=args.seed,
               exclude=exclude, source=args.params)
    return 0
