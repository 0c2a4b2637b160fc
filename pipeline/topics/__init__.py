"""Stage ``topics``: gensim LDA (or tomotopy), choice of k, stability, reports."""
from .stability import best_match, jaccard_matrix, stability
from .stage import SCHEMA, run

__all__ = ["SCHEMA", "best_match", "jaccard_matrix", "run", "stability"]
