"""A malformed CSV row costs only itself: the rows around it are read as themselves."""
from __future__ import annotations

import csv
import gzip
import io
import re

import pytest

from pipeline.ingest.csvrows import records

from ingest_helpers import ingest_cfg, ingest_outputs


cfg_for = ingest_cfg


def run(cfg, tmp_path):
    counts, docs, rows, _ = ingest_outputs(cfg, tmp_path)
    return counts, docs, rows


def body(i: int) -> str:
    # Short and distinct: no two rows are duplicates of each other.
    return f"Statement {i} on trade, talks and the budget of year {1900 + i}."


def good_line(i: int, quote_all: bool = False) -> str:
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(
        [f"r{i}", f"Title {i}", body(i) + "\nSecond line of the text."])
    return buf.getvalue()


def write_with_bad_row(path, n_rows: int, bad_row: int, bad: str, quote_all: bool = False) -> None:
    lines = ["id,title,text\r\n"]
    for i in range(1, n_rows + 1):
        lines.append(bad if i == bad_row else good_line(i, quote_all))
    path.write_text("".join(lines), encoding="utf-8", newline="")


def bad_row_line(bad_row: int) -> int:
    # Header is line 1 and every good row above takes two lines (its text has a line break).
    return 2 + 2 * (bad_row - 1)


@pytest.mark.parametrize("n_rows, bad_row", [(5, 3), (2110, 2101)])
@pytest.mark.parametrize("quote_all", [False, True])
def test_unclosed_quote_loses_only_its_row(params, tmp_path, caplog, n_rows, bad_row, quote_all):
    path = tmp_path / "items.csv"
    write_with_bad_row(path, n_rows, bad_row, f'r{bad_row},"Broken title,{body(bad_row)}\r\n', quote_all)
    caplog.set_level("INFO")
    counts, docs, table = run(cfg_for(params, path, id="id", title="title", text="text", date=None), tmp_path)

    expected = [f"r{i}" for i in range(1, n_rows + 1) if i != bad_row]
    assert [d["id"] for d in docs] == expected
    # Each good row is its own document, with its own text and title.
    for d in docs:
        i = int(d["id"][1:])
        assert d["title"] == f"Title {i}"
        assert d["paragraphs"] == [body(i), "Second line of the text."]
    assert counts["documents"] == n_rows - 1 and counts["skipped"] == 1
    assert len(table) == n_rows
    skipped = [r for r in table if r["status"] == "skipped"]
    assert len(skipped) == 1 and skipped[0]["source"] == f"items.csv:{bad_row}"
    line = bad_row_line(bad_row)
    assert f"line {line} of items.csv" in skipped[0]["warnings"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("items.csv" in m and f"line {line} " in m and "malformed CSV row" in m for m in messages)
    assert any(f"kept {n_rows - 1} documents, skipped 1" in m for m in messages)


def test_unclosed_quote_in_last_field_followed_by_unquoted_rows(params, tmp_path):
    # Nothing after the bad row is quoted: its quote runs to the end of the file.
    path = tmp_path / "plain.csv"
    rows = ["id,title,text"] + [f"p{i},T{i},{body(i).replace(',', ';')}" for i in (1, 2)]
    rows += ['p3,T3,"never closed text'] + [f"p{i},T{i},{body(i).replace(',', ';')}" for i in (4, 5, 6)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    counts, docs, table = run(cfg_for(params, path, id="id", title="title", text="text", date=None), tmp_path)
    assert [d["id"] for d in docs] == ["p1", "p2", "p4", "p5", "p6"]
    bad = [r for r in table if r["status"] == "skipped"]
    assert [r["source"] for r in bad] == ["plain.csv:3"]
    assert "line 4 of plain.csv" in bad[0]["warnings"] and "never closed" in bad[0]["warnings"]


def test_two_bad_rows_and_row_shapes(params, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id,title,text\n"
        'a,A,"First good row, quoted."\n'
        'b,"B unclosed,text of b\n'
        'c,C,"He said ""yes"" and left."\n'
        "d,D,too,many,fields\n"
        'e,E,"A quoted "stray" quote inside"\n'
        "f,F\n"
        'g,"G unclosed,text\n'
        'h,H,"Last row,\nover two lines."\n',
        encoding="utf-8",
    )
    counts, docs, table = run(cfg_for(params, path, id="id", title="title", text="text", date=None), tmp_path)
    by_id = {d["id"]: d for d in docs}
    assert list(by_id) == ["a", "c", "e", "h"]
    assert by_id["c"]["paragraphs"] == ['He said "yes" and left.']
    assert by_id["h"]["paragraphs"] == ["Last row,", "over two lines."]
    assert any("stray quote" in w for w in by_id["e"]["warnings"])
    status = {r["source"]: (r["status"], r["warnings"]) for r in table}
    assert status["mixed.csv:2"][0] == "skipped" and "line 3 of mixed.csv" in status["mixed.csv:2"][1]
    assert status["mixed.csv:4"][0] == "skipped" and "5 fields where the header has 3" in status["mixed.csv:4"][1]
    # A short row is read with its missing text empty, hence skipped for that reason.
    assert status["mixed.csv:6"] == ("skipped", "empty text in column 'text'")
    assert status["mixed.csv:7"][0] == "skipped" and "line 8 of mixed.csv" in status["mixed.csv:7"][1]
    assert counts == {**counts, "documents": 4, "skipped": 4}


def test_truncated_gzip_keeps_the_rows_before_the_cut(params, tmp_path):
    full = "id,text\n" + "".join(f"z{i},{body(i).replace(',', ';')}\n" for i in range(1, 3001))
    data = gzip.compress(full.encode("utf-8"))
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    counts, docs, table = run(cfg_for(params, path, id="id", text="text", title=None, date=None), tmp_path)
    assert 100 < len(docs) < 3000
    assert [d["id"] for d in docs] == [f"z{i}" for i in range(1, len(docs) + 1)]
    assert "cannot read the rest of the file" in table[-1]["warnings"]


def test_records_report_first_line_of_each_record():
    text = 'h1,h2\n1,"two\nlines"\n\n2,"x\n3,y\n'
    recs = list(records(io.StringIO(text, newline="")))
    assert [(r.line, r.fields) for r in recs] == [(1, ["h1", "h2"]), (2, ["1", "two\nlines"]), (5, None), (6, ["3", "y"])]
    assert re.search("never closed", recs[2].problem)


def test_a_json_lines_text_that_is_no_string_is_named_as_such(params, tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"id": "a", "text": 42}\n{"id": "b", "text": ["x"]}\n{"id": "c", "text": null}\n'
                    '{"id": "d", "text": "A real row of text about the budget."}\n', encoding="utf-8")
    cfg = cfg_for(params, path, id="id", title=None, text="text", date=None)
    cfg["format"] = "jsonl"
    counts, docs, table = run(cfg, tmp_path)
    status = {r["source"]: r["warnings"] for r in table if r["status"] == "skipped"}
    assert status == {"rows.jsonl:1": "column 'text' holds 42 (int), not text",
                      "rows.jsonl:2": "column 'text' holds [\"x\"] (list), not text",
                      "rows.jsonl:3": "empty text in column 'text'"}
    assert [d["id"] for d in docs] == ["d"]
