"""The ``lda`` group's schema, which the ``topics`` stage owns."""
from __future__ import annotations

from typing import Any

from .. import config as C
from ..errors import UserError

def _num_topics(key: str, value: Any) -> list[int]:
    """One k, a list of k, or a range ``{start, stop, step}`` (stop included)."""
    def bad() -> UserError:
        return UserError(f"{key} = {value!r} is not allowed: an integer >= 2, a list of them, "
                         "or {start: a, stop: b, step: s} with 2 <= a <= b")

    if isinstance(value, dict):
        if set(value) - {"start", "stop", "step"} or not {"start", "stop"} <= set(value):
            raise bad()
        start, stop, step = value["start"], value["stop"], value.get("step", 1)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop, step)) \
                or step < 1 or start > stop:
            raise bad()
        value = list(range(start, stop + 1, step))
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items or not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        raise bad()
    small = [v for v in items if v < 2]
    if small:
        raise UserError(f"{key} = {small[0]} is not allowed: a topic model needs at least 2 topics")
    return sorted(set(items))


def _train_sample(key: str, value: Any) -> int | float | None:
    """null (all segments), a number of segments >= 2, or a share in (0, 1]."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 2:
        return value
    if isinstance(value, float) and 0.0 < value <= 1.0:
        return value
    raise UserError(f"{key} = {value!r} is not allowed: null (train on all segments), a number of "
                    "segments >= 2, or a share between 0 and 1 (e.g. 0.3)")


_PRIOR = [C.Str(choices=["auto", "symmetric", "asymmetric"]), C.Float(min=1e-9)]

SCHEMA = C.Section(
    {
        "backend": C.Str(choices=["gensim", "tomotopy"]),
        "num_topics": C.Free(_num_topics, "an integer >= 2, a list of them, or {start, stop, step}"),
        "select_by": C.Str(choices=["c_npmi", "u_mass", "diversity", "perplexity"]),
        "init": C.Str(choices=["nmf", "random"]),
        "update": C.Str(choices=["batch", "online"]),
        "train_sample": C.Free(_train_sample, "null, a number of segments >= 2, or a share in (0, 1]"),
        "passes": C.Int(min=1),
        "iterations": C.Int(min=1),
        "gibbs_iterations": C.Int(min=1),
        "alpha": C.AnyOf(_PRIOR),
        "eta": C.AnyOf([C.Str(choices=["auto", "symmetric"]), C.Float(min=1e-9)]),
        "chunksize": C.Int(min=1),
        "random_state": C.Int(min=0),
        "workers": C.Int(min=1),
        "dictionary": C.Section(
            {
                "no_below": C.Int(min=1),
                "no_below_share": C.Float(min=0.0, max=1.0),
                "no_above": C.Float(min=0.0, max=1.0),
                "keep_n": C.Int(min=1, nullable=True),
                "keep_tokens": C.List(C.Str()),
            }
        ),
        "heldout": C.Float(min=0.0, max=0.5),
        "coherence_topn": C.Int(min=2),
        "diversity_topn": C.Int(min=1),
        "c_v": C.Bool(),
        "stability_seeds": C.Int(min=0),
        "stability_threshold": C.Float(min=0.0, max=1.0),
        "top_words": C.Int(min=3),
        "representative": C.Int(min=1),
        "excerpt_chars": C.Int(min=40),
        "heatmap_max_docs": C.Int(min=2),
    }
)
