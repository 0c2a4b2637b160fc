"""Every date form the seeds and corpora use; incomplete dates are never guessed."""
import pytest

from pipeline.ingest.dates import date_in_lead, dateline, parse_date


@pytest.mark.parametrize(
    "text, iso",
    [
        ("Posted: 04.11.2021 09:07:00", "2021-11-04"),  # seeds 000/002: day first
        ("04.11.2021", "2021-11-04"),
        ("15 Apr 2024", "2024-04-15"),  # seed 003
        ("13 July 2021", "2021-07-13"),
        ("2022-06-24T17:30:00Z", "2022-06-24"),  # Kremlin CSV column (ISO 8601, UTC)
        ("2022-06-24", "2022-06-24"),
        ("2021-10-24T08:00:00+03:00", "2021-10-24"),
        ("Published: March 3, 2022", "2022-03-03"),
    ],
)
def test_full_dates(text, iso):
    assert parse_date(text).iso == iso


def test_month_first_order_is_a_parameter():
    assert parse_date("04.11.2021", order="MDY").iso == "2021-04-11"


@pytest.mark.parametrize("text", ["2 March", "on 2 March", "March 2021", "2024", "yesterday", "tomorrow at noon"])
def test_incomplete_or_relative_dates_are_left_empty(text):
    parsed = parse_date(text)
    assert parsed.iso is None
    assert parsed.problem


@pytest.mark.parametrize("text", ["", "   ", None, "not a date at all", "Su Mo Tu We Th Fr Sa"])
def test_garbage_is_empty_with_reason(text):
    parsed = parse_date(text)
    assert parsed.iso is None and parsed.problem


def test_dateline_needs_a_short_line_that_is_only_a_date():
    assert dateline("Posted: 16.04.2024 11:21:00") == "2024-04-16"
    assert dateline("15 Apr 2024") == "2024-04-15"
    assert dateline("The trade grew by 17% in 2020, and in April - May of this year by 37%.") is None
    assert dateline("News") is None


def test_lead_date_without_year_is_reported_not_guessed():
    found = date_in_lead("Belarus President hosted a meeting on the military sector on 2 March.")
    assert found is not None and found.iso is None and "no year" in found.problem
    full = date_in_lead("The presidents held talks in St. Petersburg on 13 July 2021.")
    assert full is not None and full.iso == "2021-07-13"
    assert date_in_lead("We may meet again soon, and now we talk.") is None
