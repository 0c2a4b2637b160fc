"""The language of each document, from a model shipped inside a package.

``py3langid`` (a maintained fork of langid.py) carries its naive Bayes model
in its wheel, so nothing is downloaded. Its guesses on a sentence or two are
unsure (a short English line can come out as Latin), so another language is
only recorded when the model is confident, or when most letters are in
another script than the expected language's: a document the model is unsure
of is never kept out of the analysis.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..core.schema.corpus import SUPPORTED, SUPPORTED_NOTE  # noqa: F401  (re-exported)

CONFIDENT = 0.9
SAMPLE_CHARS = 1000  # the model is linear in the text; a page of it is plenty
MIN_LETTERS = 3
_LATIN_SCRIPT = {"en"}


@dataclass(frozen=True)
class Language:
    """``code`` (ISO 639-1, or None when undetermined) and the model's probability of its best guess."""

    code: str | None
    probability: float


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _latin_share(letters: list[str]) -> float:
    # Basic Latin to Latin Extended-B (U+024F): English, French, Polish, ... but not Cyrillic or Greek.
    return sum(1 for c in letters if c <= "\u024f") / len(letters)


def identify(text: str, expected: str = "en") -> Language:
    """The language of ``text``, or None when it cannot be told.

    Parameters
    ----------
    text : str
        The document (title and body).
    expected : str
        ``corpus.language``: the language a document is taken to be in
        unless the model is confident it is not.

    Returns
    -------
    Language
        ``expected`` when the model's best guess is it; another code when the
        model gives it at least :data:`CONFIDENT`, or when most letters are
        in another script; None (undetermined) otherwise.
    """
    sample = text[:SAMPLE_CHARS]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return Language(None, 0.0)
    code, probability = _identifier().classify(sample)
    probability = round(float(probability), 3)
    if code == expected or probability >= CONFIDENT:
        return Language(code, probability)
    if expected in _LATIN_SCRIPT and _latin_share(letters) < 0.5:
        return Language(code, probability)
    return Language(None, probability)
