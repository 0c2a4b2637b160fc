"""The ``corpus`` group's schema, which the ``ingest`` stage owns, and what ingest adds to a document's metadata."""
from __future__ import annotations

from .. import config as C

# Languages the pipeline can analyse (lemmas, stop words, the stance lexicon are English).
SUPPORTED = ("en",)
SUPPORTED_NOTE = "English is the only language whose lemmas, stop words and stance lexicon the pipeline has today"

#: Metadata keys ingest writes itself (saved web pages), besides ``corpus.columns.meta``;
#: ``report.group_by`` may name them.
PHOTO_CREDIT, BYLINE = "photo_credit", "byline"
INGEST_META = (PHOTO_CREDIT, BYLINE)

#: Lines of saved web pages that are page furniture (``corpus.boilerplate``), as the seeds need them.
BOILERPLATE = {
    # widgets: dropped and kept nowhere
    "drop": [
        r"^[-•·]\s*\d{1,3}(?:[:.]\d{2})?(?:\s+[-•·]\s*\d{1,3}(?:[:.]\d{2})?)*$",   # "- 8", "- 18:32", "• 9"
        r"^(?:(?:su|mo|tu|we|th|fr|sa)\s*){7}$",                                   # calendar header
        r"^(?:\d{1,2}\s+){3,6}\d{1,2}$",                                          # calendar rows
        r"^\|?\s*(?:[^|]{1,40}\|){2,}[^|]{0,40}$",                                 # "| Home | News | News"
        r"^(?:share|print|tweet|subscribe|read more|views?|comments?)\s*:?\s*\d*$",
    ],
    # the page footer starts here; short lines after it are links
    "footer": [r"^archive$", r"^(?:(?:su|mo|tu|we|th|fr|sa)\s*){7}$"],
    # photo credits: moved to meta.photo_credit
    "credit": [
        r"^photos?\s*(?:by\b|:|courtesy|credit)",
        r"^(?:belta|tass|ria novosti|sputnik|reuters|afp|ap|sb\.by)$",
        r"(?-i:^[A-Z][a-z]+ [A-Z][a-z]+$)",                                        # a photographer's name alone
    ],
    # bylines and source notes: moved to meta.byline
    "byline": [
        r"(?-i:^By [A-Z][\w.]+(?: [A-Z][\w.]+)+(?:,\s*[A-Z][\w.]+(?: [A-Z][\w.]+)+)*$)",
        r"^based on materials (?:of|from)\b",
        r"^(?:text|author)s?\s*:",
    ],
}

# Only name, path, format and limit are in conf/corpus/default.yaml: what a person
# sets to point the pipeline at a corpus. Every other key may be left out; its
# default is here (README, "Parameters": the table of optional keys). A corpus
# preset (conf/corpus/kremlin.yaml) sets what its files need.
SCHEMA = C.Section(
    {
        "name": C.Str(),
        "path": C.Str(),
        "format": C.optional(C.Str(choices=["auto", "txt", "csv", "jsonl"]), "auto"),
        # used by csv and jsonl corpora
        "columns": C.optional(C.Section(
            {
                # null: a column named id (any case) if the file has one, else <file stem>-<row number>;
                # a URL is reduced to its last segment
                "id": C.optional(C.Str(nullable=True), None),
                "text": C.optional(C.Str(), "text"),
                "title": C.optional(C.Str(nullable=True), "title"),
                "date": C.optional(C.Str(nullable=True), "date"),
                # further columns kept as document metadata (e.g. for report.group_by)
                "meta": C.optional(C.List(C.Str()), []),
                "na_values": C.optional(C.List(C.Str()), ["", "NA", "N/A", "null", "None"]),
            }
        )),
        # all-numeric dates (04.11.2021) where a date column's values do not show the order, and pages' datelines
        "date_order": C.optional(C.Str(choices=["DMY", "MDY", "YMD"]), "DMY"),
        # documents detected in another language are kept in corpus.jsonl but not scored
        "language": C.optional(C.Str(choices=list(SUPPORTED), note=SUPPORTED_NOTE), "en"),
        "limit": C.Int(min=1, nullable=True),  # keep only the first N usable documents
        # also split paragraphs at "* * *"
        "paragraph_separator": C.optional(C.Regex(nullable=True), r"\*\s*\*\s*\*"),
        "boilerplate": C.optional(C.Section(
            {
                "enabled": C.optional(C.Bool(), True),
                "head_lines": C.optional(C.Int(min=0), 20),  # navigation and the dateline are looked for here
                "drop": C.optional(C.List(C.Regex()), BOILERPLATE["drop"]),
                "footer": C.optional(C.List(C.Regex()), BOILERPLATE["footer"]),
                "credit": C.optional(C.List(C.Regex()), BOILERPLATE["credit"]),
                "byline": C.optional(C.List(C.Regex()), BOILERPLATE["byline"]),
            }
        )),
        "dedup": C.optional(C.Section(
            {
                # keep_first: drop later copies of a whole document or a paragraph | keep_all: only report them
                "policy": C.optional(C.Str(choices=["keep_first", "keep_all"]), "keep_first"),
                # estimated Jaccard of word n-gram sets for a near-duplicate
                "threshold": C.optional(C.Float(min=0.1, max=1.0), 0.4),
                # n: re-translations of one statement share words, rarely word triples
                "shingle": C.optional(C.Int(min=1, max=5), 1),
                "min_words": C.optional(C.Int(min=3), 12),  # shorter paragraphs are never compared
                "num_perm": C.optional(C.Int(min=16, max=1024), 128),  # MinHash permutations (error about 0.04)
                # word-sequence similarity of two documents' bodies for a near copy (1.0: exact copies only)
                "document_threshold": C.optional(C.Float(min=0.5, max=1.0), 0.9),
            }
        )),
    }
)
