"""The scorer as configured: validated ``stance`` and ``themes`` groups, compiled once."""
from __future__ import annotations

from dataclasses import dataclass

from .. import config as C
from . import rules as R
from .scoring import Scored, Sentence, score_sentence, score_window
from .themes import Theme, compile_theme, validate_themes


@dataclass
class Scorer:
    """Everything needed to score a sentence for every selected theme."""

    cfg: dict
    rules: R.Rules
    lexicon: dict[str, float]
    themes: dict[str, Theme]

    @classmethod
    def from_params(cls, params: dict, source: str = C.PARAMS_FILE) -> "Scorer":
        """Validate ``stance`` and ``themes`` of ``params``; a mistake is one :class:`UserError` line."""
        cfg = R.validate(C.group(params, "stance", R.SCHEMA, source), source)
        if "themes" not in params:
            raise C.UserError(f"{source}: config group 'themes' is missing (known groups: {', '.join(params)})")
        themes = {k: compile_theme(t) for k, t in validate_themes(params["themes"], source).items()}
        lexicon = R.polarity_lexicon(cfg["polarity"]["lexicon"], cfg["polarity"]["overrides"])
        return cls(cfg, R.compile_rules(cfg), lexicon, themes)

    def sentence(self, text: str, theme: str) -> Scored:
        return score_sentence(text, self.themes[theme], self.rules, self.cfg, self.lexicon)

    def window(self, window: list[Sentence], focus: int, theme: str) -> Scored:
        return score_window(window, focus, self.themes[theme], self.rules, self.cfg, self.lexicon)
