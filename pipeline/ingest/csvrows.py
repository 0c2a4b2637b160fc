"""CSV records that survive malformed rows.

A parser that reads a file in chunks (pandas) loses the whole chunk, or the
rest of the file, at the first row with an unclosed quote: the quote swallows
the newlines after it, and every later quote pairs with the wrong partner.
Here each record remembers the physical lines it was read from. When a
record cannot be parsed strictly (a quote closed in the middle of a field,
end of file inside a quoted field, more fields than the header), only its
first line is declared bad and reading starts again on the line after it,
so every well-formed row before and after the bad one is read as itself.
"""
from __future__ import annotations

import csv
from collections import deque
from dataclasses import dataclass
from typing import IO, Iterator

# A field longer than this is a runaway quote, not a document; the bound also
# caps the lines held for re-reading after a bad row.
MAX_FIELD_CHARS = 1 << 25


@dataclass
class Record:
    """One CSV record: its first physical line, its fields, or why it is bad.

    ``fields`` is None for a bad record; ``problem`` then says why. A record
    that was read with a repair (too few fields, a stray quote) has both.
    """

    line: int
    fields: list[str] | None
    problem: str | None = None


class _Lines:
    """Physical lines with their numbers; lines handed back are read again first."""

    def __init__(self, fh: IO[str]):
        self._fh = fh
        self._lineno = 0
        self.pending: deque[tuple[int, str]] = deque()
        self.consumed: list[tuple[int, str]] = []

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            line = self._fh.readline()
            if not line:
                raise StopIteration
            self._lineno += 1
            item = (self._lineno, line)
        self.consumed.append(item)
        return item[1]

    def replay_after_first(self) -> None:
        """Read every consumed line but the first again."""
        self.pending.extendleft(reversed(self.consumed[1:]))


def _why(error: str) -> str:
    if "unexpected end of data" in error:
        return "a quoted field opened here is never closed"
    if "expected after" in error:
        return "a quote is closed in the middle of a field (unclosed or stray quote)"
    if "field larger than field limit" in error:
        return f"a field runs over {MAX_FIELD_CHARS:,} characters (a quote that is never closed)"
    return error


def _lenient_one_line(line: str, n_fields: int) -> list[str] | None:
    """A one-line row with a stray quote inside a quoted field, read as pandas would.

    Only when its quotes are balanced (so nothing spills into the next line)
    and it has exactly the header's number of fields.
    """
    if line.count('"') % 2:
        return None
    try:
        rows = list(csv.reader([line], strict=False))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 and len(rows[0]) == n_fields else None


def records(fh: IO[str]) -> Iterator[Record]:
    """The header, then every record of a CSV text stream.

    Parameters
    ----------
    fh : text stream
        Opened with ``newline=""`` so line breaks inside quoted fields are kept.

    Yields
    ------
    Record
        The first is the header (``fields`` None if the file has none). Blank
        lines are not records. A bad record has ``fields`` None and covers
        only its first line; the lines after it are read again as records.
    """
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    src = _Lines(fh)
    reader = csv.reader(src, strict=True)
    n_fields: int | None = None
    while True:
        src.consumed = []
        error = None
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = None, str(exc)
        if not src.consumed:
            return
        start, first = src.consumed[0]
        span = len(src.consumed)
        if fields is not None and (not fields or (len(fields) == 1 and not fields[0].strip() and n_fields != 1)):
            continue  # a blank line
        if n_fields is None:
            if fields is None:
                yield Record(start, None, _why(error))
                return
            n_fields = len(fields)
            yield Record(start, fields)
            continue
        if fields is not None and len(fields) == n_fields:
            yield Record(start, fields)
            continue
        if fields is not None and span == 1 and len(fields) < n_fields:
            # pandas reads a short row with the missing columns empty; so do we, but say so.
            yield Record(start, fields + [""] * (n_fields - len(fields)),
                         f"{len(fields)} fields where the header has {n_fields}; missing columns left empty")
            continue
        if fields is None and span == 1:
            repaired = _lenient_one_line(first, n_fields)
            if repaired is not None:
                yield Record(start, repaired, "stray quote inside a quoted field; read as written")
                continue
        if error is not None:
            why = _why(error)
        else:
            why = f"{len(fields)} fields where the header has {n_fields}"
            if span > 1:
                why += f" (a quoted field opened here runs over {span} lines)"
        yield Record(start, None, why)
        src.replay_after_first()
        reader = csv.reader(src, strict=True)  # a fresh parser: the old one is mid-field
