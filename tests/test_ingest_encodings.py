"""Unicode files in every byte order are text; only undecodable content is binary."""
from __future__ import annotations

import codecs
import json

import pytest

from pipeline.ingest.readers import BadDocument, decode

from ingest_helpers import ingest_cfg, ingest_outputs

TITLE = "Talks in Minsk"
BODY = "Belarus and Russia discussed sanctions and security at the talks in Minsk on Monday."
TITLE_RU = "Переговоры в Минске"
BODY_RU = "Президент Беларуси провёл переговоры с Президентом России в Москве в понедельник."

# name -> bytes of a text in that encoding (with or without a byte-order mark)
ENCODINGS = {
    "utf-16 (BOM, native order)": lambda t: t.encode("utf-16"),
    "utf-16-le with BOM": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be with BOM": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le without BOM": lambda t: t.encode("utf-16-le"),
    "utf-16-be without BOM": lambda t: t.encode("utf-16-be"),
    "utf-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "utf-32 (BOM)": lambda t: t.encode("utf-32"),
}


cfg_for = ingest_cfg


def run(cfg, tmp_path):
    counts, docs, rows, _ = ingest_outputs(cfg, tmp_path)
    return counts, docs, {r["source"]: r for r in rows}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("title, body", [(TITLE, BODY), (TITLE_RU, BODY_RU)], ids=["english", "russian"])
def test_txt_page_in_unicode_encodings_is_decoded(params, tmp_path, encoding, title, body):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.txt").write_bytes(ENCODINGS[encoding](f"{title}\r\n\r\n{body}\r\n"))
    # An English page beside it: a corpus of only a Russian page stops (nothing to score).
    (folder / "z_english.txt").write_text("Another page\n\nThe harvest was the largest in a decade this year.\n",
                                          encoding="utf-8")
    counts, docs, table = run(cfg_for(params, folder), tmp_path)
    assert counts["skipped"] == 0
    assert table["page.txt"]["status"] == ("kept" if title == TITLE else "not scored")
    doc = docs[0]
    assert doc["title"] == title  # no byte-order mark left in front of it
    assert doc["paragraphs"] == [body]
    assert not any("binary" in w for w in doc["warnings"])


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_decode_gives_the_text(encoding):
    text = f"{TITLE}\n{BODY}\n{BODY_RU}\n"
    decoded, warning = decode(ENCODINGS[encoding](text))
    assert decoded == text
    if encoding.startswith("utf-8"):
        assert warning is None
    else:
        assert warning.startswith("not UTF-8; decoded as utf") or "UTF-16" in warning or "UTF-32" in warning


@pytest.mark.parametrize("encoding", ["utf-16 (BOM, native order)", "utf-16-be with BOM", "utf-8 with BOM",
                                      "utf-16-le without BOM"])
def test_csv_in_unicode_encodings(params, tmp_path, encoding):
    path = tmp_path / "items.csv"
    text = "id,title,text\r\n" + f"a,{TITLE},{BODY}\r\n" + f"b,{TITLE_RU},{BODY_RU}\r\n"
    path.write_bytes(ENCODINGS[encoding](text))
    counts, docs, _ = run(cfg_for(params, path, id="id", title="title", text="text", date=None), tmp_path)
    assert [(d["id"], d["title"], d["paragraphs"]) for d in docs] == [("a", TITLE, [BODY]), ("b", TITLE_RU, [BODY_RU])]


@pytest.mark.parametrize("encoding", ["utf-8 with BOM", "utf-16 (BOM, native order)"])
def test_jsonl_with_byte_order_mark_keeps_its_first_line(params, tmp_path, encoding):
    path = tmp_path / "items.jsonl"
    lines = [json.dumps({"id": i, "text": t, "title": TITLE}, ensure_ascii=False) for i, t in (("a", BODY), ("b", BODY_RU))]
    path.write_bytes(ENCODINGS[encoding]("\n".join(lines) + "\n"))
    _, docs, _ = run(cfg_for(params, path, id="id", date=None), tmp_path)
    assert [(d["id"], d["paragraphs"]) for d in docs] == [("a", [BODY]), ("b", [BODY_RU])]


def test_binary_content_is_still_binary_whatever_its_first_bytes():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(BadDocument, match="binary"):
        decode(png)
    # A UTF-16 mark in front of bytes that decode to control characters is not text either.
    with pytest.raises(BadDocument, match="binary|undecodable"):
        decode(codecs.BOM_UTF16_LE + "".join(map(chr, range(1, 32))).encode("utf-16-le") * 64)
    # A mark in front of bytes that are not in that encoding (a lone surrogate).
    with pytest.raises(BadDocument, match="undecodable"):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8A\x00")
    with pytest.raises(BadDocument, match="empty"):
        decode("  \n".encode("utf-16"))
