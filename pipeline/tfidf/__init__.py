"""Stage ``tfidf``: TF-IDF vectors, top terms, keyness and document similarity."""
from .stage import SCHEMA, UnitTokens, cosine, fit, group_rows, keyness, run, save_npz, top_terms

__all__ = ["SCHEMA", "cosine", "fit", "group_rows", "keyness", "run", "save_npz", "top_terms", "UnitTokens"]
