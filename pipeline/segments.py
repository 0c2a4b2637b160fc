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

from .core.errors import UserError
from .core.io import read_jsonl


def read_segments(path: str | os.PathLike) -> Iterator[dict]:
    """Every segment of ``path``, in file order, one at a time."""
    return read_jsonl(path)


def by_document(path: str | os.PathLike, sentence_tokens: str | os.PathLike | None = None) -> Iterator[list[dict]]:
    """The segments of ``path`` one document at a time (a list per document, in file order).

    With ``sentence_tokens`` (``sentence_tokens.jsonl``), each segment carries
    its sentences' tokens too (:func:`read_sentence_tokens`).
    """
    rows = read_sentence_tokens(read_segments(path), sentence_tokens)
    for _, group in groupby(rows, key=lambda s: s["doc_id"]):
        yield list(group)


#: The field :func:`by_document` adds from ``sentence_tokens.jsonl``: per sentence, its tokens joined by spaces.
SENTENCE_TOKENS = "sentence_tokens"


def read_sentence_tokens(segments: Iterator[dict], path: str | os.PathLike | None) -> Iterator[dict]:
    """``segments`` with each one's ``sentence_tokens`` from ``path`` (read in step; None: unchanged).

    ``preprocess`` writes ``sentence_tokens.jsonl`` beside ``segments.jsonl``,
    one line per segment in the same order: ``{"id", "sentence_tokens"}``,
    the syntok tokens of each sentence (punctuation included) joined by single
    spaces. Stages that need tokens (stance) read them instead of tokenising
    the sentences again.

    Raises
    ------
    UserError
        When the two files do not list the same segments in the same order
        (one of them is from another run: run ``dvc repro preprocess``).
    """
    if path is None or not Path(path).is_file():
        yield from segments
        return
    tokens = read_jsonl(path)
    for seg in segments:
        row = next(tokens, None)
        if row is None or row.get("id") != seg["id"] or len(row[SENTENCE_TOKENS]) != len(seg["sentences"]):
            raise UserError(f"{path}: does not match the segments at {seg['id']!r} (the two files are from "
                            "different runs); run the preprocess stage again (dvc repro preprocess)")
        yield {**seg, SENTENCE_TOKENS: row[SENTENCE_TOKENS]}


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
