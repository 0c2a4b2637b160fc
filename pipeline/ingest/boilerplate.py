"""Separating an article from the web page around it.

Pages saved as text carry site navigation, calendar widgets, view and share
counters, photo credits and bylines. Navigation and widgets are dropped;
credits and bylines move to metadata. Everything else is the article and is
kept, line by line, as paragraphs: when in doubt a line stays.

The patterns are configuration (``corpus.boilerplate``); the structure rules
(a navigation block above the dateline, a footer after "Archive") are here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..core.text import clean_line, normalise

_SENTENCE_END = re.compile(r"[.!?…:;]['\"\u201d\u2019)\]]?$")


@dataclass
class Patterns:
    """Compiled ``corpus.boilerplate`` patterns (matched on whole, normalised lines)."""

    drop: list[re.Pattern] = field(default_factory=list)
    footer: list[re.Pattern] = field(default_factory=list)
    credit: list[re.Pattern] = field(default_factory=list)
    byline: list[re.Pattern] = field(default_factory=list)

    @classmethod
    def compile(cls, cfg: dict) -> "Patterns":
        def comp(items: Sequence[str]) -> list[re.Pattern]:
            return [re.compile(p, re.I) for p in items]

        return cls(comp(cfg["drop"]), comp(cfg["footer"]), comp(cfg["credit"]), comp(cfg["byline"]))


@dataclass
class Cleaned:
    title: str | None
    date_line: str | None
    paragraphs: list[str]
    credits: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _matches(patterns: list[re.Pattern], line: str) -> bool:
    line = normalise(line)
    return any(p.search(line) for p in patterns)


def _short(line: str, max_words: int = 8) -> bool:
    """A menu entry or heading: few words and no sentence punctuation at the end."""
    return len(line.split()) <= max_words and not _SENTENCE_END.search(line)


def clean_page(
    text: str,
    patterns: Patterns,
    is_dateline: Callable[[str], bool],
    head_lines: int = 20,
    min_nav_lines: int = 3,
    find_title: bool = True,
) -> Cleaned:
    """Split a saved web page into title, dateline, paragraphs and metadata.

    Parameters
    ----------
    text : str
        The decoded file.
    patterns : Patterns
        Line patterns from ``corpus.boilerplate``.
    is_dateline : callable
        True for a line that is only a date ("Posted: 04.11.2021 09:07:00").
    head_lines : int
        How many non-blank lines at the top may hold navigation and the dateline.
    min_nav_lines : int
        Short lines above the dateline count as navigation only when there are
        at least this many (one short line above a dateline is a title).
    find_title : bool
        Take the first short line as the title (text files); CSV rows have a
        title column instead.
    """
    lines = [clean_line(l) for l in text.splitlines()]
    lines = [l for l in lines if l]
    removed: list[str] = []
    credits: list[str] = []
    bylines: list[str] = []

    # Dateline and the navigation block above it.
    date_line = None
    date_idx = None
    for i, line in enumerate(lines[:head_lines]):
        if is_dateline(line):
            date_line, date_idx = line, i
            break
    start = 0
    if date_idx is not None:
        above = lines[:date_idx]
        if len(above) >= min_nav_lines and all(_short(l) for l in above):
            removed.extend(above)
            start = date_idx + 1
        else:
            start = 0
        lines = lines[start:date_idx] + lines[date_idx + 1 :] if start == 0 else lines[start:]
        removed.append(date_line)

    # Footer: after a footer marker only short lines (links, calendar) follow.
    body: list[str] = []
    in_footer = False
    for line in lines:
        if _matches(patterns.footer, line):
            in_footer = True
            removed.append(line)
            continue
        if in_footer and _short(line):
            removed.append(line)
            continue
        body.append(line)

    kept: list[str] = []
    for line in body:
        if _matches(patterns.drop, line):
            removed.append(line)
        elif _matches(patterns.byline, line):
            bylines.append(line)
        elif _matches(patterns.credit, line):
            credits.append(line)
        else:
            kept.append(line)

    title = None
    if find_title and kept and len(kept[0].split()) <= 30 and not kept[0].endswith((".", "!", "?")):
        title = kept.pop(0)
        # Sites often repeat the headline right under itself.
        while kept and kept[0] == title:
            removed.append(kept.pop(0))
    return Cleaned(title, date_line, kept, credits, bylines, removed)


def split_paragraphs(text: str, separator: re.Pattern | None) -> list[str]:
    """Paragraphs of a text column: one per line, also split at ``separator``."""
    out: list[str] = []
    for line in text.splitlines():
        parts = separator.split(line) if separator is not None else [line]
        out.extend(p for p in (clean_line(x) for x in parts) if p)
    return out
