"""Boilerplate removal and metadata on the real seed files."""
from __future__ import annotations

import json

import pytest

from pipeline.ingest import build_document
from pipeline.ingest.boilerplate import Patterns
from pipeline.ingest.readers import read_folder
from pipeline.core.text import clean_line

# Ground truth, read off the files by hand: what is page furniture, not article.
DROPPED = {
    "000_e05ebabda265589a": ["Posted: 04.11.2021 09:07:00"],
    "001_dab8dd7738cea26c": ["- 8", "- 18:32"],
    "002_0f4396f028e34011": ["Posted: 16.04.2024 11:21:00"],
    "003_40f23a3074c8b370": [
        "Official Website of the Republic of Belarus", "News", "Belarus Events Calendar",
        "Belarus\u2019 Top Tourist Sites", "UNESCO World Heritage Sites in Belarus",
        "Belarusian sanatoria and health resorts", "Souvenirs from Belarus", "| Home | News | News",
        "News & Events in Belarus", "15 Apr 2024", "Archive", "Su Mo Tu We Th Fr Sa",
        "Great Patriotic War monuments in Belarus",
    ],
    "004_508d0629677da257": ["\u2022 9", "\u2022 2"],
}
CREDITS = {
    "000_e05ebabda265589a": ["Photos by BELTA"],
    "002_0f4396f028e34011": ["belta", "Vladimir Gerdo"],
}
BYLINES = {
    "000_e05ebabda265589a": ["By Dmitry Umpirovich, Polina Konoga"],
    "002_0f4396f028e34011": ["Based on materials of sb.by and belta.by"],
}
DATES = {
    "000_e05ebabda265589a": "2021-11-04",
    "001_dab8dd7738cea26c": None,  # "on 2 March": no year
    "002_0f4396f028e34011": "2024-04-16",
    "003_40f23a3074c8b370": "2024-04-15",
    "004_508d0629677da257": None,  # "on 13 July": no year
}


@pytest.fixture(scope="module")
def seed_docs(root, composed_params):
    from pipeline.core.config import group
    from pipeline.ingest import SCHEMA

    cfg = group(composed_params, "corpus", SCHEMA)
    patterns = Patterns.compile(cfg["boilerplate"])
    raws = {r.id: r for r in read_folder(root / "seeds")}
    return raws, {i: build_document(r, cfg, patterns) for i, r in raws.items()}


def test_every_article_line_survives(seed_docs):
    raws, docs = seed_docs
    assert set(docs) == set(DROPPED)
    for doc_id, raw in raws.items():
        doc = docs[doc_id]
        furniture = set(DROPPED[doc_id]) | set(CREDITS.get(doc_id, [])) | set(BYLINES.get(doc_id, []))
        kept_text = [doc["title"]] + doc["paragraphs"]
        article = [clean_line(l) for l in raw.text.splitlines() if clean_line(l)]
        article = [l for l in article if l not in furniture]
        # Each article line is the title or a paragraph, in the original order
        # (003 repeats its headline; the copy is the one line allowed to go).
        it = iter(kept_text)
        for line in article:
            if line == doc["title"] and line not in doc["paragraphs"]:
                continue
            assert any(line == k for k in it), f"{doc_id}: article line lost or reordered: {line[:60]!r}"


def test_boilerplate_kept_nowhere_in_text(seed_docs):
    _, docs = seed_docs
    for doc_id, doc in docs.items():
        text = [doc["title"]] + doc["paragraphs"]
        for line in DROPPED[doc_id] + CREDITS.get(doc_id, []) + BYLINES.get(doc_id, []):
            assert line not in text, f"{doc_id}: boilerplate {line!r} left in the text"
        for widget in ("Su Mo Tu", "| Home |"):
            assert not any(widget in t for t in text)


def test_credits_and_bylines_are_metadata(seed_docs):
    _, docs = seed_docs
    for doc_id, doc in docs.items():
        assert doc["meta"].get("photo_credit") == ("; ".join(CREDITS[doc_id]) if doc_id in CREDITS else None)
        assert doc["meta"].get("byline") == ("; ".join(BYLINES[doc_id]) if doc_id in BYLINES else None)


def test_titles_and_dates(seed_docs):
    _, docs = seed_docs
    assert docs["000_e05ebabda265589a"]["title"] == "We have common tasks and we\u2019ll solve them together"
    assert docs["003_40f23a3074c8b370"]["title"].startswith("Belarus hero, production strategy")
    assert docs["004_508d0629677da257"]["title"] == "Working visit to the Russian Federation. Talks with Vladimir Putin"
    for doc_id, date in DATES.items():
        assert docs[doc_id]["date"] == date, doc_id
    assert any("no year" in w for w in docs["001_dab8dd7738cea26c"]["warnings"])


def test_near_duplicates_of_002_found_in_003(seed_run):
    import csv

    rows = list(csv.DictReader(open(seed_run["duplicates"], encoding="utf-8")))
    assert rows, "seeds 002 and 003 report the same meeting: some paragraphs must pair up"
    assert {(r["doc_id"], r["duplicate_of"]) for r in rows} == {("003_40f23a3074c8b370", "002_0f4396f028e34011")}
    assert all(r["action"] == "dropped" for r in rows)
    corpus = {d["id"]: d for d in map(json.loads, open(seed_run["corpus"], encoding="utf-8"))}
    # keep_first: the later document lost exactly the flagged paragraphs
    for r in rows:
        assert r["excerpt"] not in " ".join(corpus["003_40f23a3074c8b370"]["paragraphs"])
