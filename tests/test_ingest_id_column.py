"""A column named ``id`` gives the ids when ``corpus.columns.id`` is null."""
from __future__ import annotations

import csv
import json

import pytest

from ingest_helpers import ingest_cfg, ingest_outputs


cfg_for = ingest_cfg


def run(cfg, tmp_path):
    _, docs, rows, _ = ingest_outputs(cfg, tmp_path)
    return docs, rows


def texts(n):
    return [f"Item {i} is about the harvest, the budget and the roads of region {i}." for i in range(n)]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize("name", ["id", "ID", "Id"])
def test_csv_id_column_is_used_when_columns_id_is_null(params, tmp_path, caplog, name):
    path = tmp_path / "items.csv"
    t = texts(3)
    write(path, [name, "text"], [["doc-7", t[0]], ["", t[1]], ["x/9", t[2]]])
    caplog.set_level("INFO")
    docs, table = run(cfg_for(params, path, id=None, title=None, date=None), tmp_path)
    # A row with an empty id falls back to its row number; ids are made file-name safe.
    assert [d["id"] for d in docs] == ["doc-7", "items-000002", "x_9"]
    assert [r["id"] for r in table] == ["doc-7", "items-000002", "x_9"]
    notes = [r.getMessage() for r in caplog.records if "ids from the file's" in r.getMessage()]
    assert notes == [f"items.csv: ids from the file's '{name}' column (corpus.columns.id is null; set it to name "
                     "another column)"]


def test_row_numbers_when_there_is_no_id_column(params, tmp_path):
    path = tmp_path / "items.csv"
    write(path, ["identifier", "text"], [["a", t] for t in texts(2)])
    docs, _ = run(cfg_for(params, path, id=None, title=None, date=None), tmp_path)
    assert [d["id"] for d in docs] == ["items-000001", "items-000002"]


def test_configured_id_column_wins_over_a_column_named_id(params, tmp_path):
    path = tmp_path / "items.csv"
    write(path, ["id", "link", "text"], [[str(i), f"http://x/n/{i}0", t] for i, t in enumerate(texts(2))])
    docs, _ = run(cfg_for(params, path, id="link", title=None, date=None), tmp_path)
    assert [d["id"] for d in docs] == ["00", "10"]


def test_jsonl_id_key_is_used_when_columns_id_is_null(params, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps({"id": f"j{i}", "text": t}) + "\n" for i, t in enumerate(texts(2))),
                    encoding="utf-8")
    docs, _ = run(cfg_for(params, path, id=None, title=None, date=None), tmp_path)
    assert [d["id"] for d in docs] == ["j0", "j1"]


def test_an_id_made_file_name_safe_is_said_once_per_file_with_an_example(params, tmp_path, caplog):
    path = tmp_path / "ids.csv"
    t = texts(5)
    write(path, ["id", "text"], [["A 1", t[0]], ["A/1", t[1]], ["<b>k01</b>", t[2]], ["<>", t[3]],
                                 ["https://example.org/news/7", t[4]]])
    caplog.set_level("INFO")
    docs, _ = run(cfg_for(params, path, id="id", title=None, date=None), tmp_path)
    assert [d["id"] for d in docs] == ["A_1", "A_1~2", "b_k01_b", "ids-000004", "7"]
    assert all("written_from" not in d for d in docs)
    # One line for the file (not one per row); a URL reduced to its last segment is documented, not counted.
    notes = [r.getMessage() for r in caplog.records if "file-name safe" in r.getMessage()]
    assert notes == ["ids.csv: 3 ids written file-name safe, e.g. 'A 1' as 'A_1' (an id keeps letters, digits, "
                     "'.', '-' and '_': it names files and links)"]
    warned = [d["warnings"] for d in docs]
    assert not any(w.startswith("id 'A") for ws in warned for w in ws)
    # Two ids that become one: the second says what it was written from.
    assert "duplicate id 'A_1' (written from 'A/1'); renamed to 'A_1~2'" in warned[1]
    assert warned[3][0] == "id '<>' has no letter or digit; the row's id is 'ids-000004'"
