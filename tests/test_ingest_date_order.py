"""One date column, one date order; a page's impossible dateline is still its dateline."""
from __future__ import annotations

import csv
import json

import pytest

from pipeline import ingest
from pipeline.core.config import group
from pipeline.core.errors import UserError
from pipeline.ingest.dates import ColumnOrder, looks_like_dateline, order_shown, parse_date
from pipeline.core.paths import Paths

BODY = "Belarus and Russia discussed sanctions and security at the talks in Minsk on Monday."


def cfg_for(params, path, date_order="DMY", **columns):
    params["corpus"]["path"] = str(path)
    params["corpus"]["date_order"] = date_order
    params["corpus"].setdefault("columns", {}).update(columns)
    return group(params, "corpus", ingest.SCHEMA)


def run(cfg, tmp_path):
    out = tmp_path / "out"
    ingest.run({"corpus": cfg}, Paths(out))
    return [json.loads(l) for l in open(Paths(out).corpus, encoding="utf-8")]


def csv_with_dates(tmp_path, dates):
    path = tmp_path / "items.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date", "text"])
        for i, d in enumerate(dates):
            w.writerow([f"d{i}", d, f"Item {i}: the ministers met about the harvest of {1990 + i}."])
    return path


def date_messages(caplog):
    return [r for r in caplog.records if "date column 'date'" in r.getMessage()]


@pytest.mark.parametrize("setting", ["DMY", "MDY"])
def test_a_month_first_column_is_read_month_first_in_every_row(params, tmp_path, caplog, setting):
    path = csv_with_dates(tmp_path, ["04/15/2022", "04/05/2022", "05/06/2022 10:30", "2022-01-02"])
    caplog.set_level("INFO")
    docs = run(cfg_for(params, path, setting, id="id", title=None, date="date"), tmp_path)
    assert [d["date"] for d in docs] == ["2022-04-15", "2022-04-05", "2022-05-06", "2022-01-02"]
    (msg,) = date_messages(caplog)
    assert "'04/15/2022'" in msg.getMessage() and "month-day-year" in msg.getMessage()


def test_a_day_first_column_is_read_day_first_in_every_row(params, tmp_path, caplog):
    path = csv_with_dates(tmp_path, ["04.05.2022", "15.04.2022", "06.07.22"])
    caplog.set_level("INFO")
    docs = run(cfg_for(params, path, "MDY", id="id", title=None, date="date"), tmp_path)
    assert [d["date"] for d in docs] == ["2022-05-04", "2022-04-15", "2022-07-06"]
    assert len(date_messages(caplog)) == 1


@pytest.mark.parametrize("setting, expected", [("DMY", ["2022-05-04", "2022-07-06"]),
                                               ("MDY", ["2022-04-05", "2022-06-07"])])
def test_a_column_that_cannot_show_its_order_uses_the_setting_and_says_so_once(params, tmp_path, caplog,
                                                                               setting, expected):
    path = csv_with_dates(tmp_path, ["04/05/2022", "06/07/2022"])
    caplog.set_level("INFO")
    docs = run(cfg_for(params, path, setting, id="id", title=None, date="date"), tmp_path)
    assert [d["date"] for d in docs] == expected
    (msg,) = date_messages(caplog)
    assert msg.levelname == "WARNING"
    assert f"corpus.date_order: {setting}" in msg.getMessage()
    assert not any("date" in w for d in docs for w in d["warnings"])


def test_a_column_that_mixes_orders_is_still_read_in_one(params, tmp_path, caplog):
    path = csv_with_dates(tmp_path, ["15/04/2022", "16/04/2022", "04/15/2022", "04/05/2022"])
    caplog.set_level("INFO")
    docs = run(cfg_for(params, path, "MDY", id="id", title=None, date="date"), tmp_path)
    # Day first (two values show it, one shows month first): never both.
    assert [d["date"] for d in docs] == ["2022-04-15", "2022-04-16", None, "2022-05-04"]
    assert any("'04/15/2022'" in w and "could not be a date" in w for w in docs[2]["warnings"])
    (msg,) = date_messages(caplog)
    assert "mixes orders" in msg.getMessage() and "day-month-year" in msg.getMessage()


def test_jsonl_date_field_is_one_column(params, tmp_path):
    path = tmp_path / "items.jsonl"
    rows = [{"id": "a", "date": "04/05/2022", "text": BODY}, {"id": "b", "date": "12/31/2021", "text": "The harvest was late this year."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs = run(cfg_for(params, path, "DMY", id="id", title=None, date="date"), tmp_path)
    assert [d["date"] for d in docs] == ["2022-04-05", "2021-12-31"]


def test_column_order_rules():
    assert order_shown("15/04/2022") == "DMY" and order_shown("04/15/2022 10:00") == "MDY"
    assert order_shown("04/05/2022") is None and order_shown("2022-04-15") is None and order_shown("15 Apr 2022") is None
    col = ColumnOrder("DMY")
    for v in ["04/05/2022", "Posted: 05/04/2022"]:
        col.add(v, "x")
    assert col.order == "DMY" and col.ambiguous == 2
    # Year-first dates (ISO, with or without a time) leave no order to decide: no warning about them.
    iso = ColumnOrder("DMY")
    for v in ["2022-06-24T17:30:00Z", "2021-01-05", "2022/04/05 10:00", "Posted: 2022.04.05"]:
        iso.add(v, "x")
    assert iso.ambiguous == 0 and iso.describe("date") is None
    iso.add("04/05/2022", "y")
    assert iso.ambiguous == 1 and "all 1 all-numeric dates" in iso.describe("date")[1]
    assert parse_date("04/15/2022", "DMY", fixed_order=True).iso is None
    assert parse_date("04/15/2022", "DMY").iso == "2022-04-15"  # a lone value shows its own order
    assert parse_date("01/02/69").iso == "1969-02-01" and parse_date("01/02/68").iso == "2068-02-01"


def test_date_order_is_validated(params, tmp_path):
    with pytest.raises(UserError, match=r"^params.yaml: corpus.date_order = 'DDMM' is not allowed: one of: DMY, MDY, YMD$"):
        group({**params, "corpus": {**params["corpus"], "date_order": "DDMM"}}, "corpus", ingest.SCHEMA)


# ------------------------------------------------------------------ datelines
@pytest.mark.parametrize("dateline, value", [
    ("Posted: 31.02.2021 10:00:00", "31.02.2021"),
    ("31/02/2021", "31/02/2021"),
    ("Published: 30 February 2021", "30 February 2021"),
    ("Posted: 29.02.2023 09:07", "29.02.2023"),
])
@pytest.mark.parametrize("headline_first", [False, True])
def test_a_page_with_an_impossible_date_keeps_its_title(params, tmp_path, dateline, value, headline_first):
    folder = tmp_path / "pages"
    folder.mkdir()
    head = ["Real headline of the article", dateline] if headline_first else [dateline, "Real headline of the article"]
    (folder / "p.txt").write_text("\n".join(head + [BODY, "A second paragraph of the article."]) + "\n",
                                  encoding="utf-8")
    (doc,) = run(cfg_for(params, folder), tmp_path)
    assert doc["title"] == "Real headline of the article"
    assert doc["paragraphs"] == [BODY, "A second paragraph of the article."]
    assert doc["date"] is None
    assert any(f"{value!r}" in w for w in doc["warnings"]), doc["warnings"]


def test_dateline_shapes():
    for line in ["Posted: 31.02.2021 10:00:00", "15 Apr 2024", "Monday, March 3, 2022 14:05", "2022-02-30",
                 "Updated: 04/15/2022 at 10:30 pm", "1st January 2020"]:
        assert looks_like_dateline(line), line
    for line in ["News", "12.5 million tonnes of grain", "The trade grew by 17% in 2020, and in April - May by 37%.",
                 "Minsk 2022", "On 15 Apr 2024 the president met the governors of every region"]:
        assert not looks_like_dateline(line), line
