"""The ``tfidf`` group's schema."""
from __future__ import annotations

from typing import Any

from .. import config as C
from ..errors import UserError

def _ngram_range(key: str, value: Any) -> tuple[int, int]:
    ok = (isinstance(value, (list, tuple)) and len(value) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
          and value[0] <= value[1])
    if not ok:
        raise UserError(f"{key} = {value!r} is not allowed: [min_n, max_n] with 1 <= min_n <= max_n")
    return int(value[0]), int(value[1])


_DF = C.AnyOf([C.Int(min=1), C.Float(min=0.0, max=1.0)])

# conf/tfidf/default.yaml sets the matrix's knobs; the display sizes and the rest may be
# left out and take these defaults (README, "Optional parameters").
SCHEMA = C.Section(
    {
        "unit": C.Str(choices=["segment", "document"]),
        "min_df": _DF,
        "max_df": C.AnyOf([C.Int(min=1), C.Float(min=0.0, max=1.0)]),
        "ngram_range": C.Free(_ngram_range, "[min_n, max_n] with 1 <= min_n <= max_n"),
        "sublinear_tf": C.Bool(),
        "norm": C.optional(C.Str(choices=["l1", "l2"], nullable=True), "l2"),
        "max_features": C.optional(C.Int(min=1, nullable=True), None),  # keep only the most frequent terms
        "top_n": C.optional(C.Int(min=1), 15),  # terms per document / for the corpus / keywords per direction
        # signed: + over-, - under-represented
        "keyness": C.optional(C.Str(choices=["log_likelihood", "chi2"]), "log_likelihood"),
        "heatmap_max_docs": C.optional(C.Int(min=2), 60),  # documents shown in the similarity heatmap
        # documents in the square similarity table (its size grows with their square)
        "similarity_max_docs": C.optional(C.Int(min=2), 2000),
        "neighbours": C.optional(C.Int(min=1), 5),  # most similar documents listed per document
    }
)
