"""The ``preprocess`` group's schema."""
from __future__ import annotations

from .. import config as C

SCHEMA = C.Section(
    {
        "unit": C.Str(choices=["document", "paragraph", "sentences"]),
        "window": C.Int(min=1),
        "max_sentences": C.Int(min=0),
        "lemmatize": C.Bool(),
        "lowercase": C.Bool(),
        "min_token_length": C.Int(min=1),
        "numbers": C.Str(choices=["drop", "keep", "token"]),
        "stopwords": C.Section({"standard": C.Bool(), "extra": C.List(C.Str())}),
        "phrases": C.Section(
            {
                "enabled": C.Bool(),
                "min_count": C.Int(min=1),
                "threshold": C.Float(),
                "scoring": C.Str(choices=["npmi", "default"]),
                "curated": C.List(C.Str()),
            }
        ),
    }
)
