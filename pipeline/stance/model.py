"""The scorer as configured: validated ``stance`` and ``themes`` groups, compiled once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core import config as C
from ..core.config import lexicons
from ..core.stages import VALIDATORS
from . import expansion as E
from . import rules as R
from .scoring import Scored, Sentence, score_sentence, score_window
from .themes import Theme, compile_theme


@dataclass
class Scorer:
    """Everything needed to score a sentence for every selected theme."""

    cfg: dict
    rules: R.Rules
    lexicon: dict[str, float]
    themes: dict[str, Theme]
    expansion: list = field(default_factory=list)  # expansion.Added: the cues stance.expansion added

    @classmethod
    def from_groups(cls, cfg: dict, themes_cfg: dict, corpus: str | Path | None = None,
                    cache_dir: str | Path | None = E.CACHE_DIR) -> "Scorer":
        """Compile the validated ``stance`` and ``themes`` groups (:func:`pipeline.core.stages.load_checked`).

        With ``stance.expansion.enabled``, the themes get the cues expanded from
        ``stance.expansion.corpus``, or when that is null from ``corpus`` (the
        stage's segments), or from ``data/processed/segments.jsonl``; results
        are cached in ``cache_dir`` (None: not cached).

        Parameters
        ----------
        cfg, themes_cfg : dict
            The validated ``stance`` and ``themes`` groups.
        corpus : path, optional
            The segments the lexicon adapts to when expansion is on.
        cache_dir : path, optional
            Where expansion results are cached.
        """
        themes = {k: compile_theme(t) for k, t in themes_cfg.items()}
        lexicon = R.polarity_lexicon(cfg["polarity"]["lexicon"], cfg["polarity"]["overrides"])
        rules = R.compile_rules(cfg)
        added: list = []
        if cfg["expansion"]["enabled"]:
            path = cfg["expansion"]["corpus"] or corpus or E.DEFAULT_CORPUS
            added = E.expand(themes, themes_cfg, rules, cfg, path, cache_dir)
            themes = E.apply(themes, added)
        return cls(cfg, rules, lexicon, themes, added)

    @classmethod
    def from_params(cls, params: dict, source: str = C.PARAMS_FILE, corpus: str | Path | None = None,
                    cache_dir: str | Path | None = E.CACHE_DIR, *, root: str | Path = ".",
                    lexicon: dict | None = None) -> "Scorer":
        """Validate ``stance`` and ``themes`` of raw ``params`` and their lexicon files, then :meth:`from_groups`.

        For the commands that are not stages (``evaluate``, ``sample``, ``fit``) and for
        notebooks; a mistake is one :class:`UserError` line.

        Parameters
        ----------
        params : dict
            The whole of ``params.yaml``.
        source : str
            The parameters file named in messages.
        corpus, cache_dir : path, optional
            As for :meth:`from_groups`.
        root : path
            The workspace root the lexicon files are read under.
        lexicon : dict, optional
            The lexicons already read (:func:`pipeline.core.config.lexicons.read`); None reads them.
        """
        if lexicon is None:
            lexicon = lexicons.read(params, root, source)
        cfg = VALIDATORS["stance"](params, source, lexicon)
        return cls.from_groups(cfg, VALIDATORS["themes"](params, source, lexicon), corpus, cache_dir)

    def sentence(self, text: str, theme: str) -> Scored:
        return score_sentence(text, self.themes[theme], self.rules, self.cfg, self.lexicon)

    def window(self, window: list[Sentence], focus: int, theme: str) -> Scored:
        return score_window(window, focus, self.themes[theme], self.rules, self.cfg, self.lexicon)
