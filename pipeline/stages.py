"""Which stage owns which config group, for validating a whole composition at once.

Every stage entry (``python -m pipeline.<stage>``, what ``dvc repro`` and
``dvc exp run`` call) checks every group of ``params.yaml`` before it does any
work (:func:`load_checked`), and the Hydra app checks every value of a sweep
up front with the same code: a typo in a theme file stops the first stage
that runs, not the fifth. Each stage still depends in ``dvc.yaml`` only on the
parameters it uses, so checking costs no re-runs.
"""
from __future__ import annotations

from typing import Callable, Mapping

from .config import group


def _schema(group_name: str, module: str) -> Callable[[Mapping, str], dict]:
    def check(params: Mapping, source: str) -> dict:
        import importlib

        return group(params, group_name, importlib.import_module(module).SCHEMA, source)

    return check


def _stance(params: Mapping, source: str) -> dict:
    from .stance import SCHEMA
    from .stance.rules import validate

    return validate(group(params, "stance", SCHEMA, source), source)


def _themes(params: Mapping, source: str) -> dict:
    from .stance import validate_themes

    return validate_themes(params.get("themes"), source)


#: config group -> its validator (the same code the owning stage runs)
VALIDATORS: dict[str, Callable[[Mapping, str], dict]] = {
    "corpus": _schema("corpus", "pipeline.ingest"),
    "preprocess": _schema("preprocess", "pipeline.preprocess"),
    "tfidf": _schema("tfidf", "pipeline.tfidf"),
    "lda": _schema("lda", "pipeline.topics"),
    "stance": _stance,
    "themes": _themes,
    "report": _schema("report", "pipeline.report"),
    "executor": _schema("executor", "pipeline.executor"),
}


def validate_params(params: Mapping, source: str = "params.yaml") -> dict:
    """Validate every group of ``params``; return the validated groups by name.

    Checks across groups follow: ``report.group_by`` must name a column that
    ``corpus`` keeps, so a misspelt column fails before ingestion, not after
    the whole chain has run.
    """
    from .report.groups import INGEST_META, check_column

    groups = {name: check(params, source) for name, check in VALIDATORS.items()}
    corpus = groups["corpus"]
    columns = [*corpus["columns"]["meta"], *(INGEST_META if corpus["boilerplate"]["enabled"] else ())]
    check_column(groups["report"]["group_by"], columns, source=source)
    return groups


def load_checked(path) -> dict:
    """``params.yaml`` read and every group validated (:func:`validate_params`).

    Raises
    ------
    UserError
        On the first group with a value or key its stage would reject, naming
        the key, the value and what is allowed.
    """
    from .config import load_params

    params = load_params(path)
    validate_params(params, str(path))
    return params
