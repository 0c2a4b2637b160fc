"""Publication dates: parsed by ``dateparser``, never guessed.

A date is kept only when day, month and year are all stated. "on 2 March"
with no year is reported and left empty: filling in the current year (what
parsers do by default) would put an article in the wrong year of a timeline.
Relative expressions ("yesterday") are switched off for the same reason.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

_PREFIX = re.compile(r"^\s*(?:posted|published|updated|date|dated)\s*(?:on)?\s*:?\s*", re.I)
_DIGIT = re.compile(r"\d")
_PARSERS = ["timestamp", "custom-formats", "absolute-time"]
# All-numeric dates: 04.11.2021, 04/15/2022, 2022/04/05, 04-05-22; a time of day may follow.
_NUMERIC = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2}|\d{4})(?![\d./-])")
_TIME = re.compile(
    r"^(?:\s*,?\s*(?:T|at\s+)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|[A-Z]{3,4}))?)?\s*$",
    re.I,
)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
# What a dateline looks like, whether or not its date exists: "Posted: 31.02.2021 10:00:00",
# "15 Apr 2024", "Monday, March 3, 2022 14:05".
_DATELINE_SHAPE = re.compile(
    rf"^{_WEEKDAY}(?:\d{{1,4}}([./-])\d{{1,2}}\1\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}|"
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})",
    re.I,
)
ORDER_NAMES = {"DMY": "day-month-year", "MDY": "month-day-year", "YMD": "year-month-day"}


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


def _year(field: str) -> int:
    # Two-digit years as POSIX strptime reads them (69-99: 1900s), never relative to today.
    y = int(field)
    return y if len(field) == 4 else (1900 + y if y >= 69 else 2000 + y)


def _numeric(raw: str) -> re.Match | None:
    """An all-numeric date, alone or followed by a time of day."""
    m = _NUMERIC.match(raw)
    return m if m is not None and _TIME.match(raw[m.end():]) else None


def order_shown(text: str | None) -> str | None:
    """``"DMY"`` or ``"MDY"`` when an all-numeric date can only be read that way.

    "15/04/2022" shows day-first order, "04/15/2022" month-first; "04/05/2022",
    ISO dates and dates with month names show nothing (None).
    """
    if not text:
        return None
    m = _numeric(_PREFIX.sub("", str(text)).strip())
    if m is None or len(m.group(1)) > 2:
        return None
    a, b = int(m.group(1)), int(m.group(3))
    if 12 < a <= 31 and 1 <= b <= 12:
        return "DMY"
    if 12 < b <= 31 and 1 <= a <= 12:
        return "MDY"
    return None


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _parse_numeric(m: re.Match, order: str, fixed: bool) -> ParsedDate:
    value = m.group(0)
    a, b, c = m.group(1), m.group(3), m.group(4)
    if len(a) == 4:  # year first: ISO order whatever the setting
        iso = _valid(int(a), int(b), int(c))
        return ParsedDate(iso) if iso else ParsedDate(None, f"date {value!r} could not be a date; left empty")
    if len(a) == 3:
        return ParsedDate(None, f"date {value!r} could not be parsed; left empty")
    if order == "YMD" and len(c) == 2 and len(a) == 2:
        iso = _valid(_year(a), int(b), int(c))
        return ParsedDate(iso) if iso else ParsedDate(None, f"date {value!r} could not be a date; left empty")
    y = _year(c)
    # With the year last, YMD says nothing of day and month: read day first, as dateparser does.
    first = "MDY" if order == "MDY" else "DMY"
    readings = {"DMY": _valid(y, int(b), int(a)), "MDY": _valid(y, int(a), int(b))}
    if readings[first]:
        return ParsedDate(readings[first])
    other = "DMY" if first == "MDY" else "MDY"
    if readings[other] is None:
        return ParsedDate(None, f"date {value!r} could not be a date; left empty")
    if fixed:
        return ParsedDate(None, f"date {value!r} could not be a date read {ORDER_NAMES[first]}, the order of its "
                                "column; left empty")
    return ParsedDate(readings[other])


def parse_date(text: str | None, order: str = "DMY", fixed_order: bool = False) -> ParsedDate:
    """Parse one date expression; incomplete or unparseable gives ``iso=None``.

    Parameters
    ----------
    text : str or None
        "04.11.2021 09:07:00", "Posted: 15 Apr 2024", "2022-06-24T17:30:00Z", ...
    order : {"DMY", "MDY", "YMD"}
        How to read all-numeric dates such as 04.11.2021.
    fixed_order : bool
        True for a value of a date column whose order is decided for the
        whole column: a value impossible in ``order`` ("04/15/2022" read
        day first) is left empty with a warning. False for a lone value (a
        page's dateline), which is read the other way when only that way is
        possible.

    Returns
    -------
    ParsedDate
        ``iso`` and, when it is None, the ``problem`` quoting the value.
    """
    if text is None or not str(text).strip():
        return ParsedDate(None, "no date given")
    raw = _PREFIX.sub("", str(text)).strip()
    fast = _iso_fast(raw)
    if fast:
        return ParsedDate(fast)
    numeric = _numeric(raw)
    if numeric is not None:
        return _parse_numeric(numeric, order, fixed_order)
    import dateparser  # slow import; only paid when a non-ISO date appears

    full = dateparser.parse(raw, languages=["en"], settings=_settings(order, complete=True))
    if full is not None:
        return ParsedDate(full.date().isoformat())
    partial = dateparser.parse(raw, languages=["en"], settings=_settings(order, complete=False))
    if partial is not None:
        return ParsedDate(None, f"date {raw!r} lacks a day, month or year; left empty")
    return ParsedDate(None, f"date {raw!r} could not be parsed; left empty")


def looks_like_dateline(line: str, max_chars: int = 48) -> bool:
    """True for a short line shaped like a dateline, whether or not its date exists.

    "Posted: 31.02.2021 10:00:00" is a dateline with an impossible date, not
    a headline: recognising it by shape keeps the real headline the title.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > max_chars:
        return False
    value = _PREFIX.sub("", stripped).strip()
    m = _DATELINE_SHAPE.match(value)
    return m is not None and _TIME.match(value[m.end():]) is not None


def dateline(line: str, order: str = "DMY", max_chars: int = 48) -> str | None:
    """ISO date if ``line`` is a dateline ("Posted: 04.11.2021 09:07:00", "15 Apr 2024")."""
    stripped = line.strip()
    if not stripped or len(stripped) > max_chars or not _DIGIT.search(stripped):
        return None
    return parse_date(stripped, order).iso


def is_dateline(line: str, order: str = "DMY", max_chars: int = 48) -> bool:
    """A dateline by its shape, or any short line that is only a complete date.

    Parameters
    ----------
    line : str
        One line of a page.
    order : {"DMY", "MDY", "YMD"}
        ``corpus.date_order``, for the lines recognised by parsing.
    max_chars : int
        Longer lines are never datelines.

    Returns
    -------
    bool
    """
    return looks_like_dateline(line, max_chars) or dateline(line, order, max_chars) is not None


@dataclass
class ColumnOrder:
    """How the all-numeric dates of one column are read, and why.

    Feed every value of the column to :meth:`add`, then read :attr:`order`
    and :meth:`describe`.
    """

    fallback: str
    shown: dict = field(default_factory=lambda: {"DMY": 0, "MDY": 0})
    example: dict = field(default_factory=dict)
    ambiguous: int = 0

    def add(self, value: str | None, where: str) -> None:
        """Count one value of the column; ``where`` ("items.csv:3") is quoted in the log."""
        if not value:
            return
        shown = order_shown(value)
        if shown is not None:
            self.shown[shown] += 1
            self.example.setdefault(shown, (str(value).strip(), where))
            return
        m = _numeric(_PREFIX.sub("", str(value)).strip())
        if m is not None and len(m.group(1)) <= 2:
            # Year first (ISO "2022-06-24T17:30:00Z", "2022/04/05") leaves nothing to decide.
            self.ambiguous += 1

    @property
    def order(self) -> str:
        """The order the values show (the majority if they disagree), else the fallback."""
        dmy, mdy = self.shown["DMY"], self.shown["MDY"]
        if dmy == mdy:
            return self.fallback
        return "DMY" if dmy > mdy else "MDY"

    def describe(self, column: str) -> tuple[str, str] | None:
        """``("note" | "warning", message)`` for the log, or None when there were no numeric dates."""
        dmy, mdy = self.shown["DMY"], self.shown["MDY"]
        order = self.order
        name = ORDER_NAMES[order]
        if dmy and mdy:
            ex = "; ".join(f"{self.shown[o]} only {ORDER_NAMES[o]}, e.g. {self.example[o][0]!r} ({self.example[o][1]})"
                           for o in ("DMY", "MDY"))
            how = ("most values that show an order show this one" if dmy != mdy
                   else f"as many show each, so corpus.date_order: {self.fallback}")
            return ("warning", f"date column '{column}' mixes orders ({ex}); all its dates are read {name} "
                               f"({how}); the {self.shown['MDY' if order == 'DMY' else 'DMY']} impossible that way "
                               "are left empty with a warning")
        if dmy or mdy:
            value, where = self.example[order]
            return ("note", f"date column '{column}': values such as {value!r} ({where}) show {name} order; "
                            f"all its dates are read that way")
        if self.ambiguous:
            return ("warning", f"date column '{column}': no value shows whether day or month comes first (none "
                               f"has a first or second field above 12); all {self.ambiguous} all-numeric dates are "
                               f"read {ORDER_NAMES[self.fallback]} (corpus.date_order: {self.fallback})")
        return None


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
