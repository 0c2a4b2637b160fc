"""Atomic file output and streaming JSON Lines.

Every output is written to a temporary file beside its target and renamed into
place, so an interrupted stage never leaves a half-written file for DVC or a
reviewer to find.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence


_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path`` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 would make outputs private
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs: Any) -> Iterator[io.IOBase]:
    """Open a temporary file for writing; it becomes ``path`` only on success."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
        kwargs.setdefault("newline", "\n")
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


def dumps(obj: Any) -> str:
    """One canonical JSON line: stable key order, real Unicode, no spaces."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_jsonl(path: str | os.PathLike, rows: Iterable[dict]) -> int:
    """Stream ``rows`` to ``path`` as JSON Lines, atomically; return the count."""
    n = 0
    with atomic_open(path) as fh:
        for row in rows:
            fh.write(dumps(row))
            fh.write("\n")
            n += 1
    return n


def jsonl_lines(path: str | os.PathLike) -> Iterator[str]:
    """Yield the non-blank lines of a JSON Lines file, unparsed (for workers that parse them)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def read_jsonl(path: str | os.PathLike) -> Iterator[dict]:
    """Yield one object per non-blank line, without loading the file."""
    return (json.loads(line) for line in jsonl_lines(path))


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Pretty, key-sorted JSON (metrics files diff well this way)."""
    with atomic_open(path) as fh:
        json.dump(obj, fh, ensure_ascii=False, sort_keys=True, indent=2)
        fh.write("\n")


def write_csv(path: str | os.PathLike, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with Unix line endings so the file is identical on every platform."""
    with atomic_open(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_BARE_PIPE = re.compile(r"(?<!\\)\|")


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 (hex) of a file's bytes, read in blocks of 1 MiB."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: Evidence markup (the stance stage writes it, the report explains it): written after a
#: general-lexicon word, and explained by every legend of the evidence.
LEXICON_MARK = "†"
EVIDENCE_LEGEND = ("**bold**: target term; _italics_: theme cue; _italics_" + LEXICON_MARK
                   + ": general-lexicon (VADER) word, a weaker signal")


def markdown_escape(value: Any) -> str:
    """Corpus text safe in Markdown and in the HTML made from it.

    ``<``, ``>`` and ``&`` become entities (``<script>`` shows as text on a git
    host and in a browser); characters that would change the layout
    (emphasis, links, table pipes, headings) get a backslash.
    """
    if value is None:
        return ""
    text = html.escape(str(value), quote=False).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


# Every character with a meaning in Markdown, HTML or a table row, as a numeric entity.
_CODE_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>|`_*\\[]#~!"}


def markdown_code(value: Any) -> str:
    """``value`` as inline code that shows literally, in a table cell or in running text.

    Inside a code span Markdown escapes are not read: ``\\_`` would show its
    backslash (``000\\_e05e\\#0001``). A span only needs a fence of more
    backticks than any run in the value, padded with a space when the value
    starts or ends with one. A ``|`` splits a table row even inside a code span
    on GitHub (which wants ``\\|``) but not in python-markdown (which then shows
    the backslash), and ``<`` or ``&`` would show as entities; such a value is
    written as an HTML ``<code>`` element whose special characters are numeric
    entities, which both renderers show as the characters.

    Parameters
    ----------
    value : any
        An id, path or command; ``None`` gives an empty string. Line breaks become spaces.

    Returns
    -------
    str
        The whole code span, fences included: use it instead of writing backticks around a value.
    """
    text = "" if value is None else " ".join(str(value).splitlines())
    if not text:
        return ""
    if any(c in text for c in "|<>&"):
        return "<code>" + "".join(_CODE_ENTITIES.get(c, c) for c in text) + "</code>"
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; pipes inside cells are escaped (once)."""

    def cell(v: Any) -> str:
        return _BARE_PIPE.sub(r"\\|", "" if v is None else str(v)).replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically, UTF-8 with Unix line endings."""
    with atomic_open(path) as fh:
        fh.write(text)


def write_table(csv_path: str | os.PathLike, md_path: str | os.PathLike, header: Sequence[str],
                rows: list[Sequence[Any]]) -> None:
    """The same table as CSV (for tools) and as Markdown (for reading on a git host), both atomically.

    Parameters
    ----------
    csv_path, md_path : path
        Where the two files go.
    header : sequence of str
        Column names.
    rows : list of sequences
        The rows, read twice (so not an iterator).
    """
    write_csv(csv_path, header, rows)
    write_text(md_path, markdown_table(header, rows))
