"""The optional keys of every config group, with their defaults: the README's table, made from the schemas.

``params.yaml`` holds what a person sets and compares; every other key of a
group may be left out and takes its default from the group's schema
(:mod:`pipeline.core.schema`). ``python -m pipeline.config options`` prints them
as the Markdown table the README shows (``tests/test_config.py`` checks that
the two agree). A key left out can still be set: ``dvc exp run -S
'+lda.stability_seeds=5'``, or by adding it to its file in ``conf/``.
"""
from __future__ import annotations

import json
from typing import Any

import yaml

from ..core.config.fields import optional_keys

#: Where a long default is listed in full.
SCHEMA_FILE = "pipeline/core/schema/{group}.py"
#: Defaults longer than this (in the table's notation) are summarised.
WIDE = 48


def _schemas() -> dict:
    from ..core.schema import corpus, executor, lda, preprocess, report, stance, tfidf

    return {"corpus": corpus.SCHEMA, "preprocess": preprocess.SCHEMA, "tfidf": tfidf.SCHEMA, "lda": lda.SCHEMA,
            "stance": stance.SCHEMA, "report": report.SCHEMA, "executor": executor.SCHEMA}


def notation(value: Any) -> str:
    """A default as YAML writes it in ``conf/``: null, true, 0.5, [a, b], a string as is."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return json.dumps(value)


def _cell(group: str, value: Any) -> str:
    text = notation(value)
    if len(text) > WIDE:
        kind = f"{len(value)} patterns" if isinstance(value, list) else "a mapping"
        return f"{kind} (`{SCHEMA_FILE.format(group=group)}`)"
    if text == "":
        return "`''`"
    return "`" + text.replace("|", "\\|") + "`"


def rows() -> list[tuple[str, str, str]]:
    """(key, default, allowed) of every optional key, group by group in the order of ``params.yaml``'s sections."""
    out = []
    for group, schema in _schemas().items():
        out += [(f"`{key}`", _cell(group, default), allowed.replace("|", "\\|"))
                for key, default, allowed in optional_keys(schema, group)]
    return out


def table() -> str:
    """The Markdown table of :func:`rows`, as the README shows it."""
    lines = ["| key | default | allowed |", "| --- | --- | --- |"]
    lines += [f"| {k} | {d} | {a} |" for k, d, a in rows()]
    return "\n".join(lines) + "\n"
