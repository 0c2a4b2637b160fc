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

SCHEMA = C.Section(
    {
        "name": C.Str(),
        "path": C.Str(),
        "format": C.Str(choices=["auto", "txt", "csv", "jsonl"]),
        "columns": C.Section(
            {
                "id": C.Str(nullable=True),
                "text": C.Str(),
                "title": C.Str(nullable=True),
                "date": C.Str(nullable=True),
                "meta": C.List(C.Str()),
                "na_values": C.List(C.Str()),
            }
        ),
        "date_order": C.Str(choices=["DMY", "MDY", "YMD"]),
        "language": C.Str(choices=list(SUPPORTED), note=SUPPORTED_NOTE),
        "limit": C.Int(min=1, nullable=True),
        "paragraph_separator": C.Regex(nullable=True),
        "boilerplate": C.Section(
            {
                "enabled": C.Bool(),
                "head_lines": C.Int(min=0),
                "drop": C.List(C.Regex()),
                "footer": C.List(C.Regex()),
                "credit": C.List(C.Regex()),
                "byline": C.List(C.Regex()),
            }
        ),
        "dedup": C.Section(
            {
                "policy": C.Str(choices=["keep_first", "keep_all"]),
                "threshold": C.Float(min=0.1, max=1.0),
                "shingle": C.Int(min=1, max=5),
                "min_words": C.Int(min=3),
                "num_perm": C.Int(min=16, max=1024),
                "document_threshold": C.Float(min=0.5, max=1.0),
            }
        ),
    }
)
