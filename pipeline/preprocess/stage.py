"""Stage ``preprocess``: documents in, model-ready segments out.

Two streaming passes over the corpus, so a corpus of any size never has to fit
in memory:

1. Sentence splitting, tokens and lemmas, with curated multi-word expressions
   joined, in partitions of documents on the configured executor
   (:mod:`pipeline.executor`); written, in corpus order, to a scratch file.
   Each partition also counts the words and word pairs gensim ``Phrases``
   learns from; the counts are added up in corpus order.
2. The frozen phrases join frequent collocations; stop words, short tokens
   and numbers are filtered; sentences are grouped into segments of the
   configured unit; again in partitions on the executor, written in corpus
   order.

Both passes stream: a few partitions are in flight at a time, and only the
phrase counts (what gensim holds when it learns sequentially) stay in memory.

Outputs
-------
``data/processed/segments.jsonl``
    ``id, doc_id, position, date, sentences, tokens`` per segment.
``reports/tables/phrases.csv``
    The collocations learned, with their counts and scores.
``reports/metrics/preprocess.json``
    Headline counts, one column each in ``dvc exp show``: ``segments``, ``tokens``,
    ``vocabulary``, ``phrases_learned`` and ``documents_without_tokens``.
"""
from __future__ import annotations

import functools
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator, Mapping

from tqdm import tqdm

from .. import executor as X
from ..core.errors import UserError, progress_enabled
from ..core.io import atomic_open, dumps, jsonl_lines, read_jsonl, write_csv, write_json
from ..core.paths import Paths
from ..segments import SENTENCE_TOKENS
from ..core.text import is_number, is_word, lemma, matcher_for, sentences_with_text

log = logging.getLogger("preprocess")

from ..core.schema.preprocess import SCHEMA  # noqa: F401  (re-exported)

NUMBER_TOKEN = "<num>"


# ----------------------------------------------------------------- pure parts
def analyse_document(doc: dict, lemmatize: bool, lowercase: bool, curated: list[str]) -> dict:
    """Pass 1 for one document: sentences with their word lemmas and tokens, per paragraph.

    Each sentence is ``[text, lemmas, tokens]``: the lemmas of its words (the
    curated expressions joined) and syntok's tokens, punctuation included,
    joined by single spaces (a syntok token never holds a space).

    A document ingest marked ``not_scored`` (another language than
    ``corpus.language``) gets no sentences: English lemmas and stop words
    would make a topic of its untouched words and read it as evidence of
    nothing. The reason is carried on for the log (``corpus.csv`` counts them).
    """
    if doc.get("not_scored"):
        return {"id": doc["id"], "date": doc.get("date"), "paragraphs": [], "not_scored": doc["not_scored"]}
    matcher = matcher_for(tuple(curated))
    paragraphs = []
    for para in doc["paragraphs"]:
        sents = []
        for raw, toks in sentences_with_text(para):
            if lemmatize:
                words = [w for w in map(_word_lemma, toks) if w is not None]
            else:
                words = [t.lower() if lowercase else t for t in toks if is_word(t)]
            sents.append([raw, matcher.apply(words), " ".join(toks)])
        if sents:
            paragraphs.append(sents)
    return {"id": doc["id"], "date": doc.get("date"), "paragraphs": paragraphs}


@functools.lru_cache(maxsize=200_000)
def _word_lemma(token: str) -> str | None:
    # One cached look-up per token instead of a regular expression and then the lemma's cache.
    return lemma(token) if is_word(token) else None


def stopword_set(cfg: dict) -> frozenset[str]:
    """The standard English list (gensim's) plus ``preprocess.stopwords.extra``, as lemmas."""
    words: set[str] = set()
    if cfg["stopwords"]["standard"]:
        from gensim.parsing.preprocessing import STOPWORDS

        words |= set(STOPWORDS)
    extra = {w.lower() for w in cfg["stopwords"]["extra"]}
    words |= extra | {lemma(w) for w in extra}
    return frozenset(words)


def filter_tokens(words: list[str], stopwords: frozenset[str], min_len: int, numbers: str) -> list[str]:
    """Model tokens of one sentence: no stop words, short words or (by policy) numbers."""
    keep = _token_filter(stopwords, min_len, numbers)
    return [t for t in map(keep, words) if t is not None]


def _model_token(w: str, stopwords: frozenset[str], min_len: int, numbers: str) -> str | None:
    """What one word becomes among the model tokens (None: dropped)."""
    if is_number(w):
        return w if numbers == "keep" else NUMBER_TOKEN if numbers == "token" else None
    if w in stopwords or len(w) < min_len or not any(c.isalpha() for c in w):
        return None
    return w


@functools.lru_cache(maxsize=8)
def _token_filter(stopwords: frozenset[str], min_len: int, numbers: str) -> Callable[[str], str | None]:
    # A word's fate depends on the word alone, and a corpus repeats its words: deciding each
    # distinct word once was a third of pass 2 (a frozenset caches its hash, so the key is cheap).
    memo: dict[str, str | None] = {}

    def keep(w: str) -> str | None:
        try:
            return memo[w]
        except KeyError:
            memo[w] = out = _model_token(w, stopwords, min_len, numbers)
            return out

    return keep


def group_sentences(paragraphs: list[list[tuple[str, list[str]]]], unit: str, window: int,
                    max_sentences: int) -> list[list[tuple[str, list[str]]]]:
    """Sentences grouped into segments by unit.

    ``paragraph`` splits a paragraph longer than ``max_sentences`` (0: no limit)
    into consecutive pieces: corpora without line breaks (one paragraph per
    item) would otherwise give one giant segment per document.
    """
    if unit == "document":
        flat = [s for p in paragraphs for s in p]
        return [flat] if flat else []
    if unit == "sentences":
        flat = [s for p in paragraphs for s in p]
        return [flat[i : i + window] for i in range(0, len(flat), window)]
    out = []
    for p in paragraphs:
        if max_sentences and len(p) > max_sentences:
            out.extend(p[i : i + max_sentences] for i in range(0, len(p), max_sentences))
        elif p:
            out.append(p)
    return out


def phrase_runs(words: list[str], stopwords: frozenset[str], keep_joined: bool = False) -> list[list[str]]:
    """Cut a sentence at stop words that cannot sit inside a phrase, and at words already joined.

    Phrases are learned and applied within these runs, so "we_will" or
    "note_that" are never learned while "prime_minister_of_india" still can
    be (connector words such as "of" stay inside runs). A word that already
    holds the delimiter ``_`` (a curated expression, joined in pass 1) is no
    part of a run: gensim keeps word and pair counts in one dict keyed by the
    joined form, so a curated ``head_of_state`` would be read as the count of
    the pair ("head", "state") and learned again with an NPMI above 1.

    Parameters
    ----------
    words : list of str
        A sentence's lemmas.
    stopwords : frozenset of str
        :func:`stopword_set`; those that are not gensim connector words break runs.
    keep_joined : bool, default False
        Give each joined word back as a run of its own (to apply phrases and
        keep it), instead of leaving it out (to learn phrases).

    Returns
    -------
    list of list of str
        The runs, in order; stop words that break runs are left out.
    """
    breaks = _run_breakers(stopwords)
    runs: list[list[str]] = [[]]
    for w in words:
        if w in breaks or "_" in w:
            if runs[-1]:
                runs.append([])
            if "_" in w and keep_joined:
                runs[-1].append(w)
                runs.append([])
        else:
            runs[-1].append(w)
    return [r for r in runs if r]


@functools.lru_cache(maxsize=8)
def _run_breakers(stopwords: frozenset[str]) -> frozenset[str]:
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS

    return stopwords - ENGLISH_CONNECTOR_WORDS


def make_segments(analysed: dict, cfg: dict, phrases, stopwords: frozenset[str],
                  phrase_counts: Counter | None = None) -> list[dict]:
    """Pass 2 for one document: segments with their model tokens.

    Parameters
    ----------
    analysed : dict
        The document as :func:`analyse_document` gives it.
    cfg : dict
        The ``preprocess`` group.
    phrases : gensim.models.phrases.FrozenPhrases or None
        Learned collocations to join (None: none).
    stopwords : frozenset of str
        :func:`stopword_set`.
    phrase_counts : Counter, optional
        When given, every learned phrase joined in the document is counted in it
        (the counts of ``phrases.csv``).

    Returns
    -------
    list of dict
        The document's segments, in order.
    """
    paragraphs = []
    for para in analysed["paragraphs"]:
        sents = []
        for raw, words, toks in para:
            if phrases is not None:
                # A run of one word holds no pair to join: gensim would give it back as it is.
                words = [t for run in phrase_runs(words, stopwords, keep_joined=True)
                         for t in (run if len(run) < 2 else phrases[run])]
                if phrase_counts is not None:
                    phrase_counts.update(t for t in words if "_" in t and t in phrases.phrasegrams)
            sents.append((raw, filter_tokens(words, stopwords, cfg["min_token_length"], cfg["numbers"]), toks))
        paragraphs.append(sents)
    segments = []
    for pos, group in enumerate(group_sentences(paragraphs, cfg["unit"], cfg["window"], cfg["max_sentences"])):
        segments.append(
            {
                "id": f"{analysed['id']}#{pos:04d}",
                "doc_id": analysed["id"],
                "position": pos,
                "date": analysed["date"],
                "sentences": [raw for raw, _, _ in group],
                "tokens": [t for _, toks, _ in group for t in toks],
                SENTENCE_TOKENS: [toks for _, _, toks in group],  # written apart, to sentence_tokens.jsonl
            }
        )
    return segments


# ------------------------------------------------------------------ the stage
#: gensim's own bound on the phrase counts (``Phrases(max_vocab_size=...)``): beyond it gensim prunes.
PHRASES_MAX_VOCAB = 40_000_000


def _phrase_options(cfg: dict) -> dict:
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS

    pc = cfg["phrases"]
    return {"min_count": pc["min_count"], "threshold": pc["threshold"], "scoring": pc["scoring"],
            "connector_words": ENGLISH_CONNECTOR_WORDS, "delimiter": "_"}


def _analyse_partition(settings: tuple, lines: list[str]) -> tuple[list[str], tuple | None]:
    """Pass 1 for a partition of corpus lines: the scratch lines, and the partition's phrase counts.

    The counts are those gensim ``Phrases`` collects (words and word pairs of
    every phrase run, and the words seen), from gensim itself; None when
    phrases are off.
    """
    lemmatize, lowercase, curated, stopwords, options = settings
    out, runs = [], []
    for line in lines:
        analysed = analyse_document(json.loads(line), lemmatize, lowercase, curated)
        out.append(dumps(analysed))
        if options is not None:
            runs.extend(run for para in analysed["paragraphs"] for sentence in para
                        for run in phrase_runs(sentence[1], stopwords))
    if options is None:
        return out, None
    from gensim.models.phrases import Phrases

    # Never pruned here: whether gensim would prune depends on the whole corpus' counts (PhraseCounts).
    model = Phrases(runs, max_vocab_size=sys.maxsize, **options)
    return out, (model.vocab, model.corpus_word_count)


def _sentences_of(path: Path, stopwords: frozenset[str]) -> Iterator[list[str]]:
    for doc in read_jsonl(path):
        for para in doc["paragraphs"]:
            for sentence in para:
                yield from phrase_runs(sentence[1], stopwords)


class PhraseCounts:
    """gensim ``Phrases`` counts added up partition by partition, in corpus order.

    gensim counts every word and word pair of the runs in one dict; the sum of
    the partitions' dicts, added in corpus order, is that dict, its keys in the
    same first-seen order, unless gensim had to prune: it does when the dict
    grows beyond ``max_vocab`` entries, and its counts then depend on where
    pruning struck. Unpruned, the dict only grows, so gensim prunes exactly
    when the sum ends up beyond ``max_vocab``; then :meth:`model` returns None
    and the caller learns sequentially, as gensim does.
    """

    def __init__(self, max_vocab: int = PHRASES_MAX_VOCAB):
        self.max_vocab = max_vocab
        self.vocab: dict[str, int] = {}
        self.words = 0
        self.pruned = False

    def add(self, part: tuple[dict, int]) -> None:
        """Add one partition's ``(vocab, corpus_word_count)``, unpruned."""
        vocab, words = part
        self.words += words
        if self.pruned:
            return
        mine = self.vocab
        get = mine.get
        for key, count in vocab.items():
            mine[key] = get(key, 0) + count
        if len(mine) > self.max_vocab:
            self.pruned, self.vocab = True, {}

    def model(self, options: dict):
        """The ``Phrases`` model these counts make, or None when gensim would have pruned."""
        if self.pruned:
            return None
        from gensim.models.phrases import Phrases

        model = Phrases(None, max_vocab_size=self.max_vocab, **options)
        model.vocab, model.corpus_word_count = self.vocab, self.words
        return model


def learn_phrases(scratch: Path, cfg: dict, stopwords: frozenset[str], counts: PhraseCounts | None = None):
    """Frozen gensim ``Phrases`` from the counts of pass 1, or learned over the scratch file; None when disabled.

    Parameters
    ----------
    scratch : Path
        Pass 1's output: read only when ``counts`` is missing or pruned.
    cfg : dict
        The ``preprocess`` group.
    stopwords : frozenset of str
        :func:`stopword_set`.
    counts : PhraseCounts, optional
        The partitions' counts.

    Returns
    -------
    gensim.models.phrases.FrozenPhrases or None
    """
    if not cfg["phrases"]["enabled"]:
        return None
    options = _phrase_options(cfg)
    model = counts.model(options) if counts is not None else None
    if model is None:
        from gensim.models.phrases import Phrases

        if counts is not None:
            log.info("phrases: more than %d counts; learning them in this process", counts.max_vocab)
        model = Phrases(_sentences_of(scratch, stopwords), max_vocab_size=PHRASES_MAX_VOCAB, **options)
    return model.freeze()


def phrase_table(phrases, counts: Counter) -> list[tuple[str, int, float]]:
    """Rows of ``phrases.csv``: phrase, times joined in the corpus, score; most joined first."""
    if phrases is None:
        return []
    return sorted(((p, counts[p], round(float(score), 4)) for p, score in phrases.phrasegrams.items()),
                  key=lambda r: (-r[1], r[0]))


def _segments_partition(shared: tuple, lines: list[str]) -> tuple[list[tuple], Counter, set]:
    """Pass 2 for a partition of scratch lines.

    Returns one ``(kind, doc id, detail)`` per document, ``kind`` being
    ``"not_scored"`` (detail: the reason), ``"empty"`` (None) or
    ``"segments"`` (the segment lines, the sentence-token lines and the
    number of tokens); the phrases joined; and the distinct tokens written.
    """
    cfg, phrases, stopwords = shared
    docs, phrase_counts, vocab = [], Counter(), set()
    for line in lines:
        analysed = json.loads(line)
        if analysed.get("not_scored"):
            docs.append(("not_scored", analysed["id"], analysed["not_scored"]))
            continue
        segments = make_segments(analysed, cfg, phrases, stopwords, phrase_counts)
        doc_tokens = sum(len(s["tokens"]) for s in segments)
        if doc_tokens == 0:
            docs.append(("empty", analysed["id"], None))
            continue
        seg_lines, token_lines = [], []
        for seg in segments:
            token_lines.append(dumps({"id": seg["id"], SENTENCE_TOKENS: seg.pop(SENTENCE_TOKENS)}))
            seg_lines.append(dumps(seg))
            vocab.update(seg["tokens"])
        docs.append(("segments", analysed["id"], (seg_lines, token_lines, doc_tokens)))
    return docs, phrase_counts, vocab


def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: ``paths.corpus`` in, ``segments``, ``sentence_tokens``, ``phrases`` and ``preprocess_metrics`` out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads
        ``preprocess``, and ``executor`` for both passes when present (absent: this process only).
        The outputs are the same bytes either way.
    paths : Paths
        The file contract under the workspace root.

    Returns
    -------
    dict
        The metrics written to ``paths.preprocess_metrics``.
    """
    cfg, executor = groups["preprocess"], groups.get("executor")
    in_corpus, out_segments = paths.corpus, paths.segments
    paths.require("corpus")
    show = progress_enabled()
    scratch = out_segments.parent / f".{out_segments.name}.pass1"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    stop = stopword_set(cfg)
    size = (executor or X.IN_PROCESS)["partition_size"]
    try:
        # Pass 1
        log.info("pass 1: sentences, tokens and lemmas (%s)", X.describe(executor))
        learning = cfg["phrases"]["enabled"]
        settings = (cfg["lemmatize"], cfg["lowercase"], tuple(cfg["phrases"]["curated"]), stop,
                    _phrase_options(cfg) if learning else None)
        counts = PhraseCounts(PHRASES_MAX_VOCAB) if learning else None
        n_docs = 0
        with open(scratch, "w", encoding="utf-8") as fh, \
                tqdm(desc="preprocess 1/2", unit="doc", disable=not show) as bar:
            for out, part in X.map_partitions(_analyse_partition, X.chunked(jsonl_lines(in_corpus), size), executor,
                                              settings):
                fh.writelines(line + "\n" for line in out)
                if counts is not None:
                    counts.add(part)
                n_docs += len(out)
                bar.update(len(out))
        log.info("pass 1 done: %d documents", n_docs)

        phrases = learn_phrases(scratch, cfg, stop, counts)
        del counts  # the counts are in the frozen model's scores now; free them before pass 2 forks
        log.info("phrases: %d learned collocations, %d curated expressions",
                 0 if phrases is None else len(phrases.phrasegrams), len(cfg["phrases"]["curated"]))

        # Pass 2
        log.info("pass 2: phrases and segments (%s)", X.describe(executor))
        joined: Counter = Counter()
        vocab: set = set()
        n_segments = n_tokens = empty_docs = 0
        with atomic_open(out_segments) as out, atomic_open(paths.sentence_tokens) as out_tokens, \
                tqdm(total=n_docs, desc="preprocess 2/2", unit="doc", disable=not show) as bar:
            for docs, part_joined, part_vocab in X.map_partitions(
                    _segments_partition, X.chunked(jsonl_lines(scratch), size), executor, (cfg, phrases, stop)):
                joined.update(part_joined)
                vocab |= part_vocab
                bar.update(len(docs))
                for kind, doc_id, detail in docs:
                    if kind == "not_scored":
                        log.warning("%s: not scored: %s (see ingest's warning); document left out", doc_id, detail)
                    elif kind == "empty":
                        empty_docs += 1
                        log.warning("%s: no usable tokens after filtering; document left out", doc_id)
                    else:
                        seg_lines, token_lines, doc_tokens = detail
                        for seg_line, token_line in zip(seg_lines, token_lines):
                            out_tokens.write(token_line + "\n")
                            out.write(seg_line + "\n")
                        n_segments += len(seg_lines)
                        n_tokens += doc_tokens
            if n_segments == 0:  # inside the block: no output is left behind
                raise UserError(f"{in_corpus}: no document has usable tokens after preprocessing")
    finally:
        scratch.unlink(missing_ok=True)
    table = phrase_table(phrases, joined)
    write_csv(paths.phrases, ["phrase", "count", "score"], table)
    # Headline numbers only: each key is a column of `dvc exp show`. Documents ingest left
    # unscored are in reports/tables/corpus.csv; tokens per segment follows from two of these.
    metrics = {
        "documents_without_tokens": empty_docs,
        "segments": n_segments,
        "tokens": n_tokens,
        "vocabulary": len(vocab),
        "phrases_learned": len(table),
    }
    write_json(paths.preprocess_metrics, metrics)
    log.info("wrote %d segments, %d tokens, vocabulary %d", n_segments, n_tokens, len(vocab))
    return metrics
