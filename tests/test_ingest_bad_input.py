"""Bad documents are reported and skipped; the good ones always survive."""
from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys

import pytest

from pipeline.core.errors import UserError
from pipeline.core.io import atomic_open
from pipeline.core.paths import Paths

from ingest_helpers import ingest_cfg, ingest_outputs

GOOD = "Belarus and Russia discussed sanctions and security at the talks in Minsk on Monday.\n"
# Another text: two rows with the same text would be one document and its copy.
OTHER = "The finance ministers agreed on a common budget for roads, schools and hospitals next year.\n"


cfg_for = ingest_cfg


def run(cfg, tmp_path):
    counts, docs, rows, _ = ingest_outputs(cfg, tmp_path)
    return counts, docs, {r["source"]: r for r in rows}


def test_bad_files_are_skipped_with_reasons_and_good_ones_kept(params, tmp_path, caplog):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_good.txt").write_text("Talks in Minsk\n\n" + GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    import random

    rnd = random.Random(0)
    (folder / "d_garbage.txt").write_bytes(bytes(rnd.randrange(128, 256) for _ in range(3000)))
    (folder / "e_cp1251.txt").write_bytes(
        ("Переговоры в Минске\n\nПрезидент Беларуси провел переговоры с Президентом России в Москве. " * 3).encode("cp1251"))
    (folder / "f_latin1.txt").write_bytes(
        ("Déclaration\n\nLe président a déclaré que les sanctions économiques étaient injustifiées. " * 3).encode("latin-1"))
    (folder / "g_notes.pdf").write_bytes(b"%PDF-1.4")
    caplog.set_level("WARNING")
    counts, docs, table = run(cfg_for(params, folder), tmp_path)

    ids = [d["id"] for d in docs]
    assert ids == ["a_good", "e_cp1251", "f_latin1"]
    assert table["b_empty.txt"]["status"] == "skipped" and "empty" in table["b_empty.txt"]["warnings"]
    assert "binary" in table["c_binary.txt"]["warnings"]
    assert "undecodable" in table["d_garbage.txt"]["warnings"]
    assert "not a .txt" in table["g_notes.pdf"]["warnings"]
    cyr = docs[1]
    assert "Президент Беларуси" in " ".join(cyr["paragraphs"])
    assert any("decoded as cp1251" in w for w in cyr["warnings"])
    assert "président" in " ".join(docs[2]["paragraphs"])
    assert any("not UTF-8" in w for w in docs[2]["warnings"])
    # each problem was logged naming its file
    for name in ("b_empty.txt", "c_binary.txt", "d_garbage.txt", "e_cp1251.txt"):
        assert any(name in r.getMessage() for r in caplog.records), name
    assert counts["skipped"] == 4


def test_missing_date_is_empty_with_a_warning(params, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "x.txt").write_text("A headline\n" + GOOD, encoding="utf-8")
    (folder / "y.txt").write_text("Posted: 31.02.2021\nA headline\n" + OTHER, encoding="utf-8")
    _, docs, _ = run(cfg_for(params, folder), tmp_path)
    assert [d["date"] for d in docs] == [None, None]
    assert all(d["warnings"] for d in docs)


def write_csv(path, header, rows, encoding="utf-8"):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_csv_gz_with_columns_duplicate_ids_and_unparseable_dates(params, tmp_path):
    path = tmp_path / "items.csv.gz"
    write_csv(path, ["link", "headline", "date", "body", "location"], [
        ["http://x/news/1", "One", "2022-01-02T10:00:00Z", GOOD, "Moscow"],
        ["http://x/news/1", "Two", "sometime", OTHER, "NA"],
        ["http://x/news/3", "Three", "2022-01-04", "", "Minsk"],
    ])
    cfg = cfg_for(params, path, id="link", text="body", title="headline", date="date", meta=["location"])
    counts, docs, table = run(cfg, tmp_path)
    assert [d["id"] for d in docs] == ["1", "1~2"]
    assert docs[0]["title"] == "One" and docs[0]["date"] == "2022-01-02"
    assert docs[0]["meta"] == {"location": "Moscow"}
    assert docs[1]["meta"] == {"location": None}
    assert docs[1]["date"] is None and any("could not be parsed" in w for w in docs[1]["warnings"])
    assert any("duplicate id" in w for w in docs[1]["warnings"])
    assert table["items.csv.gz:3"]["status"] == "skipped"


def test_csv_missing_text_column_is_fatal_and_names_it(params, tmp_path):
    path = tmp_path / "items.csv"
    write_csv(path, ["headline", "content"], [["t", GOOD]])
    with pytest.raises(UserError, match=r"text column 'body' .*corpus.columns.text.* columns are: headline, content"):
        run(cfg_for(params, path, text="body", title="headline", date=None), tmp_path)


def test_csv_missing_optional_column_is_a_warning(params, tmp_path, caplog):
    path = tmp_path / "items.csv"
    write_csv(path, ["body"], [[GOOD]])
    caplog.set_level("WARNING")
    _, docs, _ = run(cfg_for(params, path, text="body", title="headline", date="date"), tmp_path)
    assert len(docs) == 1 and docs[0]["title"] is None
    assert any("column 'headline'" in r.getMessage() for r in caplog.records)


def test_jsonl_with_a_broken_line(params, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"id": "a", "text": GOOD, "title": "A", "date": "2021-05-01"}) + "\n"
                    "{not json\n" + json.dumps({"id": "b", "text": OTHER, "title": "B"}) + "\n",
                    encoding="utf-8")
    _, docs, table = run(cfg_for(params, path, id="id"), tmp_path)
    assert [d["id"] for d in docs] == ["a", "b"]
    assert "not valid JSON" in table["items.jsonl:2"]["warnings"]


def test_missing_path_and_empty_corpus_are_fatal(params, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        run(cfg_for(params, tmp_path / "nope"), tmp_path)
    folder = tmp_path / "only_bad"
    folder.mkdir()
    (folder / "e.txt").write_bytes(b"")
    with pytest.raises(UserError, match=r"no usable document \(1 skipped\)$"):
        run(cfg_for(params, folder), tmp_path)
    assert not Paths(tmp_path / "out").corpus.exists(), "a failed stage must not leave an output"
    # A folder is read for .txt files: one that holds a CSV or JSON Lines corpus says to point at it.
    for name in ("items.csv", "b.jsonl.gz", "c.csv.gz", "d.jsonl"):
        (folder / name).write_text("id,text\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"no usable document \(5 skipped\); a folder is read for .txt files, and "
                                        r"this one holds b.jsonl.gz, c.csv.gz, d.jsonl and 1 more: point corpus.path "
                                        r"at the file$"):
        run(cfg_for(params, folder), tmp_path)


def test_cli_reports_one_line_and_exit_2(project_copy):
    params = project_copy / "params.yaml"
    text = params.read_text(encoding="utf-8").replace("path: seeds", "path: no/such/folder", 1)
    params.write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pipeline.ingest"], cwd=project_copy, capture_output=True, text=True)
    assert proc.returncode == 2
    lines = [l for l in proc.stderr.splitlines() if "error" in l]
    assert lines == ["ingest: error: corpus.path = 'no/such/folder' does not exist"]
    assert "Traceback" not in proc.stderr


def test_atomic_output_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_duplicates_never_empty_a_document(params, tmp_path):
    from pipeline.ingest.dedup import Duplicate
    from pipeline.ingest.stage import paragraphs_to_drop

    near = [Duplicate("b", 0, "a", 0, "near", 0.6), Duplicate("b", 1, "a", 1, "exact", 1.0)]
    assert paragraphs_to_drop(near, 3, "keep_first") == {0, 1}
    assert paragraphs_to_drop(near, 2, "keep_first") == set()
    assert paragraphs_to_drop(near, 3, "keep_all") == set()

    folder = tmp_path / "c"
    folder.mkdir()
    topics = ["trade and energy", "grain exports", "border security", "rail transit", "gas prices", "tourism"]
    para = [f"Paragraph {i}: the leaders discussed {t} cooperation at length today, with their ministers present."
            for i, t in enumerate(topics)]
    (folder / "a.txt").write_text("Title A\n" + "\n".join(para[:3]), encoding="utf-8")
    (folder / "b.txt").write_text("Title B\n" + "\n".join(para[3:]), encoding="utf-8")
    # Every paragraph repeats one of a's or b's, but the whole is a copy of neither.
    (folder / "c.txt").write_text("Title C\n" + "\n".join([para[0], para[3], para[1]]), encoding="utf-8")
    (folder / "d.txt").write_text("Title D\n" + "\n".join(para[:3]) + "\nA closing paragraph that only this "
                                  "item has, long enough to make it more than a copy of item A: it reports the "
                                  "questions of journalists, the answers given and the date of the next meeting.",
                                  encoding="utf-8")
    _, docs, table = run(cfg_for(params, folder), tmp_path)
    assert [d["id"] for d in docs] == ["a", "b", "c", "d"]
    assert len(docs[2]["paragraphs"]) == 3 and "repeats document 'a'" in table["c.txt"]["warnings"]
    assert docs[3]["paragraphs"] == [docs[3]["paragraphs"][0]] and docs[3]["paragraphs"][0].startswith("A closing")
    assert "3 duplicate paragraph(s)" in table["d.txt"]["warnings"]


def test_a_corpus_file_in_capitals_is_read_by_its_suffix(params, tmp_path):
    from pipeline.ingest.readers import resolve_format

    for name, fmt in (("ITEMS.CSV", "csv"), ("Items.Csv.GZ", "csv"), ("ROWS.JSONL", "jsonl")):
        (tmp_path / name).write_text("", encoding="utf-8")
        assert resolve_format(tmp_path / name, "auto") == fmt
