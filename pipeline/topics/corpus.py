"""The bag-of-words side of the topics stage: dictionary, held-out split, streamed corpora.

Nothing here holds the corpus as lists of lists: tokens are streamed from
``segments.jsonl`` and bags of words are serialised to gensim ``MmCorpus``
files that the trainers read back one document at a time.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..core.errors import UserError
from ..segments import UnitTokens, read_segments


@dataclass(frozen=True)
class SegmentIndex:
    """What the stage keeps in memory per segment: ids, dates and sizes, never tokens."""

    ids: list[str]
    doc_ids: list[str]
    dates: list[str | None]
    n_tokens: list[int]


def read_index(path: str | Path) -> SegmentIndex:
    ids, docs, dates, sizes = [], [], [], []
    for seg in read_segments(path):
        ids.append(seg["id"])
        docs.append(seg["doc_id"])
        dates.append(seg.get("date"))
        sizes.append(len(seg["tokens"]))
    return SegmentIndex(ids, docs, dates, sizes)


def heldout_mask(ids: Sequence[str], share: float) -> list[bool]:
    """A fixed ``share`` of segments, chosen by a hash of their ids.

    Hashing the id (not drawing with the model seed) keeps the same segments
    held out for every k and every seed, so perplexities are comparable.
    At least one segment stays in training.
    """
    n = len(ids)
    n_out = min(n - 1, math.ceil(share * n)) if share > 0 else 0
    ranked = sorted(range(n), key=lambda i: hashlib.sha1(ids[i].encode("utf-8")).hexdigest())
    out = set(ranked[:n_out])
    return [i in out for i in range(n)]


def train_sample_mask(ids: Sequence[str], heldout: Sequence[bool], sample: int | float | None) -> list[bool]:
    """Which segments train the model: all those not held out, or a sample of them.

    ``sample`` is a number of segments or a share of the training segments.
    The sample is the first segments in the order of a hash of their ids
    (a different hash from the held-out split), so it does not depend on file
    order or the model seed, and a larger sample contains a smaller one.
    """
    train = [i for i, h in enumerate(heldout) if not h]
    if sample is None:
        n = len(train)
    elif isinstance(sample, float):
        n = max(1, math.ceil(sample * len(train)))
    else:
        n = min(sample, len(train))
    ranked = sorted(train, key=lambda i: hashlib.sha1(b"train:" + ids[i].encode("utf-8")).hexdigest())
    keep = set(ranked[:n])
    return [i in keep for i in range(len(ids))]


def check_segments(n_segments: int, ks: Sequence[int], source: str) -> None:
    """The bad inputs that make training meaningless, caught before any work."""
    if n_segments < 2:
        raise UserError(f"{source}: {n_segments} segment(s); a topic model needs at least 2 "
                        f"(use a smaller preprocess.unit, e.g. paragraph or sentences)")
    too_many = [k for k in ks if k > n_segments]
    if too_many:
        raise UserError(f"lda.num_topics = {too_many[0]} is more than the {n_segments} segments of {source}: "
                        f"use at most {n_segments}")


# Below these, a model or a score says nothing: 2 dictionary words per topic (and
# enough for the NPMI top list) and a training segment per topic; a held-out
# perplexity needs this many segments and words, or a few segments' bound decides it.
WORDS_PER_TOPIC_MIN = 2
SEGMENTS_PER_TOPIC_MIN = 1
# Below these it runs, with a caveat in the log and at the top of the report's topics section.
WORDS_PER_TOPIC_OK = 10
SEGMENTS_PER_TOPIC_OK = 10
HELDOUT_SEGMENTS_MIN = 10
HELDOUT_WORDS_MIN = 100


@dataclass(frozen=True)
class DataCheck:
    """What the data can support (:func:`check_data`)."""

    caveats: tuple[str, ...]  # marginal: the model is trained, and the report says so
    perplexity_note: str | None  # why held-out perplexity is not reported, or None


def check_data(n_words: int, n_train: int, n_heldout: int, heldout_words: int, ks: Sequence[int],
               topn: int) -> DataCheck:
    """Whether topic modelling can mean anything on this data, before any training.

    Parameters
    ----------
    n_words : int
        Words the dictionary keeps.
    n_train : int
        Training segments with at least one dictionary word.
    n_heldout, heldout_words : int
        Held-out segments, and the dictionary words in them.
    ks : sequence of int
        The candidate numbers of topics.
    topn : int
        Top words per topic that NPMI coherence scores (``lda.coherence_topn``).

    Returns
    -------
    DataCheck
        Caveats when the data are marginal (fewer than ``WORDS_PER_TOPIC_OK``
        words or ``SEGMENTS_PER_TOPIC_OK`` training segments per topic), and a
        note when the held-out set is too small for perplexity (fewer than
        ``HELDOUT_SEGMENTS_MIN`` segments or ``HELDOUT_WORDS_MIN`` words).

    Raises
    ------
    UserError
        When the dictionary has fewer than ``WORDS_PER_TOPIC_MIN`` words per
        topic (or fewer than ``topn``), or there are fewer training segments
        than topics: the topics would be single words or copies of each other.
    """
    k = max(ks)
    need_words = max(WORDS_PER_TOPIC_MIN * k, topn)
    fix = "lower lda.num_topics, lower lda.dictionary.no_below / no_below_share, or add documents"
    if n_words < need_words:
        raise UserError(f"lda: the dictionary keeps {n_words} word(s); {k} topics need at least {need_words} "
                        f"({WORDS_PER_TOPIC_MIN} per topic, and lda.coherence_topn = {topn} for NPMI): {fix}")
    if n_train < SEGMENTS_PER_TOPIC_MIN * k:
        raise UserError(f"lda: {n_train} training segment(s) with dictionary words for {k} topics; at least {k} "
                        f"are needed: {fix}")
    caveats = []
    if n_words < WORDS_PER_TOPIC_OK * k:
        caveats.append(f"the dictionary keeps {n_words} words for up to {k} topics (fewer than "
                       f"{WORDS_PER_TOPIC_OK} per topic): topics will share most of their top words")
    if n_train < SEGMENTS_PER_TOPIC_OK * k:
        caveats.append(f"{n_train} training segments for up to {k} topics (fewer than {SEGMENTS_PER_TOPIC_OK} "
                       f"per topic): topics rest on a handful of segments")
    note = None
    if n_heldout < HELDOUT_SEGMENTS_MIN or heldout_words < HELDOUT_WORDS_MIN:
        note = (f"not reported: the held-out set has {n_heldout} segment(s) and {heldout_words} dictionary "
                f"word(s), fewer than {HELDOUT_SEGMENTS_MIN} and {HELDOUT_WORDS_MIN} needed to estimate it "
                f"(raise lda.heldout or add documents)")
    return DataCheck(tuple(caveats), note)


def min_segments(no_below: int, share: float, n_segments: int) -> int:
    """Segments a word must occur in: ``no_below``, or ``share`` of them when that is more.

    A count alone fits one corpus size: 5 suits a few hundred segments but
    keeps thousands of one-off words in a corpus of thousands, and those words
    make incoherent topics.
    """
    return max(no_below, math.ceil(share * n_segments))


def build_dictionary(tokens: UnitTokens, cfg: dict):
    """gensim ``Dictionary`` with ``filter_extremes``; protected theme words survive it.

    Raises
    ------
    UserError
        When filtering leaves no word, naming the thresholds and the numbers.
    """
    from gensim.corpora import Dictionary

    d = Dictionary(tokens)
    before = len(d)
    dc = cfg["dictionary"]
    no_below = min_segments(dc["no_below"], dc["no_below_share"], d.num_docs)
    keep = [w for w in dc["keep_tokens"] if w in d.token2id]
    d.filter_extremes(no_below=no_below, no_above=dc["no_above"], keep_n=dc["keep_n"], keep_tokens=keep or None)
    if len(d) == 0:
        raise UserError(f"lda.dictionary: no_below = {dc['no_below']}, no_below_share = {dc['no_below_share']} "
                        f"(so {no_below} segments) and no_above = {dc['no_above']} left 0 of {before} words "
                        f"over {d.num_docs} segments (lower no_below or no_below_share, or raise no_above)")
    return d, before


def serialize(path: Path, tokens: UnitTokens, dictionary, mask: Sequence[bool], want: bool):
    """Write the bags of words of the segments whose ``mask`` equals ``want`` as an ``MmCorpus``."""
    from gensim.corpora import MmCorpus

    def bows() -> Iterator[list[tuple[int, int]]]:
        for toks, m in zip(tokens, mask):
            if m == want:
                yield dictionary.doc2bow(toks)

    MmCorpus.serialize(str(path), bows())
    return MmCorpus(str(path))


def all_bows(tokens: UnitTokens, dictionary) -> Iterator[list[tuple[int, int]]]:
    for toks in tokens:
        yield dictionary.doc2bow(toks)
