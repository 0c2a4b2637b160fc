"""Stage ``preprocess``: documents in, model-ready segments out.

Two streaming passes over the corpus, so a corpus of any size never has to fit
in memory:

1. Sentence splitting, tokens and lemmas, with curated multi-word expressions
   joined, in partitions of documents on the configured executor
   (:mod:`pipeline.executor`); written, in corpus order, to a scratch file.
2. gensim ``Phrases`` learned from that file joins frequent collocations; stop
   words, short tokens and numbers are filtered; sentences are grouped into
   segments of the configured unit and written out.

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

import logging
from collections import Counter
from pathlib import Path
from typing import Iterator, Mapping

from tqdm import tqdm

from .. import executor as X
from ..core.errors import UserError, progress_enabled
from ..documents import read_documents
from ..core.io import atomic_open, dumps, read_jsonl, write_csv, write_json
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
    nothing. The reason is carried on for the log and the metrics.
    """
    if doc.get("not_scored"):
        return {"id": doc["id"], "date": doc.get("date"), "paragraphs": [], "not_scored": doc["not_scored"]}
    matcher = matcher_for(tuple(curated))
    paragraphs = []
    for para in doc["paragraphs"]:
        sents = []
        for raw, toks in sentences_with_text(para):
            if lemmatize:
                words = [lemma(t) for t in toks if is_word(t)]
            else:
                words = [t.lower() if lowercase else t for t in toks if is_word(t)]
            sents.append([raw, matcher.apply(words), " ".join(toks)])
        if sents:
            paragraphs.append(sents)
    return {"id": doc["id"], "date": doc.get("date"), "paragraphs": paragraphs}


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
    out = []
    for w in words:
        if is_number(w):
            if numbers == "keep":
                out.append(w)
            elif numbers == "token":
                out.append(NUMBER_TOKEN)
            continue
        if w in stopwords or len(w) < min_len or not any(c.isalpha() for c in w):
            continue
        out.append(w)
    return out


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


def phrase_runs(words: list[str], stopwords: frozenset[str]) -> list[list[str]]:
    """Cut a sentence at stop words that cannot sit inside a phrase.

    Phrases are learned and applied within these runs, so "we_will" or
    "note_that" are never learned while "head_of_state" still can be
    (connector words such as "of" stay inside runs).
    """
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS

    runs: list[list[str]] = [[]]
    for w in words:
        if w in stopwords and w not in ENGLISH_CONNECTOR_WORDS:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(w)
    return [r for r in runs if r]


def make_segments(analysed: dict, cfg: dict, phrases, stopwords: frozenset[str]) -> list[dict]:
    """Pass 2 for one document: segments with their model tokens."""
    paragraphs = []
    for para in analysed["paragraphs"]:
        sents = []
        for raw, words, toks in para:
            if phrases is not None:
                words = [t for run in phrase_runs(words, stopwords) for t in phrases[run]]
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
def _analyse_job(settings: tuple, doc: dict) -> dict:
    lemmatize, lowercase, curated = settings
    return analyse_document(doc, lemmatize, lowercase, curated)


def _sentences_of(path: Path, stopwords: frozenset[str]) -> Iterator[list[str]]:
    for doc in read_jsonl(path):
        for para in doc["paragraphs"]:
            for sentence in para:
                yield from phrase_runs(sentence[1], stopwords)


def learn_phrases(scratch: Path, cfg: dict, stopwords: frozenset[str]):
    """gensim Phrases over the scratch file; None when disabled or nothing learned."""
    pc = cfg["phrases"]
    if not pc["enabled"]:
        return None, []
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    model = Phrases(
        _sentences_of(scratch, stopwords),
        min_count=pc["min_count"],
        threshold=pc["threshold"],
        scoring=pc["scoring"],
        connector_words=ENGLISH_CONNECTOR_WORDS,
        delimiter="_",
    )
    frozen = model.freeze()
    counts: Counter = Counter()
    for words in _sentences_of(scratch, stopwords):
        for tok in frozen[words]:
            if "_" in tok and tok in frozen.phrasegrams:
                counts[tok] += 1
    table = sorted(
        ((p, counts[p], round(float(score), 4)) for p, score in frozen.phrasegrams.items()),
        key=lambda r: (-r[1], r[0]),
    )
    return frozen, table


def run(groups: Mapping[str, dict], paths: Paths) -> dict:
    """Run the stage: ``paths.corpus`` in, ``segments``, ``sentence_tokens``, ``phrases`` and ``preprocess_metrics`` out.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads
        ``preprocess``, and ``executor`` for pass 1 when present (absent: this process only).
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
    try:
        # Pass 1
        log.info("pass 1: sentences, tokens and lemmas (%s)", X.describe(executor))
        settings = (cfg["lemmatize"], cfg["lowercase"], tuple(cfg["phrases"]["curated"]))
        n_docs = 0
        with open(scratch, "w", encoding="utf-8") as fh:
            for analysed in tqdm(X.map_items(_analyse_job, read_documents(in_corpus), executor, settings),
                                 desc="preprocess 1/2", unit="doc", disable=not show):
                fh.write(dumps(analysed) + "\n")
                n_docs += 1
        log.info("pass 1 done: %d documents", n_docs)

        stop = stopword_set(cfg)
        phrases, phrase_table = learn_phrases(scratch, cfg, stop)
        log.info("phrases: %d learned collocations, %d curated expressions",
                 len(phrase_table), len(cfg["phrases"]["curated"]))

        # Pass 2
        vocab: Counter = Counter()
        n_segments = n_tokens = empty_docs = not_scored = 0
        with atomic_open(out_segments) as out, atomic_open(paths.sentence_tokens) as out_tokens:
            for analysed in tqdm(read_jsonl(scratch), total=n_docs, desc="preprocess 2/2", unit="doc",
                                 disable=not show):
                if analysed.get("not_scored"):
                    not_scored += 1
                    log.warning("%s: not scored: %s (see ingest's warning); document left out", analysed["id"],
                                analysed["not_scored"])
                    continue
                segments = make_segments(analysed, cfg, phrases, stop)
                doc_tokens = sum(len(s["tokens"]) for s in segments)
                if doc_tokens == 0:
                    empty_docs += 1
                    log.warning("%s: no usable tokens after filtering; document left out", analysed["id"])
                    continue
                for seg in segments:
                    out_tokens.write(dumps({"id": seg["id"], SENTENCE_TOKENS: seg.pop(SENTENCE_TOKENS)}) + "\n")
                    out.write(dumps(seg) + "\n")
                    vocab.update(seg["tokens"])
                n_segments += len(segments)
                n_tokens += doc_tokens
            if n_segments == 0:  # inside the block: no output is left behind
                raise UserError(f"{in_corpus}: no document has usable tokens after preprocessing")
    finally:
        scratch.unlink(missing_ok=True)
    write_csv(paths.phrases, ["phrase", "count", "score"], phrase_table)
    # Headline numbers only: each key is a column of `dvc exp show`. Documents ingest left
    # unscored are in reports/tables/corpus.csv; tokens per segment follows from two of these.
    metrics = {
        "documents_without_tokens": empty_docs,
        "segments": n_segments,
        "tokens": n_tokens,
        "vocabulary": len(vocab),
        "phrases_learned": len(phrase_table),
    }
    write_json(paths.preprocess_metrics, metrics)
    log.info("wrote %d segments, %d tokens, vocabulary %d", n_segments, n_tokens, len(vocab))
    return metrics
