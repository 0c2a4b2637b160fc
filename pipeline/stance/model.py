"""The scorer as configured: validated ``stance`` and ``themes`` groups, compiled once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import config as C
from . import expansion as E
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
    expansion: list = field(default_factory=list)  # expansion.Added: the cues stance.expansion added

    @classmethod
    def from_params(cls, params: dict, source: str = C.PARAMS_FILE, corpus: str | Path | None = None,
                    cache_dir: str | Path | None = E.CACHE_DIR) -> "Scorer":
        """Validate ``stance`` and ``themes`` of ``params``; a mistake is one :class:`UserError` line.

        With ``stance.expansion.enabled``, the themes get the cues expanded from
        ``stance.expansion.corpus``, or when that is null from ``corpus`` (the
        stage's segments), or from ``data/processed/segments.jsonl``; results
        are cached in ``cache_dir`` (None: not cached).
        """
        cfg = R.validate(C.group(params, "stance", R.SCHEMA, source), source)
        if "themes" not in params:
            raise C.UserError(f"{source}: config group 'themes' is missing (known groups: {', '.join(params)})")
        raw = validate_themes(params["themes"], source)
        themes = {k: compile_theme(t) for k, t in raw.items()}
        lexicon = R.polarity_lexicon(cfg["polarity"]["lexicon"], cfg["polarity"]["overrides"])
        rules = R.compile_rules(cfg)
        added: list = []
        if cfg["expansion"]["enabled"]:
            path = cfg["expansion"]["corpus"] or corpus or E.DEFAULT_CORPUS
            added = E.expand(themes, raw, rules, cfg, path, cache_dir)
            themes = E.apply(themes, added)
        return cls(cfg, rules, lexicon, themes, added)

    def sentence(self, text: str, theme: str) -> Scored:
        return score_sentence(text, self.themes[theme], self.rules, self.cfg, self.lexicon)

    def window(self, window: list[Sentence], focus: int, theme: str) -> Scored:
        return score_window(window, focus, self.themes[theme], self.rules, self.cfg, self.lexicon)
