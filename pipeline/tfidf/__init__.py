"""Stage ``tfidf``: TF-IDF vectors, top terms, keyness and document similarity."""
from .stage import SCHEMA, cosine, fit, group_rows, keyness, run, save_npz, top_terms, units

__all__ = ["SCHEMA", "cosine", "fit", "group_rows", "keyness", "run", "save_npz", "top_terms", "units"]
