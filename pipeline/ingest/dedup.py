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
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash, MinHashLSH

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    doc_id: str
    paragraph: int
    of_doc: str
    of_paragraph: int
    kind: str  # "exact" or "near"
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
