"""The ``stance_eval`` stage: every gold file of ``stance.validation`` scored, labelled by its role.

A figure on a ``development`` file (one the lexicons were written or tuned
on) says how well the rules fit what they were made from; only a
``held-out`` file, coded from the analysed corpus and never used to tune,
says how far the scores can be trusted on it (van Atteveldt, van der Velden
and Boukes 2021, "The Validity of Sentiment Analysis", *Communication Methods
and Measures* 15(2)). The report headlines held-out figures only.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

from ..core.errors import UserError
from ..core.io import write_csv, write_json, write_text
from ..core.paths import Paths
from .evaluate import RESAMPLES, SEED, TABLE_HEADER, flat_metrics, table_rows
from .model import Scorer
from .stage import evaluation_markdown, run_evaluate

log = logging.getLogger("stance")

#: Columns of ``stance_eval.csv``: the file and its role, then :data:`evaluate.TABLE_HEADER`.
HEADER = ["file", "role"] + TABLE_HEADER

#: The figures of one gold file that name no theme (:func:`evaluate.flat_metrics`), in ``stance_eval_files.csv``.
FILE_METRICS = ["n"] + [f"{prefix}{key}{ci}" for prefix in ("", "baseline_", "majority_baseline_")
                        for key in ("stance_macro_f1", "mean_theme_stance_macro_f1")
                        for ci in ("", "_ci_low", "_ci_high")] + [
    "stance_alpha", "baseline_stance_alpha", "majority_baseline_stance_alpha", "relevance_f1",
    "margin_over_baseline", "mean_theme_margin_over_majority_baseline"]
#: Columns of ``stance_eval_files.csv``: one row per gold file of ``stance.validation``.
FILE_HEADER = ["name", "role", "file"] + FILE_METRICS

#: ``stance_eval.json``: per role, the first file's headline figures. Stable names (no file or
#: theme names), so ``dvc exp show`` has the same few columns whatever the gold files are called.
HEADLINE = ("stance_macro_f1", "mean_theme_stance_macro_f1", "stance_alpha")
ROLE_KEYS = {"development": "development", "held-out": "held_out"}


def headline(per_file: Mapping[str, dict]) -> dict:
    """The metrics of ``stance_eval.json``: for each role present, the first file's :data:`HEADLINE` figures.

    Parameters
    ----------
    per_file : Mapping
        Gold file name -> its role and :func:`evaluate.flat_metrics`, in ``stance.validation`` order.

    Returns
    -------
    dict
        ``development`` and ``held_out`` (when the role has a file) -> figure -> value.
    """
    out: dict = {}
    for m in per_file.values():
        key = ROLE_KEYS[m["role"]]
        if key not in out:  # the first file of a role is its headline, as the report's
            out[key] = {k: m[k] for k in HEADLINE}
    return {k: out[k] for k in ROLE_KEYS.values() if k in out}


def gold_files(entries: list[dict], root: Path, source: str = "params.yaml") -> list[tuple[dict, Path]]:
    """Each ``stance.validation`` entry with its path under ``root``, all checked before any scoring.

    Raises
    ------
    UserError
        When a listed file does not exist (naming the entry and the path).
    """
    out = []
    for i, entry in enumerate(entries):
        path = Path(entry["file"])
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise UserError(f"{source}: stance.validation[{i}] ({entry['name']}): {entry['file']} not found; "
                            "list gold files that exist (see README, 'Validating stance on your corpus')")
        out.append((entry, path))
    return out


def run(groups: Mapping[str, dict], paths: Paths, source: str = "params.yaml", *, resamples: int = RESAMPLES,
        seed: int = SEED) -> dict:
    """The ``stance_eval`` stage: score every gold file of ``stance.validation``; write metrics per file and one table.

    Parameters
    ----------
    groups : Mapping
        Validated config groups by name (:func:`pipeline.core.stages.load_checked`); reads ``stance``
        (its ``validation`` list: ``name``, ``file``, ``role``, ``source``) and ``themes``.
    paths : Paths
        The file contract; relative gold ``file`` paths are read under ``paths.root``, and
        ``stance_eval_metrics`` (:func:`headline`), ``stance_eval_files`` (one row per file,
        :data:`FILE_HEADER`), ``stance_eval_md`` and ``stance_eval`` (:data:`HEADER`) are written.
    source : str
        The parameters file named in error messages.
    resamples, seed : int
        Of the bootstrap intervals.

    Returns
    -------
    dict
        Per gold file name: its role, file and :func:`evaluate.flat_metrics`.

    Raises
    ------
    UserError
        When a listed file is missing or unreadable, before any scoring.
    """
    entries = groups["stance"]["validation"]
    scorer = Scorer.from_groups(groups["stance"], groups["themes"], corpus=paths.segments,
                                cache_dir=paths.stance_expansion_cache)
    files = gold_files(entries, paths.root, source)
    metrics: dict = {}
    rows: list[list] = []
    parts = [_preamble(entries)]
    for entry, path in files:
        report = run_evaluate(scorer, path, resamples=resamples, seed=seed)
        flat = flat_metrics(report)
        metrics[entry["name"]] = {"role": entry["role"], "file": entry["file"], **flat}
        rows += [[entry["name"], entry["role"], *r] for r in table_rows(report)]
        parts.append(f"## {entry['name']} ({entry['role']})\n\n{entry['source'] or entry['file']}\n\n"
                     + evaluation_markdown(report, entry["file"]).split("\n", 2)[2])
        log.info("%s (%s): stance macro-F1 %.3f, mean per theme %.3f on %d rows", entry["name"], entry["role"],
                 flat["stance_macro_f1"], flat["mean_theme_stance_macro_f1"], flat["n"])
    write_json(paths.stance_eval_metrics, headline(metrics))
    write_csv(paths.stance_eval_files, FILE_HEADER,
              ([name, m["role"], m["file"], *(m[k] for k in FILE_METRICS)] for name, m in metrics.items()))
    write_text(paths.stance_eval_md, "\n\n".join(parts) + "\n")
    write_csv(paths.stance_eval, HEADER, rows)
    return metrics


def _preamble(entries: list[dict]) -> str:
    held = [e["name"] for e in entries if e["role"] == "held-out"]
    if held:
        said = f"Held-out: {', '.join(held)} (coded from the analysed corpus, never used to tune)."
    else:
        said = ("No held-out gold file is configured: every figure below is a development figure, on sentences "
                "the lexicons were written or tuned on, and says nothing about how far the scores hold on the "
                "analysed corpus.")
    return "# Stance validation\n\n" + said + " Roles are set in `stance.validation`."
