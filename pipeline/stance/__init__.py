"""Stage ``stance``: per-theme salience and lexicon-based stance, with evidence and validation."""
from .evaluate import evaluate, macro_f1, metrics, prf
from .model import Scorer
from .rules import SCHEMA
from .stage import run, run_evaluate, score_document
from .themes import validate_theme, validate_themes

__all__ = ["SCHEMA", "Scorer", "evaluate", "macro_f1", "metrics", "prf", "run", "run_evaluate", "score_document",
           "validate_theme", "validate_themes"]
