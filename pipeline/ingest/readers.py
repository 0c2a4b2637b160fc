"""Reading a corpus: a folder of ``.txt`` files, or a ``.csv``/``.csv.gz``/``.jsonl`` file.

Readers yield :class:`RawDoc` for each usable document and :class:`Skipped`
for each bad one, so one broken file never costs the others. Only problems
with the corpus as a whole (no such path, a missing text column) raise
:class:`~pipeline.core.errors.UserError`.
"""
from __future__ import annotations

import codecs
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import urlparse

from ..core.errors import UserError
from . import csvrows

# Encodings political text outside UTF-8 usually comes in; tried first so a
# French latin-1 file is not reported as some Baltic code page that happens to fit.
COMMON_ENCODINGS = ["cp1252", "latin_1", "cp1251", "koi8_r", "cp1250", "iso8859_15", "cp1253", "cp1254", "utf_16",
                    "utf_16_le", "utf_16_be"]
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
CSV_SUFFIXES = (".csv", ".csv.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
#: Files a folder corpus skips that are corpora themselves.
TABLE_SUFFIXES = CSV_SUFFIXES + JSONL_SUFFIXES
_SAFE_ID = re.compile(r"[^\w.\-]+")


@dataclass
class RawDoc:
    id: str
    source: str
    text: str
    title: str | None = None
    date: str | None = None
    meta: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    is_page: bool = False  # a saved web page: title and dateline are in the text
    written_from: str | None = None  # the id as the file has it, when it had to be made file-name safe


@dataclass
class Skipped:
    source: str
    reason: str


class Note(str):
    """A remark on the corpus worth one line in the log, not a problem (a plain ``str`` is a warning)."""


class BadDocument(Exception):
    """One document cannot be used; the message says why."""


# Byte-order marks, longest first: a UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf_32", "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "utf_32", "UTF-32-BE"),
    (codecs.BOM_UTF8, "utf_8_sig", None),
    (codecs.BOM_UTF16_LE, "utf_16", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf_16", "UTF-16-BE"),
]


def _bom(data: bytes) -> tuple[str, str | None] | None:
    """The codec a byte-order mark names, and its label (None for UTF-8)."""
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            return codec, label
    return None


def _control_heavy(text: str) -> bool:
    """More control characters than text has: binary, or a wrong decoding (UTF-16 read as UTF-8)."""
    head = text[:65536]
    return len(_TEXT_CONTROL.findall(head)) > max(8, len(head) // 200)


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes; return the text and a warning if it was not UTF-8.

    A byte-order mark decides first (UTF-8, UTF-16, UTF-32); then UTF-8; then
    ``charset-normalizer``, which also recognises UTF-16 without a mark. Only
    bytes that no encoding turns into text are refused: a file is binary when
    it has control bytes and no decoding gives text without them.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    text : str
        The decoded text, byte-order mark removed.
    warning : str or None
        ``"not UTF-8; decoded as ..."`` when it was not UTF-8.

    Raises
    ------
    BadDocument
        For empty files, binary files and bytes no encoding explains.
    """
    if not data.strip():
        raise BadDocument("empty file")
    text, warning = _decode_text(data)
    if not text.strip():
        raise BadDocument("empty file")
    return text, warning


def _decode_text(data: bytes) -> tuple[str, str | None]:
    bom = _bom(data)
    if bom is not None:
        codec, label = bom
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise BadDocument(f"undecodable bytes: starts with a {label or 'UTF-8'} byte-order mark "
                              "but is not in that encoding") from None
        if _control_heavy(text):
            raise BadDocument(f"binary file (control characters after decoding as {label or 'UTF-8'}), not text")
        return text, f"not UTF-8; decoded as {label} (byte-order mark)" if label else None
    try:
        text = data.decode("utf-8")
        if not _control_heavy(text):
            return text, None
    except UnicodeDecodeError:
        pass
    best = _best_guess(data)
    if best is not None and best.chaos <= 0.3 and not _control_heavy(str(best)):
        return str(best), f"not UTF-8; decoded as {best.encoding}"
    head = data[:65536]
    if len(_BINARY_CONTROL.findall(head)) > max(8, len(head) // 200):
        raise BadDocument("binary file (control bytes), not text")
    raise BadDocument("undecodable bytes: neither UTF-8 nor a recognisable encoding")


def _best_guess(data: bytes):
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=COMMON_ENCODINGS).best()
    if best is None or best.chaos > 0.1:
        best = from_bytes(data).best()
    return best


def _safe_id(value: str) -> str:
    """A file-name-safe id; a URL is reduced to its last path segment."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        parts = [p for p in urlparse(value).path.split("/") if p]
        value = parts[-1] if parts else value
    return _SAFE_ID.sub("_", value).strip("_")


def read_folder(path: Path) -> Iterator[RawDoc | Skipped]:
    """Every ``*.txt`` file directly in ``path``, in name order."""
    for file in sorted(path.iterdir()):
        if file.is_dir() or file.name.startswith("."):
            continue
        if file.suffix.lower() != ".txt":
            yield Skipped(file.name, f"not a .txt file (suffix {file.suffix or 'none'}); ignored")
            continue
        try:
            text, warning = decode(file.read_bytes())
        except BadDocument as exc:
            yield Skipped(file.name, str(exc))
            continue
        except OSError as exc:
            yield Skipped(file.name, f"cannot read: {exc.strerror}")
            continue
        yield RawDoc(id=file.stem, source=file.name, text=text, warnings=[warning] if warning else [], is_page=True)


def _detect_file_encoding(path: Path) -> tuple[str, str | None]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    parts: list[bytes] = []
    with opener(path, "rb") as fh:
        try:
            while sum(map(len, parts)) < 1 << 20 and (part := fh.read(1 << 16)):
                parts.append(part)
        except EOFError:  # a truncated .gz: judge by what is there; the reader reports the cut
            pass
    sample = b"".join(parts)
    bom = _bom(sample)
    if bom is not None:
        codec, label = bom
        return codec, f"not UTF-8; decoded as {label} (byte-order mark)" if label else None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = sample[: exc.start].decode("utf-8") if exc.start > len(sample) - 4 else None  # a character cut at the sample's end
    if text is not None and not _control_heavy(text):
        return "utf_8", None
    best = _best_guess(sample)
    if best is None or _control_heavy(str(best)):
        raise UserError(f"{path}: undecodable bytes: neither UTF-8 nor a recognisable encoding")
    return best.encoding, f"not UTF-8; decoded as {best.encoding}"


def _row_doc(row: dict, rownum: int, path: Path, cols: dict, seen_cols: set[str]) -> RawDoc | Skipped:
    source = f"{path.name}:{rownum}"
    text = row.get(cols["text"])
    if text is not None and not isinstance(text, str):
        # JSON Lines can hold any value: a number or a list is no text, and saying it is empty misleads.
        return Skipped(source, f"column '{cols['text']}' holds {json.dumps(text)[:60]} ({type(text).__name__}), "
                               f"not text")
    if not isinstance(text, str) or not text.strip():
        return Skipped(source, f"empty text in column '{cols['text']}'")
    warnings = []
    doc_id, written_from = f"{path.name.split('.')[0]}-{rownum:06d}", None
    if cols["id"] and cols["id"] in seen_cols and str(row.get(cols["id"]) or "").strip():
        raw = str(row[cols["id"]]).strip()
        safe = _safe_id(raw)
        if not safe:
            warnings.append(f"id {raw!r} has no letter or digit; the row's id is {doc_id!r}")
        else:
            if safe != raw and not raw.startswith(("http://", "https://")):
                written_from = raw  # said once per file (noting_ids), not on every row
            doc_id = safe

    def col(name: str | None) -> str | None:
        if not name or name not in seen_cols:
            return None
        v = row.get(name)
        return None if v is None or str(v).strip() in cols["na_values"] else str(v)

    meta = {m: col(m) for m in cols["meta"] if m in seen_cols}
    return RawDoc(id=doc_id, source=source, text=text, title=col(cols["title"]), date=col(cols["date"]), meta=meta,
                  warnings=warnings, written_from=written_from)


def noting_ids(path: Path, items: Iterator[RawDoc | Skipped | str]) -> Iterator[RawDoc | Skipped | str]:
    """``items`` as they are, then one note when ids had to be made file-name safe: how many, with an example.

    A corpus whose every id holds a space would otherwise warn on every row.
    """
    count, example = 0, None
    for item in items:
        if isinstance(item, RawDoc) and item.written_from is not None:
            count += 1
            example = example or (item.written_from, item.id)
        yield item
    if example is not None:
        yield Note(f"{path.name}: {count} id{'s' if count != 1 else ''} written file-name safe, e.g. "
                   f"{example[0]!r} as {example[1]!r} (an id keeps letters, digits, '.', '-' and '_': it names "
                   f"files and links)")


def _id_column(present: list[str]) -> str | None:
    """The file's own id column when ``corpus.columns.id`` is null: one named ``id`` in any case."""
    if "id" in present:
        return "id"
    return next((name for name in present if name.strip().lower() == "id"), None)


def _check_columns(path: Path, present: list[str], cols: dict) -> tuple[set[str], list[str], dict]:
    """Fatal if the text column is missing; a warning for the others.

    Returns the columns seen, the warnings, and ``cols`` with the id column
    filled in when it was null and the file has a column named ``id``.
    """
    seen = set(present)
    if cols["id"] is None and (found := _id_column(present)) is not None:
        cols = {**cols, "id": found}
        notes = [Note(f"ids from the file's '{found}' column (corpus.columns.id is null; set it to name another column)")]
    else:
        notes = []
    if cols["text"] not in seen:
        raise UserError(
            f"{path}: text column '{cols['text']}' (corpus.columns.text) not found; columns are: {', '.join(present)}"
        )
    warnings = []
    for key in ("id", "title", "date"):
        name = cols[key]
        if name and name not in seen:
            warnings.append(f"column '{name}' (corpus.columns.{key}) not found; {key} left empty")
    for name in cols["meta"]:
        if name not in seen:
            warnings.append(f"column '{name}' (corpus.columns.meta) not found; ignored")
    return seen, notes + warnings, cols


def _open_text(path: Path, encoding: str) -> IO[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    # newline="": line breaks inside quoted fields are the csv module's to read.
    return opener(path, "rt", encoding=encoding, errors="replace", newline="")


def _header_names(fields: list[str]) -> list[str]:
    """Header names, a repeated one numbered as pandas does (``x``, ``x.1``)."""
    out: list[str] = []
    for name in fields:
        new, n = name, 1
        while new in out:
            new = f"{name}.{n}"
            n += 1
        out.append(new)
    return out


def read_csv(path: Path, cols: dict) -> Iterator[RawDoc | Skipped | str]:
    """Rows of a CSV (optionally gzipped), streamed.

    A malformed row (an unclosed quote, too many fields) is skipped with its
    line number; the rows before and after it are read as themselves (see
    :mod:`pipeline.ingest.csvrows`).

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.csv.gz`` file in any encoding :func:`decode` accepts.
    cols : dict
        ``corpus.columns``.

    Yields
    ------
    RawDoc, Skipped, Note or str
        A document per usable row, a :class:`Skipped` per bad one, and
        notes and warnings (plain strings) about the file.

    Raises
    ------
    UserError
        When the file has no readable header or lacks the text column.
    """
    encoding, warning = _detect_file_encoding(path)
    if warning:
        yield f"{path.name}: {warning}"
    try:
        with _open_text(path, encoding) as fh:
            rows = csvrows.records(fh)
            head = next(rows, None)
            if head is None or head.fields is None:
                why = "no header row" if head is None else f"line {head.line}: {head.problem}"
                raise UserError(f"{path}: not a readable CSV ({why})")
            header = _header_names(head.fields)
            seen, warnings, cols = _check_columns(path, header, cols)
            for w in warnings:
                yield type(w)(f"{path.name}: {w}")
            rownum = 0
            try:
                for rec in rows:
                    rownum += 1
                    if rec.fields is None:
                        yield Skipped(f"{path.name}:{rownum}",
                                      f"malformed CSV row at line {rec.line} of {path.name}: {rec.problem}; row skipped")
                        continue
                    doc = _row_doc(dict(zip(header, rec.fields)), rownum, path, cols, seen)
                    if rec.problem and isinstance(doc, RawDoc):
                        doc.warnings.append(f"line {rec.line}: {rec.problem}")
                    yield doc
            except (OSError, EOFError) as exc:  # a truncated .gz: the rows read so far stay
                yield Skipped(f"{path.name}:{rownum + 1}", f"cannot read the rest of the file: {exc}")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None


def _json_lines(path: Path) -> Iterator[tuple[int, bytes | str]]:
    """Numbered lines: bytes for UTF-8 (decoded line by line, so one bad line
    costs only itself), text when a byte-order mark says UTF-16 or UTF-32."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        bom = _bom(fh.read(4))
    if bom is not None and bom[1] is not None:
        with opener(path, "rt", encoding=bom[0], errors="replace", newline=None) as fh:
            yield from enumerate(fh, 1)
        return
    with opener(path, "rb") as fh:
        yield from enumerate(fh, 1)


def read_jsonl(path: Path, cols: dict) -> Iterator[RawDoc | Skipped | str]:
    """One JSON object per line; a broken line is skipped with its line number."""
    checked = False
    seen: set[str] = set()
    for lineno, raw in _json_lines(path):
        if not raw.strip():
            continue
        source = f"{path.name}:{lineno}"
        try:
            row = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield Skipped(source, f"not valid JSON ({exc.__class__.__name__})")
            continue
        if not isinstance(row, dict):
            yield Skipped(source, "not a JSON object")
            continue
        if not checked:
            seen, warnings, cols = _check_columns(path, list(row), cols)
            for w in warnings:
                yield type(w)(f"{path.name}: {w}")
            checked = True
        yield _row_doc(row, lineno, path, cols, seen | set(row))


def resolve_format(path: str | Path, fmt: str) -> str:
    """``corpus.format``, or the format the path's suffix names when ``auto``.

    Raises
    ------
    UserError
        When the path does not exist, or its kind and the format disagree.
    """
    p = Path(path)
    if not p.exists():
        raise UserError(f"corpus.path = '{path}' does not exist")
    if fmt == "auto":
        if p.is_dir():
            fmt = "txt"
        elif p.name.lower().endswith(CSV_SUFFIXES):
            fmt = "csv"
        elif p.name.lower().endswith(JSONL_SUFFIXES):
            fmt = "jsonl"
        else:
            raise UserError(f"corpus.path = '{path}': cannot tell the format; set corpus.format to txt, csv or jsonl")
    if fmt == "txt" and not p.is_dir():
        raise UserError(f"corpus.path = '{path}' is not a folder, but corpus.format is txt")
    if fmt != "txt" and p.is_dir():
        raise UserError(f"corpus.path = '{path}' is a folder, but corpus.format is {fmt}")
    return fmt


def read_corpus(path: str | Path, fmt: str, cols: dict) -> Iterator[RawDoc | Skipped | str]:
    """Dispatch on ``corpus.format`` (or the path's suffix when ``auto``)."""
    fmt = resolve_format(path, fmt)
    p = Path(path)
    if fmt == "txt":
        return read_folder(p)
    return noting_ids(p, read_csv(p, cols) if fmt == "csv" else read_jsonl(p, cols))
