"""Stage ``preprocess``: sentences, lemmas, phrases and segments for the models."""
from .stage import SCHEMA, analyse_document, filter_tokens, group_sentences, make_segments, run, stopword_set

__all__ = ["SCHEMA", "analyse_document", "filter_tokens", "group_sentences", "make_segments", "run", "stopword_set"]
