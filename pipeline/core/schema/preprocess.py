"""The ``preprocess`` group's schema.

``conf/preprocess/default.yaml`` sets the segment unit and window and the word
lists; the other keys may be left out and take the defaults below (README,
"Optional parameters").
"""
from __future__ import annotations

from .. import config as C

SCHEMA = C.Section(
    {
        "unit": C.Str(choices=["document", "paragraph", "sentences"]),
        "window": C.Int(min=1),
        # split longer paragraphs into pieces of this many sentences (0: never)
        "max_sentences": C.optional(C.Int(min=0), 8),
        "lemmatize": C.optional(C.Bool(), True),  # simplemma dictionary lemmas
        "lowercase": C.optional(C.Bool(), True),
        "min_token_length": C.optional(C.Int(min=1), 3),
        # drop | keep | token (every number becomes "<num>")
        "numbers": C.optional(C.Str(choices=["drop", "keep", "token"]), "drop"),
        # standard: gensim's English list; extra: the domain's own
        "stopwords": C.Section({"standard": C.optional(C.Bool(), True), "extra": C.List(C.Str())}),
        "phrases": C.Section(
            {
                "enabled": C.Bool(),
                "min_count": C.optional(C.Int(min=1), 5),  # a collocation must occur this often to be learned
                "threshold": C.optional(C.Float(), 0.5),  # npmi in [-1, 1]; higher learns fewer phrases
                "scoring": C.optional(C.Str(choices=["npmi", "default"]), "npmi"),
                "curated": C.List(C.Str()),  # always joined, matched on lemmas
            }
        ),
    }
)
