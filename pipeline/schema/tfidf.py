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

SCHEMA = C.Section(
    {
        "unit": C.Str(choices=["segment", "document"]),
        "min_df": _DF,
        "max_df": C.AnyOf([C.Int(min=1), C.Float(min=0.0, max=1.0)]),
        "ngram_range": C.Free(_ngram_range, "[min_n, max_n] with 1 <= min_n <= max_n"),
        "sublinear_tf": C.Bool(),
        "norm": C.Str(choices=["l1", "l2"], nullable=True),
        "max_features": C.Int(min=1, nullable=True),
        "top_n": C.Int(min=1),
        "keyness": C.Str(choices=["log_likelihood", "chi2"]),
        "heatmap_max_docs": C.Int(min=2),
        "similarity_max_docs": C.Int(min=2),
        "neighbours": C.Int(min=1),
    }
)
