"""Publication dates: parsed by ``dateparser``, never guessed.

A date is kept only when day, month and year are all stated. "on 2 March"
with no year is reported and left empty: filling in the current year (what
parsers do by default) would put an article in the wrong year of a timeline.
Relative expressions ("yesterday") are switched off for the same reason.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PREFIX = re.compile(r"^\s*(?:posted|published|updated|date|dated)\s*(?:on)?\s*:?\s*", re.I)
_DIGIT = re.compile(r"\d")
_PARSERS = ["timestamp", "custom-formats", "absolute-time"]


@dataclass(frozen=True)
class ParsedDate:
    """``iso`` is ``YYYY-MM-DD`` or None; ``problem`` says why it is None."""

    iso: str | None
    problem: str | None = None


def _settings(order: str, complete: bool) -> dict:
    s = {
        "DATE_ORDER": order,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": _PARSERS,
    }
    if complete:
        s["REQUIRE_PARTS"] = ["day", "month", "year"]
    return s


def _iso_fast(text: str) -> str | None:
    """ISO 8601 without the cost of dateparser (the common case in CSV corpora)."""
    try:
        return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def parse_date(text: str | None, order: str = "DMY") -> ParsedDate:
    """Parse one date expression; incomplete or unparseable gives ``iso=None``.

    Parameters
    ----------
    text : str or None
        "04.11.2021 09:07:00", "Posted: 15 Apr 2024", "2022-06-24T17:30:00Z", ...
    order : {"DMY", "MDY", "YMD"}
        How to read all-numeric dates such as 04.11.2021.
    """
    if text is None or not str(text).strip():
        return ParsedDate(None, "no date given")
    raw = _PREFIX.sub("", str(text)).strip()
    fast = _iso_fast(raw)
    if fast:
        return ParsedDate(fast)
    import dateparser  # slow import; only paid when a non-ISO date appears

    full = dateparser.parse(raw, languages=["en"], settings=_settings(order, complete=True))
    if full is not None:
        return ParsedDate(full.date().isoformat())
    partial = dateparser.parse(raw, languages=["en"], settings=_settings(order, complete=False))
    if partial is not None:
        return ParsedDate(None, f"date {raw!r} lacks a day, month or year; left empty")
    return ParsedDate(None, f"date {raw!r} could not be parsed; left empty")


def dateline(line: str, order: str = "DMY", max_chars: int = 48) -> str | None:
    """ISO date if ``line`` is a dateline ("Posted: 04.11.2021 09:07:00", "15 Apr 2024")."""
    stripped = line.strip()
    if not stripped or len(stripped) > max_chars or not _DIGIT.search(stripped):
        return None
    return parse_date(stripped, order).iso


def date_in_lead(text: str, order: str = "DMY") -> ParsedDate | None:
    """A dated event in a lead sentence ("held talks ... on 13 July").

    Returns None when the lead names no date at all.
    """
    from dateparser.search import search_dates

    found = search_dates(text, languages=["en"], settings=_settings(order, complete=False)) or []
    for phrase, _ in found:
        # search_dates also matches words such as "may" or "now"; a dateline
        # phrase in news leads is "on <day> <month> [year]".
        if phrase.lower().startswith("on ") and _DIGIT.search(phrase):
            parsed = parse_date(phrase[3:], order)
            if parsed.iso:
                return parsed
            return ParsedDate(None, f"date {phrase!r} in the lead has no year; left empty")
    return None
