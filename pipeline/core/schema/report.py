"""The ``report`` group's schema, and the checks of ``report.group_by`` (its syntax here, its column against the corpus)."""
from __future__ import annotations

from typing import Any, Iterable

from .. import config as C
from . import bootstrap_section
from ..errors import UserError

DATE_UNITS = {"year": 4, "month": 7, "day": 10}  # unit -> length of the ISO prefix kept
DATE_PREFIX = "date:"


def date_choices() -> list[str]:
    return [DATE_PREFIX + u for u in DATE_UNITS]


def check_syntax(key: str, value: Any) -> str | None:
    """Schema check of ``report.group_by``: null, a column name, or ``date:<unit>``.

    Whether the column exists is known only from the corpus; see :func:`check_column`.
    """
    if value is None:
        return None
    allowed = f"null, a metadata column of the corpus, or one of {', '.join(date_choices())}"
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{key} = {value!r} is not allowed: {allowed}")
    if value == "date" or value.startswith(DATE_PREFIX):
        unit = value[len(DATE_PREFIX):] if value.startswith(DATE_PREFIX) else ""
        if unit not in DATE_UNITS:
            raise UserError(f"{key} = {value!r} is not allowed: the document date is grouped by "
                            f"{', '.join(date_choices())}")
    return value


def check_column(spec: str | None, columns: Iterable[str], key: str = "report.group_by",
                 source: str = "params.yaml", listed: Iterable[str] = ()) -> None:
    """Raise a one-line :class:`UserError` when ``spec`` names a column not in ``columns``.

    Parameters
    ----------
    spec
        A value accepted by :func:`check_syntax`.
    columns
        The metadata columns the documents can have, in the order to list them.
    key, source
        Named in the message, so the user knows what to edit and where.
    listed
        The columns ``corpus.columns.meta`` lists: for one of them the corpus
        lacks, the message says so; otherwise the override it suggests keeps them.
    """
    if spec is None or spec.startswith(DATE_PREFIX):
        return
    cols = list(dict.fromkeys(columns))
    if spec not in cols:
        available = ", ".join(cols) if cols else "none"
        listed = list(listed)
        hint = ("corpus.columns.meta lists it, but no document has it: is it a column of the corpus file?"
                if spec in listed else
                f"a column of a CSV or JSON Lines corpus is one when corpus.columns.meta lists it, e.g. "
                f"'+corpus.columns.meta=[{','.join(listed + [spec])}]'")
        raise UserError(f"{source}: {key} = {spec!r} is not a metadata column of the corpus "
                        f"(columns: {available}; dates: {', '.join(date_choices())}); {hint}")


# conf/report/default.yaml sets the title and the grouping; the display sizes and the
# grouped views' bootstrap may be left out and take these defaults (README, "Optional parameters").
SCHEMA = C.Section(
    {
        "title": C.optional(C.Str(), "Topics and stance in the corpus"),
        # tables show this many rows (groups, when grouped); the full CSV is linked
        "max_rows": C.optional(C.Int(min=5), 25),
        "group_by": C.Free(check_syntax, "null, a metadata column, or date:year, date:month, date:day"),
        "max_groups": C.optional(C.Int(min=2), 60),  # groups drawn in the grouped figures (the largest)
        # evidence sentences per document, theme and pole (without group_by)
        "evidence_per_pole": C.optional(C.Int(min=1), 2),
        # evidence sentences per group, theme and pole (with group_by)
        "evidence_per_group": C.optional(C.Int(min=1), 1),
        "excerpt_chars": C.optional(C.Int(min=40), 300),  # longest corpus excerpt shown
        # intervals of the grouped views: percentile bootstrap over documents
        "bootstrap": bootstrap_section(resamples=1000, seed=42),
    }
)
