"""Exact and near-duplicate paragraphs across documents.

News sites republish each other (seeds 002 and 003 report the same meeting),
and repeated paragraphs inflate whatever topic or stance they carry. Exact
copies are found by a hash of the normalised text; near copies by MinHash
over word n-grams with an LSH index (``datasketch``), so the cost stays
linear in the number of paragraphs. Agencies rewrite and re-translate the
same statement, so the default compares sets of single words (n = 1): two
renderings of one quote share about half their words, unrelated paragraphs of
the seed corpus at most a quarter.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.hashfunc import sha1_hash32

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    """A paragraph (or, with ``paragraph`` None, a whole document) that copies an earlier one."""

    doc_id: str
    paragraph: int | None
    of_doc: str
    of_paragraph: int | None
    kind: str  # "exact" or "near"; "exact document" or "near document"
    similarity: float


class ParagraphIndex:
    """Remembers paragraphs of earlier documents and finds copies of them.

    Parameters
    ----------
    threshold : float
        Estimated Jaccard similarity of word n-gram sets above which two
        paragraphs are near-duplicates.
    shingle : int
        n of the word n-grams compared.
    min_words : int
        Shorter paragraphs (headings, captions) are never compared: two
        articles may share a heading by chance.
    num_perm : int
        MinHash permutations; more is more precise and uses more memory.
    seed : int
        MinHash seed; fixed so the table is the same on every run.
    """

    def __init__(self, threshold: float = 0.45, shingle: int = 1, min_words: int = 12, num_perm: int = 128,
                 seed: int = 1):
        self.threshold = threshold
        self.shingle = shingle
        self.min_words = min_words
        self.num_perm = num_perm
        self.seed = seed
        self._exact: dict[str, tuple[str, int]] = {}
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sketches: dict[str, LeanMinHash] = {}
        self._template = MinHash(num_perm=num_perm, seed=seed)

    def _sketch(self, words: list[str]) -> LeanMinHash:
        m = self._template.copy()
        m.update_batch(sorted(s.encode() for s in shingles(words, self.shingle)))
        return LeanMinHash(m)

    def check_document(self, doc_id: str, paragraphs: list[str]) -> list[Duplicate]:
        """Compare one document against all earlier ones, then remember it.

        Paragraphs of the same document are not compared with each other.
        """
        found: list[Duplicate] = []
        pending: list[tuple[str, str, LeanMinHash, int]] = []
        for i, para in enumerate(paragraphs):
            words = _WORDS.findall(para.lower())
            if len(words) < self.min_words:
                continue
            digest = hashlib.sha1(" ".join(words).encode()).hexdigest()
            if digest in self._exact:
                of_doc, of_par = self._exact[digest]
                found.append(Duplicate(doc_id, i, of_doc, of_par, "exact", 1.0))
                continue
            sketch = self._sketch(words)
            best: tuple[float, str] | None = None
            for key in self._lsh.query(sketch):
                sim = float(sketch.jaccard(self._sketches[key]))
                if sim >= self.threshold and (best is None or (sim, key) > best):
                    best = (sim, key)
            if best is not None:
                of_doc, of_par = best[1].rsplit("\x1f", 1)
                found.append(Duplicate(doc_id, i, of_doc, int(of_par), "near", round(best[0], 3)))
                continue
            pending.append((digest, f"{doc_id}\x1f{i}", sketch, i))
        for digest, key, sketch, i in pending:
            self._exact.setdefault(digest, (doc_id, i))
            if key not in self._sketches:
                self._lsh.insert(key, sketch)
                self._sketches[key] = sketch
        return found


def shingles(words: list[str], n: int) -> set[str]:
    """The set of word n-grams of ``words``."""
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def shingle_jaccard(a: str, b: str, n: int = 1) -> float:
    """Exact Jaccard of the word n-gram sets of two texts."""
    x, y = shingles(_WORDS.findall(a.lower()), n), shingles(_WORDS.findall(b.lower()), n)
    return float(len(x & y) / len(x | y)) if x | y else 0.0


class DocumentIndex:
    """Remembers earlier documents and finds whole-document copies of them.

    A copy is *exact* when its words are the same (case and punctuation
    aside), *near* when the two word sequences agree in at least
    ``threshold`` of their length (``difflib``'s ratio: 2 x matching words /
    both lengths), as when items differ in a dateline or a few words. Only the
    body is compared: a copy under another headline is still the same text
    counted twice as evidence.

    Parameters
    ----------
    threshold : float
        Word-sequence similarity at or above which a document is a near copy.
    min_words : int
        Shorter documents are only compared for exact copies.
    num_perm : int
        MinHash permutations of the word sets that propose candidates.
    seed : int
        MinHash seed; fixed so the table is the same on every run.

    Notes
    -----
    Candidates come from MinHash LSH of word sets at a Jaccard similarity
    well below what a near copy has, and are confirmed on the word
    sequences, kept as 32-bit word hashes (4 bytes a word) rather than text.
    """

    def __init__(self, threshold: float = 0.9, min_words: int = 12, num_perm: int = 128, seed: int = 1,
                 max_checked: int = 5):
        self.threshold = threshold
        self.min_words = min_words
        self.max_checked = max_checked
        self._exact: dict[str, str] = {}
        # Sequences agreeing in 90% of their words share about 80% of their word set:
        # candidates at 0.6 miss none of them.
        self._lsh = MinHashLSH(threshold=0.6, num_perm=num_perm)
        # Words become numbers once: sequences are compared as arrays of them, and
        # each word is hashed for MinHash once per corpus rather than once per document.
        self._vocab: dict[str, int] = {}
        self._word_hash: list[int] = []
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=self._word_hash.__getitem__)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._hashes = np.zeros((0, num_perm), dtype=np.uint64)
        self._sequences: list[array] = []

    def fingerprint(self, paragraphs: list[str]) -> Fingerprint | None:
        """What :meth:`check` and :meth:`add` need of a document.

        Parameters
        ----------
        paragraphs : list of str
            The document's body.

        Returns
        -------
        Fingerprint or None
            None when the body has no words.
        """
        words = _WORDS.findall(" ".join(paragraphs).lower())
        if not words:
            return None
        digest = hashlib.sha1(" ".join(words).encode()).hexdigest()
        if len(words) < self.min_words or self.threshold >= 1.0:
            return Fingerprint(digest)
        vocab = self._vocab
        for w in set(words).difference(vocab):
            vocab[w] = len(self._word_hash)
            self._word_hash.append(sha1_hash32(w.encode()))
        codes = array("I", [vocab[w] for w in words])
        sketch = self._template.copy()
        sketch.update_batch(sorted(set(codes)))
        return Fingerprint(digest, LeanMinHash(sketch), codes)

    def check(self, doc_id: str, fp: Fingerprint | None) -> Duplicate | None:
        """The earlier document this one copies, if any (it is not remembered).

        Parameters
        ----------
        doc_id : str
            The document's id, for the :class:`Duplicate` returned.
        fp : Fingerprint or None
            From :meth:`fingerprint`.

        Returns
        -------
        Duplicate or None
            With ``paragraph`` None and kind ``"exact document"`` or
            ``"near document"`` (the most similar earlier one).
        """
        if fp is None:
            return None
        if fp.digest in self._exact:
            return Duplicate(doc_id, None, self._exact[fp.digest], None, "exact document", 1.0)
        if fp.sketch is None:
            return None
        rows = np.fromiter((self._row[key] for key in self._lsh.query(fp.sketch)), dtype=np.int64)
        if not len(rows):
            return None
        # Templated items (one form letter, many names) all collide: only the few
        # most similar by their sketches are compared word by word.
        estimate = (self._hashes[rows] == fp.sketch.hashvalues).mean(axis=1)
        best: tuple[float, int] | None = None
        n = len(fp.codes)
        for i in np.lexsort((rows, -estimate))[: self.max_checked]:
            row = int(rows[i])
            other = self._sequences[row]
            # Word sets of near copies overlap by about 0.8 (0.82 at the default 0.9); lengths
            # bound the ratio from above. Both are cheap; building a matcher is not.
            if estimate[i] < 0.65 or 2 * min(n, len(other)) / (n + len(other)) < self.threshold:
                continue
            matcher = SequenceMatcher(None, fp.codes, other, autojunk=False)
            if matcher.quick_ratio() < self.threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= self.threshold and (best is None or ratio > best[0]):
                best = (ratio, row)
        if best is None:
            return None
        return Duplicate(doc_id, None, self._ids[best[1]], None, "near document", round(best[0], 3))

    def add(self, doc_id: str, fp: Fingerprint | None) -> None:
        """Remember a kept document, so later copies of it are found.

        Parameters
        ----------
        doc_id : str
            Its id.
        fp : Fingerprint or None
            From :meth:`fingerprint`.
        """
        if fp is None:
            return
        self._exact.setdefault(fp.digest, doc_id)
        if fp.sketch is not None and doc_id not in self._row:
            self._lsh.insert(doc_id, fp.sketch)
            self._row[doc_id] = len(self._ids)
            self._ids.append(doc_id)
            self._sequences.append(fp.codes)
            if len(self._ids) > len(self._hashes):  # grow by doubling: amortised O(1) per document
                grown = np.zeros((max(64, 2 * len(self._hashes)), self._hashes.shape[1]), dtype=np.uint64)
                grown[: len(self._hashes)] = self._hashes
                self._hashes = grown
            self._hashes[len(self._ids) - 1] = fp.sketch.hashvalues


@dataclass(frozen=True)
class Fingerprint:
    """A document as :class:`DocumentIndex` compares it: a digest, and for near copies a sketch and word codes."""

    digest: str
    sketch: LeanMinHash | None = None
    codes: array | None = None
