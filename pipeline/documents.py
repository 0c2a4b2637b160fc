"""Reading ``corpus.jsonl``, the documents ``ingest`` writes: one reader for every stage that needs them.

A document is ``id, title, date, language, source, paragraphs, meta,
warnings`` and, for one in another language than ``corpus.language``,
``not_scored`` (the reason): such a document stays in the file but no later
stage analyses it.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Iterator, Sequence

from .core.io import read_jsonl


def read_documents(path: str | os.PathLike) -> Iterator[dict]:
    """Every document of ``path``, in file order, one at a time."""
    return read_jsonl(path)


def titles(path: str | os.PathLike | None) -> dict[str, str]:
    """Document id -> title ("" when it has none); empty when the file is not there."""
    if path is None or not Path(path).is_file():
        return {}
    return {d["id"]: d.get("title") or "" for d in read_documents(path)}


def labels(doc_ids: Sequence[str], path: str | os.PathLike | None, width: int = 40) -> list[str]:
    """Short labels for documents in figures: date and title (cut at ``width``) when the file has them.

    Parameters
    ----------
    doc_ids : sequence of str
        The documents to label, in order.
    path : path, optional
        ``corpus.jsonl``; missing, every label is the document id.
    width : int
        Longest title kept; a longer one is cut at a word boundary (a single long word
        mid-word) and ends with "…".
    """
    meta: dict[str, dict] = {}
    if path is not None and Path(path).is_file():
        wanted = set(doc_ids)
        meta = {d["id"]: d for d in read_documents(path) if d["id"] in wanted}
    out = []
    for i in doc_ids:
        d = meta.get(i, {})
        title = " ".join((d.get("title") or i).split())
        if len(title) > width:
            # At a word boundary: a label cut mid-word reads as a different word.
            title = (textwrap.shorten(title, width, placeholder=" …", break_on_hyphens=False) if " " in title[:width]
                     else title[: width - 1] + "…")
        out.append(f"{d['date']} {title}" if d.get("date") else title)
    return out


def scored_metadata(path: str | os.PathLike) -> list[dict]:
    """Id, date and metadata of every document the later stages analyse (the text is not kept in memory).

    Documents in another language are in ``corpus.jsonl`` but in no later
    stage: counting them in a group would dilute its shares.
    """
    return [{"id": d["id"], "date": d.get("date"), "meta": d.get("meta") or {}} for d in read_documents(path)
            if not d.get("not_scored")]
