"""Stage ``ingest``: raw corpus in, one clean JSON line per document out.

Outputs
-------
``data/interim/corpus.jsonl``
    ``id, title, date, source, paragraphs, meta, warnings`` per document.
``reports/tables/corpus.csv``
    One row per input document, kept or skipped, with sizes and warnings.
``reports/tables/duplicates.csv``
    Every exact or near-duplicate paragraph found, and what was done with it.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from tqdm import tqdm

from .. import executor as X
from ..core.errors import UserError, progress_enabled
from ..core.io import atomic_open, dumps, write_csv
from ..core.paths import Paths
from ..core.text import describe_controls, excerpt, strip_controls, word_count
from .boilerplate import Patterns, clean_page, split_paragraphs
from .dates import ColumnOrder, date_in_lead, is_dateline, parse_date
from .dedup import DocumentIndex, Duplicate, ParagraphIndex
from ..core.schema.corpus import BYLINE, PHOTO_CREDIT, SCHEMA, SUPPORTED_NOTE  # noqa: F401  (SCHEMA re-exported)
from .language import identify
from .readers import TABLE_SUFFIXES, Note, RawDoc, Skipped, read_corpus, resolve_format

log = logging.getLogger("ingest")

CORPUS_COLUMNS = ["id", "title", "date", "language", "source", "status", "paragraphs", "tokens", "warnings"]
DUPLICATE_COLUMNS = ["doc_id", "paragraph", "duplicate_of", "of_paragraph", "kind", "similarity", "action", "excerpt"]


def _without_controls(raw: RawDoc) -> tuple[RawDoc, Counter]:
    """The document with control characters removed from every field, and their count.

    NUL bytes and escapes would reach the reports (git then treats a Markdown
    report as binary) and tokens; nothing legible is lost with them.
    """
    total: Counter = Counter()

    def clean(value):
        if not isinstance(value, str):
            return value
        value, found = strip_controls(value)
        total.update(found)
        return value

    cleaned = dataclasses.replace(raw, text=clean(raw.text), title=clean(raw.title), date=clean(raw.date),
                                  meta={k: clean(v) for k, v in raw.meta.items()})
    return cleaned, total


def build_document(raw: RawDoc, cfg: dict, patterns: Patterns | None, column_order: str | None = None) -> dict:
    """Turn one raw document into its clean record (pure: no I/O).

    Parameters
    ----------
    raw : RawDoc
        As a reader yields it.
    cfg : dict
        The validated ``corpus`` group.
    patterns : Patterns or None
        Compiled boilerplate patterns; None when boilerplate removal is off.
    column_order : {"DMY", "MDY", "YMD"} or None
        The order decided for the whole date column (see :func:`date_column_order`);
        None reads each date on its own with ``corpus.date_order``.

    Returns
    -------
    dict
        ``id, title, date, language, not_scored, source, paragraphs, meta, warnings``;
        ``language`` is None when it cannot be told, ``not_scored`` says why later
        stages leave the document out ("language ru") or is None.

    Raises
    ------
    ValueError
        When nothing of the article is left after removing boilerplate.
    """
    warnings = list(raw.warnings)
    raw, controls = _without_controls(raw)
    if controls:
        warnings.append(describe_controls(controls))
    order = cfg["date_order"]
    sep = re.compile(cfg["paragraph_separator"]) if cfg["paragraph_separator"] else None
    meta = dict(raw.meta)
    title, date = raw.title, None
    if raw.date is not None:
        parsed = parse_date(raw.date, column_order or order, fixed_order=column_order is not None)
        date = parsed.iso
        if parsed.problem:
            warnings.append(parsed.problem)
    if patterns is not None:
        cleaned = clean_page(
            raw.text,
            patterns,
            is_dateline=lambda line: is_dateline(line, order),
            head_lines=cfg["boilerplate"]["head_lines"] if raw.is_page else 0,
            find_title=raw.is_page and title is None,
        )
        paragraphs = [p for para in cleaned.paragraphs for p in split_paragraphs(para, sep)]
        title = title or cleaned.title
        if cleaned.credits:
            meta[PHOTO_CREDIT] = "; ".join(cleaned.credits)
        if cleaned.bylines:
            meta[BYLINE] = "; ".join(cleaned.bylines)
        if raw.is_page and date is None:
            if cleaned.date_line:
                parsed = parse_date(cleaned.date_line, order)
                date = parsed.iso
                if parsed.problem:
                    warnings.append(f"dateline {cleaned.date_line!r}: {parsed.problem}")
            elif paragraphs:
                lead = date_in_lead(paragraphs[0], order)
                if lead is not None:
                    date = lead.iso
                    if lead.problem:
                        warnings.append(lead.problem)
    else:
        paragraphs = split_paragraphs(raw.text, sep)
    if not paragraphs:
        raise ValueError("no text left after removing boilerplate")
    date_expected = raw.is_page or cfg["columns"]["date"] is not None
    if date is None and date_expected and not any("date" in w for w in warnings):
        warnings.append("no date found; left empty")
    language = identify("\n".join(([title] if title else []) + paragraphs), cfg["language"])
    not_scored = None
    if language.code is not None and language.code != cfg["language"]:
        not_scored = f"language {language.code}"
        warnings.append(f"not scored: language {language.code} (detected with probability "
                        f"{language.probability:.2f}); corpus.language is '{cfg['language']}', and {SUPPORTED_NOTE}")
    return {
        "id": raw.id,
        "written_from": raw.written_from,  # for the duplicate-id warning only; not written
        "title": title,
        "date": date,
        "language": language.code,
        "not_scored": not_scored,
        "source": raw.source,
        "paragraphs": paragraphs,
        "meta": meta,
        "warnings": warnings,
    }


def paragraphs_to_drop(dups: list[Duplicate], n_paragraphs: int, policy: str) -> set[int]:
    """Which duplicate paragraphs ``keep_first`` drops from a later document.

    A document is never emptied: two items with the same body can still be two
    events (the Kremlin corpus congratulates two brigades in identical words,
    under different headlines), so a document whose every paragraph is a copy
    is kept whole and flagged.
    """
    if policy != "keep_first":
        return set()
    drop = {d.paragraph for d in dups}
    return drop if len(drop) < n_paragraphs else set()


def _table_files_hint(path: Path) -> str:
    """For a folder (read for ``.txt`` files) that holds CSV or JSON Lines files: point at them."""
    if not path.is_dir():
        return ""
    tables = sorted(f.name for f in path.iterdir() if f.is_file() and f.name.lower().endswith(TABLE_SUFFIXES))
    if not tables:
        return ""
    more = f" and {len(tables) - 3} more" if len(tables) > 3 else ""
    return (f"; a folder is read for .txt files, and this one holds {', '.join(tables[:3])}{more}: point "
            f"corpus.path at the file")


def _unique_id(doc_id: str, seen: set[str]) -> str:
    n = 2
    new = doc_id
    while new in seen:
        new = f"{doc_id}~{n}"
        n += 1
    return new


@dataclasses.dataclass(frozen=True)
class _Unusable:
    """A document :func:`build_document` refused (kept apart from the reader's skips for ``corpus.limit``)."""

    skipped: Skipped


def _build_job(shared: tuple, item):
    """Build one document in a worker; the reader's notes, warnings and skips pass through unchanged."""
    cfg, patterns, column_order = shared
    if not isinstance(item, RawDoc):
        return item
    try:
        return build_document(item, cfg, patterns, column_order)
    except ValueError as exc:
        return _Unusable(Skipped(item.source, str(exc)))


def ingest_documents(items: Iterable[RawDoc | Skipped | str], cfg: dict, column_order: str | None = None,
                     executor: Mapping | None = None) -> Iterator[tuple[str, object]]:
    """Clean, date and de-duplicate documents; a generator of tagged events.

    Yields ``("doc", record)``, ``("skipped", Skipped)``, ``("warning", str)``, ``("note", str)``,
    ``("duplicate", (Duplicate, action, excerpt))`` and ``("dropped", record)`` (a
    whole-document copy that ``keep_first`` drops) in corpus order, so the caller
    decides what to write and nothing needs the whole corpus in memory.

    Documents are cleaned, dated and identified on ``executor`` (the validated
    ``executor`` group; None: in this process), a few partitions ahead; copies
    are found here, in corpus order, so the events are the same either way.
    """
    patterns = Patterns.compile(cfg["boilerplate"]) if cfg["boilerplate"]["enabled"] else None
    dd = cfg["dedup"]
    index = ParagraphIndex(threshold=dd["threshold"], shingle=dd["shingle"], min_words=dd["min_words"],
                           num_perm=dd["num_perm"])
    documents = DocumentIndex(threshold=dd["document_threshold"], min_words=dd["min_words"], num_perm=dd["num_perm"])
    seen_ids: set[str] = set()
    kept = 0
    for item in X.map_items(_build_job, items, executor, (cfg, patterns, column_order)):
        if isinstance(item, Note):
            yield "note", str(item)
            continue
        if isinstance(item, str):
            yield "warning", item
            continue
        if isinstance(item, Skipped):
            yield "skipped", item
            continue
        if cfg["limit"] is not None and kept >= cfg["limit"]:
            break
        if isinstance(item, _Unusable):
            yield "skipped", item.skipped
            continue
        doc = item
        written_from = doc.pop("written_from", None)
        if doc["id"] in seen_ids:
            new = _unique_id(doc["id"], seen_ids)
            doc["warnings"].append(f"duplicate id '{doc['id']}'"
                                   + (f" (written from {written_from!r})" if written_from else "")
                                   + f"; renamed to '{new}'")
            doc["id"] = new
        seen_ids.add(doc["id"])
        fingerprint = documents.fingerprint(doc["paragraphs"])
        copy = documents.check(doc["id"], fingerprint)
        if copy is not None:
            what = ("an exact copy" if copy.kind == "exact document"
                    else f"a near copy (word-sequence similarity {copy.similarity})")
            if dd["policy"] == "keep_first":
                yield "duplicate", (copy, "dropped", doc["paragraphs"][0][:80])
                doc["warnings"].append(f"{what} of document '{copy.of_doc}'; dropped (corpus.dedup.policy: keep_first)")
                yield "dropped", doc
                continue
            yield "duplicate", (copy, "kept", doc["paragraphs"][0][:80])
            doc["warnings"].append(f"{what} of document '{copy.of_doc}'; kept (corpus.dedup.policy: keep_all)")
            # Its paragraphs would each be listed again as copies of the same document's.
            documents.add(doc["id"], fingerprint)
            kept += 1
            yield "doc", doc
            continue
        documents.add(doc["id"], fingerprint)
        dups = index.check_document(doc["id"], doc["paragraphs"])
        drop = paragraphs_to_drop(dups, len(doc["paragraphs"]), dd["policy"])
        for d in dups:
            snippet = excerpt(doc["paragraphs"][d.paragraph], 80)
            if d.paragraph in drop:
                action = "dropped"
            elif dd["policy"] == "keep_first":
                action = "kept: every paragraph is a copy"
            else:
                action = "kept"
            yield "duplicate", (d, action, snippet)
        if dups and not drop and dd["policy"] == "keep_first":
            doc["warnings"].append(f"every paragraph repeats document '{dups[0].of_doc}'; kept whole")
        if drop:
            doc["paragraphs"] = [p for i, p in enumerate(doc["paragraphs"]) if i not in drop]
            # A note for the table, not a problem with the file: not logged one by one.
            doc["_note"] = f"{len(drop)} duplicate paragraph(s) of earlier documents dropped"
        kept += 1
        yield "doc", doc


class CappedLog:
    """Warnings one by one up to ``limit``, then a single count: a big corpus must not flood the log."""

    def __init__(self, logger: logging.Logger, limit: int = 20):
        self.logger, self.limit, self.n = logger, limit, 0

    def __call__(self, msg: str, *args) -> None:
        self.n += 1
        if self.n <= self.limit:
            self.logger.warning(msg, *args)

    def close(self) -> None:
        if self.n > self.limit:
            self.logger.warning("... and %d more warnings: see the warnings column of the corpus table",
                                self.n - self.limit)


def _languages(counts: Counter) -> str:
    """``"language ru: 3, language uk: 1"``, most frequent first."""
    return ", ".join(f"language {code}: {n}" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def date_column_order(cfg: dict) -> ColumnOrder | None:
    """Read the date column once to decide the order of all its all-numeric dates.

    A column is one source's convention: "04/15/2022" shows month-first order,
    so "04/05/2022" in the same column is April 5, not May 4.

    Parameters
    ----------
    cfg : dict
        The validated ``corpus`` group.

    Returns
    -------
    ColumnOrder or None
        The counts and the order decided; None for a folder of pages (each
        page is read on its own) or without a date column.
    """
    column = cfg["columns"]["date"]
    if column is None or resolve_format(cfg["path"], cfg["format"]) == "txt":
        return None
    order = ColumnOrder(cfg["date_order"])
    for item in read_corpus(cfg["path"], cfg["format"], cfg["columns"]):
        if isinstance(item, RawDoc) and item.date:
            order.add(strip_controls(item.date)[0], item.source)
    return order


def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: the corpus of ``groups["corpus"]`` in, ``paths.corpus``, ``corpus_table``, ``duplicates`` out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads ``corpus``,
        and ``executor`` to clean documents in parallel when present (absent: this process only;
        the outputs are the same bytes either way).
    paths : Paths
        The file contract under the workspace root; each output is written atomically.

    Returns
    -------
    dict
        ``documents`` (in ``corpus.jsonl``), ``not_scored``, ``skipped``,
        ``duplicate_documents``, ``dropped_documents``, ``duplicates`` and
        ``dropped_paragraphs`` (paragraph copies).

    Raises
    ------
    UserError
        No such path, no usable document, or none in ``corpus.language``.
    """
    cfg = groups["corpus"]
    table: list[list] = []
    dup_rows: list[list] = []
    counts = {"documents": 0, "not_scored": 0, "skipped": 0, "duplicate_documents": 0, "dropped_documents": 0,
              "duplicates": 0, "dropped_paragraphs": 0}
    languages: Counter = Counter()
    log.info("reading %s (%s)", cfg["path"], cfg["format"])
    bar = tqdm(desc="ingest", unit="doc", disable=not progress_enabled())
    warn = CappedLog(log)
    dates = date_column_order(cfg)
    said = dates.describe(cfg["columns"]["date"]) if dates is not None else None
    if said is not None:
        (log.info if said[0] == "note" else warn)("%s: %s", Path(cfg["path"]).name, said[1])
    items = read_corpus(cfg["path"], cfg["format"], cfg["columns"])
    with atomic_open(paths.corpus) as fh:
        for kind, payload in ingest_documents(items, cfg, dates.order if dates is not None else None,
                                              groups.get("executor")):
            if kind == "note":
                log.info("%s", payload)
            elif kind == "warning":
                warn("%s", payload)
            elif kind == "skipped":
                counts["skipped"] += 1
                warn("%s: skipped: %s", payload.source, payload.reason)
                table.append([Path(payload.source).stem, None, None, None, payload.source, "skipped", 0, 0,
                              payload.reason])
            elif kind == "duplicate":
                d, action, excerpt = payload
                if d.paragraph is None:
                    counts["duplicate_documents"] += 1
                else:
                    counts["duplicates"] += 1
                    counts["dropped_paragraphs"] += action == "dropped"
                dup_rows.append([d.doc_id, d.paragraph, d.of_doc, d.of_paragraph, d.kind, d.similarity, action, excerpt])
            elif kind == "dropped":
                doc = payload
                counts["dropped_documents"] += 1
                warn("%s: %s", doc["source"], doc["warnings"][-1])
                tokens = sum(word_count(p) for p in doc["paragraphs"])
                table.append([doc["id"], doc["title"], doc["date"], doc["language"], doc["source"], "duplicate",
                              len(doc["paragraphs"]), tokens, "; ".join(doc["warnings"])])
            else:
                doc = payload
                counts["documents"] += 1
                bar.update()
                for w in doc["warnings"]:
                    warn("%s: %s", doc["source"], w)
                note = doc.pop("_note", None)
                fh.write(dumps(doc) + "\n")
                tokens = sum(word_count(p) for p in doc["paragraphs"])
                if doc["not_scored"]:
                    counts["not_scored"] += 1
                    languages[doc["language"]] += 1
                table.append([doc["id"], doc["title"], doc["date"], doc["language"], doc["source"],
                              "not scored" if doc["not_scored"] else "kept", len(doc["paragraphs"]), tokens,
                              "; ".join(doc["warnings"] + ([note] if note else []))])
        bar.close()
        warn.close()
        if counts["documents"] == 0:
            raise UserError(f"corpus.path = '{cfg['path']}': no usable document ({counts['skipped']} skipped)"
                            + _table_files_hint(Path(cfg["path"])))
        if counts["documents"] == counts["not_scored"]:
            raise UserError(f"corpus.path = '{cfg['path']}': no document in corpus.language '{cfg['language']}' "
                            f"({_languages(languages)}); {SUPPORTED_NOTE}")
    write_csv(paths.corpus_table, CORPUS_COLUMNS, table)
    write_csv(paths.duplicates, DUPLICATE_COLUMNS, dup_rows)
    if counts["not_scored"]:
        log.warning("%d documents will not be scored: %s; corpus.language is '%s', and %s", counts["not_scored"],
                    _languages(languages), cfg["language"], SUPPORTED_NOTE)
    log.info(
        "kept %d documents, skipped %d; %d copies of whole documents found, %d dropped; "
        "%d duplicate paragraphs found, %d dropped",
        counts["documents"], counts["skipped"], counts["duplicate_documents"], counts["dropped_documents"],
        counts["duplicates"], counts["dropped_paragraphs"],
    )
    return counts
