"""Reading ``segments.jsonl``, the segments ``preprocess`` writes: one reader for every stage that needs them.

A segment is ``id, doc_id, position, date, sentences, tokens``; a document's
segments are written together, in order of position, so a reader never
holds more than one document's segments at a time.
"""
from __future__ import annotations

import os
from itertools import groupby
from pathlib import Path
from typing import Iterator

from .io import read_jsonl


def read_segments(path: str | os.PathLike) -> Iterator[dict]:
    """Every segment of ``path``, in file order, one at a time."""
    return read_jsonl(path)


def by_document(path: str | os.PathLike) -> Iterator[list[dict]]:
    """The segments of ``path`` one document at a time (a list per document, in file order)."""
    for _, group in groupby(read_segments(path), key=lambda s: s["doc_id"]):
        yield list(group)


class UnitTokens:
    """Restartable stream of the token lists of the chosen unit, read from ``segments.jsonl``.

    ``document`` joins a document's segments in order of position; preprocess
    writes a document's segments together, so one document at a time is held.
    Nothing keeps the corpus' token lists in memory.
    """

    def __init__(self, path: str | Path, unit: str = "segment"):
        self.path, self.unit = Path(path), unit

    def __iter__(self) -> Iterator[list[str]]:
        for _, _, tokens in self.rows():
            yield tokens

    def rows(self) -> Iterator[tuple[str, str, list[str]]]:
        """(row id, document id, tokens) of every unit."""
        if self.unit == "segment":
            for seg in read_segments(self.path):
                yield seg["id"], seg["doc_id"], seg["tokens"]
            return
        doc, parts = None, []
        for seg in read_segments(self.path):
            if seg["doc_id"] != doc and parts:
                yield doc, doc, [t for _, toks in sorted(parts, key=lambda p: p[0]) for t in toks]
                parts = []
            doc = seg["doc_id"]
            parts.append((seg["position"], seg["tokens"]))
        if parts:
            yield doc, doc, [t for _, toks in sorted(parts, key=lambda p: p[0]) for t in toks]
