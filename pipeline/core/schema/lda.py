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

# conf/lda/default.yaml sets what a topic-model sweep compares (backend, k, its selection,
# priors, passes, seed, training sample, dictionary filter); the rest may be left out
# and takes these defaults (README, "Optional parameters"), e.g. `-S '+lda.c_v=false'`.
SCHEMA = C.Section(
    {
        "backend": C.Str(choices=["gensim", "tomotopy"]),
        "num_topics": C.Free(_num_topics, "an integer >= 2, a list of them, or {start, stop, step}"),
        "select_by": C.Str(choices=["c_npmi", "u_mass", "diversity", "perplexity"]),
        # gensim: start from an NMF of the TF-IDF matrix (nmf) or at random (random)
        "init": C.optional(C.Str(choices=["nmf", "random"]), "nmf"),
        # gensim: batch (one update per pass) | online (one per chunk; for corpora that change)
        "update": C.optional(C.Str(choices=["batch", "online"]), "batch"),
        "train_sample": C.Free(_train_sample, "null, a number of segments >= 2, or a share in (0, 1]"),
        "passes": C.Int(min=1),
        "iterations": C.optional(C.Int(min=1), 200),  # gensim: inference iterations per document and pass
        "gibbs_iterations": C.optional(C.Int(min=1), 1000),  # tomotopy: Gibbs sampling iterations
        "alpha": C.AnyOf(_PRIOR),
        "eta": C.AnyOf([C.Str(choices=["auto", "symmetric"]), C.Float(min=1e-9)]),
        "chunksize": C.optional(C.Int(min=1), 2000),  # gensim: documents per inference chunk
        "random_state": C.Int(min=0),
        # > 1: gensim LdaMulticore / tomotopy threads (not bit-reproducible across machines)
        "workers": C.optional(C.Int(min=1), 1),
        "dictionary": C.Section(
            {
                "no_below": C.Int(min=1),
                # ... and in this share of segments when that is more (21 of 4,197 Kremlin segments)
                "no_below_share": C.optional(C.Float(min=0.0, max=1.0), 0.005),
                "no_above": C.Float(min=0.0, max=1.0),
                "keep_n": C.optional(C.Int(min=1, nullable=True), None),  # then keep only the most frequent
                # theme words that survive the filter whatever their frequency
                "keep_tokens": C.optional(C.List(C.Str()), []),
            }
        ),
        # share of segments held out (fixed by a hash of the ids) for perplexity
        "heldout": C.optional(C.Float(min=0.0, max=0.5), 0.1),
        "coherence_topn": C.optional(C.Int(min=2), 10),  # top words per topic for NPMI / u_mass / c_v, stability
        "diversity_topn": C.optional(C.Int(min=1), 25),  # top words per topic for topic diversity
        "c_v": C.optional(C.Bool(), True),  # also compute c_v (secondary figure only)
        "stability_seeds": C.optional(C.Int(min=0), 3),  # further seeds trained at the chosen k
        # a topic whose mean best-match Jaccard is below this is flagged unstable
        "stability_threshold": C.optional(C.Float(min=0.0, max=1.0), 0.4),
        "top_words": C.optional(C.Int(min=3), 10),  # words per topic in the tables and figures
        "representative": C.optional(C.Int(min=1), 3),  # most representative segments per topic
        "excerpt_chars": C.optional(C.Int(min=40), 300),  # length of their text excerpts
        # documents shown in the document x topic heatmap (the CSV has all)
        "heatmap_max_docs": C.optional(C.Int(min=2), 60),
    }
)
