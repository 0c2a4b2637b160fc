"""Control characters are removed at ingest, counted, and never reach an output."""
from __future__ import annotations

import csv

from pipeline.core.text import strip_controls

from ingest_helpers import ingest_cfg, ingest_outputs

BODY = "Belarus and Russia discussed sanctions and security at the talks in Minsk on Monday."


cfg_for = ingest_cfg


def run(cfg, tmp_path):
    _, docs, rows, paths = ingest_outputs(cfg, tmp_path)
    raw = b"".join(p.read_bytes() for p in (paths.corpus, paths.corpus_table, paths.duplicates))
    return docs, {r["id"]: r for r in rows}, raw


def test_strip_controls_keeps_tab_newline_and_line_breaks():
    text, found = strip_controls("Min\x00sk\tis\x1b[0m here\r\npage one\x0cpage two\x7f")
    assert text == "Minsk\tis[0m here\r\npage one\npage two"
    assert found == {"\x00": 1, "\x1b": 1, "\x0c": 1, "\x7f": 1}


def test_nul_in_csv_fields_never_reaches_the_outputs(params, tmp_path):
    path = tmp_path / "items.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "date", "text", "place"])
        w.writerow(["a", "Talks\x00 in Minsk", "2022-01-0\x002", "Bela\x00rus and\x00 Russia" + BODY[6:], "Min\x07sk"])
        w.writerow(["b", "Clean title", "2022-01-03", "A clean row about the budget and the harvest.", "Brest"])
    docs, table, raw = run(cfg_for(params, path, id="id", title="title", text="text", date="date", meta=["place"]),
                           tmp_path)
    assert b"\x00" not in raw and b"\x07" not in raw
    a, b = docs
    assert a["title"] == "Talks in Minsk" and a["date"] == "2022-01-02" and a["meta"] == {"place": "Minsk"}
    assert a["paragraphs"] == ["Belarus and Russia" + BODY[6:]]
    assert "5 control characters removed (U+0000 x4, U+0007 x1)" in a["warnings"]
    assert "control character" in table["a"]["warnings"]
    assert not any("control" in w for w in b["warnings"])


def test_controls_in_a_text_page_are_removed(params, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p.txt").write_bytes(f"Talks in\x00 Minsk\n\n{BODY}\x0cSecond page of the\x1b article.\n".encode())
    docs, table, raw = run(cfg_for(params, folder), tmp_path)
    assert b"\x00" not in raw and b"\x1b" not in raw and b"\x0c" not in raw
    (doc,) = docs
    assert doc["title"] == "Talks in Minsk"
    assert doc["paragraphs"] == [BODY, "Second page of the article."]
    assert "3 control characters removed (U+0000 x1, U+000C x1, U+001B x1)" in doc["warnings"]
