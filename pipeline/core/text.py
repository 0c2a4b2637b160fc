"""Sentence splitting, tokenisation and lemmas, shared by every stage that reads text.

syntok splits sentences and tokens in one pass and copes with quotes,
initials and abbreviations ("Mr. J. R. Smith", "St. Petersburg", "i.e.");
simplemma lemmatises from dictionaries shipped inside the package, so nothing
is downloaded at run time.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

import simplemma
from syntok import segmenter

_WORD = re.compile(r"\w", re.UNICODE)
_NUMBER = re.compile(r"^[+-]?\d[\d.,:/-]*(?:st|nd|rd|th|s|%)?$")
_SPACE = re.compile(r"\s+")
# Typographic apostrophes and dashes become ASCII so "we’ll" and "we'll" are one word.
_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


# C0 controls and DEL, but tab, newline and carriage return: they are text's own layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Vertical tab and form feed separate lines (and pages): removing them would join two words.
_LINE_CONTROLS = {"\x0b", "\x0c"}


def strip_controls(text: str) -> tuple[str, Counter]:
    """Remove control characters (NUL, ESC, ...) that no report can show.

    Parameters
    ----------
    text : str
        Decoded text.

    Returns
    -------
    text : str
        ``text`` without C0 control characters and DEL; tab, newline and
        carriage return are kept, vertical tab and form feed become newlines.
    removed : collections.Counter
        How many of each control character were found.
    """
    found = Counter(_CONTROL.findall(text))
    if not found:
        return text, found
    return _CONTROL.sub(lambda m: "\n" if m.group() in _LINE_CONTROLS else "", text), found


def describe_controls(found: Counter) -> str:
    """``"3 control characters removed (U+0000 x2, U+001B x1)"`` for a warning."""
    parts = ", ".join(f"U+{ord(c):04X} x{n}" for c, n in sorted(found.items()))
    total = sum(found.values())
    return f"{total} control character{'s' if total != 1 else ''} removed ({parts})"


def clean_line(text: str) -> str:
    """NFC and single spaces (non-breaking ones included); the words are untouched."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def normalise(text: str) -> str:
    """:func:`clean_line` plus ASCII apostrophes and dashes, for matching."""
    return clean_line(text.translate(_TRANSLATE))


_QUOTE = re.compile(r'["\u201c\u201d\n]')
# Before an opening quote no space is needed after these.
_OPENS_AFTER = frozenset("([{'\"\u2018\u201c/-")


def space_quotes(text: str) -> str:
    """``text`` with a space added where a double quote is glued to words on both sides.

    Text scraped from the web often loses the space at a quotation
    (``in part:"Over these years``, ``things."Putin is to blame``,
    ``the"printing press"or``); syntok then keeps ``part:"Over`` as one token
    and does not end the sentence. Only a quote with no space on either side
    is touched, since a quotation may open in an earlier paragraph and a quote
    with a space beside it already says which side it is on. Curly quotes say
    it themselves (a space before ``\u201c``, after ``\u201d``); a straight
    quote after ``:`` opens a quotation; otherwise it opens when an even
    number of straight quotes precede it on its line (they alternate), else
    it closes (``"We are here,"he said``).

    Parameters
    ----------
    text : str
        Any text; lines are separated by ``\n``.

    Returns
    -------
    str
        The text with at most one space added beside each double quote.
    """
    if '"' not in text and "\u201c" not in text and "\u201d" not in text:
        return text
    out, last, straight = [], 0, 0
    for m in _QUOTE.finditer(text):
        i, q = m.start(), m.group()
        if q == "\n":
            straight = 0
            continue
        if q == '"':
            straight += 1
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if prev.isspace() or nxt.isspace() or prev in _OPENS_AFTER or not (nxt.isalnum() or nxt in "(["):
            continue
        if q == "\u201c" or (q == '"' and (prev == ":" or straight % 2 == 1)):
            out.append(text[last:i] + " ")  # opening: a space before it
            last = i
        else:
            out.append(text[last:i + 1] + " ")  # closing: a space after it
            last = i + 1
    out.append(text[last:])
    return "".join(out)


def split_sentences(text: str) -> list[list[str]]:
    """Split ``text`` into sentences, each a list of token strings.

    Returns the tokens as syntok sees them (punctuation included), so callers
    can rebuild the sentence or filter tokens as they need; quotes that lack
    their space are spaced first (:func:`space_quotes`).
    """
    out: list[list[str]] = []
    for paragraph in segmenter.analyze(space_quotes(text)):
        for sentence in paragraph:
            toks = [t.value for t in sentence]
            if toks:
                out.append(toks)
    return out


def sentences_with_text(text: str) -> list[tuple[str, list[str]]]:
    """Like :func:`split_sentences`, with each sentence's text (quotes spaced as there)."""
    out: list[tuple[str, list[str]]] = []
    for paragraph in segmenter.analyze(space_quotes(text)):
        for sentence in paragraph:
            toks = list(sentence)
            if not toks:
                continue
            raw = "".join(t.spacing + t.value for t in toks).strip()
            out.append((raw, [t.value for t in toks]))
    return out


def is_word(token: str) -> bool:
    return bool(_WORD.search(token))


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


@functools.lru_cache(maxsize=200_000)
def lemma(token: str) -> str:
    """Lower-cased dictionary lemma of one token (cached: vocabularies are small).

    A capitalised word is looked up as written: simplemma's dictionary keeps
    names it knows ("Wales", "Athens", "States") and lemmatises capitalised
    common words ("Sanctions" -> "sanction", "Heads" -> "head"), where the
    lower-cased word would be taken for a plural ("wales" -> "wale"). Words in
    capitals ("SANCTIONS") and of two letters are looked up lower-cased, as are
    all others.

    Parameters
    ----------
    token : str
        One word token as the tokenizer gives it.

    Returns
    -------
    str
        The lemma, lower-cased.
    """
    low = token.lower().translate(_TRANSLATE)
    if not low.isalpha() and "-" not in low and "'" not in low:
        return low
    # Two-letter capitalised tokens are abbreviations more often than names ("Ts" is not tennessine).
    if len(token) > 2 and token[:1].isupper() and not token.isupper():
        return simplemma.lemmatize(token.translate(_TRANSLATE), lang="en").lower()
    return simplemma.lemmatize(low, lang="en").lower()


def lemmas(tokens: list[str]) -> list[str]:
    """Lemmas of the word tokens of a sentence (punctuation dropped)."""
    return [lemma(t) for t in tokens if is_word(t)]


class MweMatcher:
    """Joins curated multi-word expressions, matched on lemmas, into one token.

    ``MweMatcher(["union state", "head of state"]).apply(["the", "union", "state"])``
    gives ``["the", "union_state"]``. The longest expression wins where two overlap.
    """

    def __init__(self, expressions: list[str], joiner: str = "_"):
        self.joiner = joiner
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for expr in expressions:
            seq = tuple(lemma(w) for w in expr.split())
            if len(seq) >= 2:
                self._by_first.setdefault(seq[0], []).append(seq)
        for seqs in self._by_first.values():
            seqs.sort(key=len, reverse=True)

    def apply(self, words: list[str]) -> list[str]:
        if not self._by_first:
            return list(words)
        out: list[str] = []
        i = 0
        while i < len(words):
            for seq in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(seq)]) == seq:
                    out.append(self.joiner.join(seq))
                    i += len(seq)
                    break
            else:
                out.append(words[i])
                i += 1
        return out


@functools.lru_cache(maxsize=64)
def matcher_for(expressions: tuple[str, ...]) -> MweMatcher:
    """One :class:`MweMatcher` per set of expressions, built once per process (a tuple, so it can key the cache).

    Parameters
    ----------
    expressions : tuple of str
        The multi-word expressions, as configured.
    """
    return MweMatcher(list(expressions))


def word_count(text: str) -> int:
    """Words in ``text`` for size tables (not the model's tokens)."""
    return len(re.findall(r"\w+(?:['\u2019-]\w+)*", text))


def excerpt(text: str, chars: int) -> str:
    """``text`` cut to at most ``chars`` characters on a word boundary, with " …" when cut.

    Parameters
    ----------
    text : str
    chars : int
        Longest excerpt kept, before the marker (>= 1).

    Returns
    -------
    str
        ``text`` unchanged when it is short enough; else its words up to ``chars``
        characters (the first ``chars`` characters when the first word is longer) and " …".
    """
    if len(text) <= chars:
        return text
    cut = text[:chars]
    return (cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut).rstrip() + " …"
