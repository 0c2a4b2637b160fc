"""Which schema checks which config group, for validating a whole composition at once.

Every stage entry (``python -m pipeline.<stage>``, what ``dvc repro`` and
``dvc exp run`` call) checks every group of ``params.yaml`` before it does any
work (:func:`load_checked`), and the Hydra app checks every value of a sweep
up front with the same code: a typo in a theme file stops the first stage
that runs, not the fifth. The lexicon files ``params.yaml`` selects (the
themes, the stance rules' words: :mod:`pipeline.core.config.lexicons`) are read
and checked with the ``themes`` and ``stance`` groups. Each stage still depends in ``dvc.yaml`` only on the
parameters it uses, so checking costs no re-runs; its code dependencies
include the schema modules of :mod:`pipeline.core.schema`, kept apart from the
stages' code so that they are all it adds.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from .config import group, lexicons, load_params
from .schema import corpus, executor, lda, preprocess, report, stance, themes, tfidf

#: A validator: (params, source, lexicons) -> the validated group. ``lexicons`` is what
#: :func:`pipeline.core.config.lexicons.read` returns; only ``stance`` and ``themes`` read it.
Validator = Callable[[Mapping, str, Mapping], dict]


def _schema(group_name: str, module) -> Validator:
    def check(params: Mapping, source: str, lexicon: Mapping) -> dict:
        return group(params, group_name, module.SCHEMA, source)

    return check


def _stance(params: Mapping, source: str, lexicon: Mapping) -> dict:
    return stance.validate(group(params, "stance", stance.SCHEMA, source), lexicon["stance"], source)


def _themes(params: Mapping, source: str, lexicon: Mapping) -> dict:
    return themes.validate_themes(lexicon["themes"], source)


#: config group -> its validator (the same code the owning stage ran inside before)
VALIDATORS: dict[str, Validator] = {
    "corpus": _schema("corpus", corpus),
    "preprocess": _schema("preprocess", preprocess),
    "tfidf": _schema("tfidf", tfidf),
    "lda": _schema("lda", lda),
    "stance": _stance,
    "themes": _themes,
    "report": _schema("report", report),
    "executor": _schema("executor", executor),
}


def validate_params(params: Mapping, source: str = "params.yaml", root: str | Path = ".",
                    lexicon: Mapping | None = None) -> dict:
    """Validate every group of ``params`` and the lexicon files it selects; return the validated groups by name.

    Checks across groups follow: ``report.group_by`` must name a column that
    ``corpus`` keeps, so a misspelt column fails before ingestion, not after
    the whole chain has run.

    Parameters
    ----------
    params : Mapping
        The whole of ``params.yaml``.
    source : str
        The file named in error messages.
    root : path
        The workspace root the lexicon files are read under (a stage's working folder).
    lexicon : Mapping, optional
        The lexicons already read (:func:`pipeline.core.config.lexicons.read`), e.g. edited
        by a test; None reads them from ``root``.

    Returns
    -------
    dict
        Group name -> the validated (normalised) group; ``themes`` maps each selected
        theme's name to its validated file, ``stance`` holds the rules' words and
        ``polarity.overrides`` of ``lexicon/stance.yaml``.
    """
    if lexicon is None:
        lexicon = lexicons.read(params, root, source)
    groups = {name: check(params, source, lexicon) for name, check in VALIDATORS.items()}
    cfg = groups["corpus"]
    columns = [*cfg["columns"]["meta"], *(corpus.INGEST_META if cfg["boilerplate"]["enabled"] else ())]
    report.check_column(groups["report"]["group_by"], columns, source=source, listed=cfg["columns"]["meta"])
    return groups


def load_checked(path) -> dict:
    """``params.yaml`` read and every group validated (:func:`validate_params`).

    Parameters
    ----------
    path : path
        ``params.yaml``.

    Returns
    -------
    dict
        Group name -> the validated group: what every stage's ``run`` takes.

    Raises
    ------
    UserError
        On the first group with a value or key its stage would reject, naming
        the key, the value and what is allowed.
    """
    return validate_params(load_params(path), str(path))
