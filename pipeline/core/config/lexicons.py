"""Reading the lexicon files ``params.yaml`` selects: the theme files and the stance scorer's word lists.

Lexicons are not parameters. A theme holds hundreds of cues, and every leaf of
``params.yaml`` is a column of ``dvc exp show``; so ``params.yaml`` keeps only
the *selection* (``themes: [sanctions, security, ukraine]``) and the files are
read from the workspace (the contract's ``themes_dir`` and ``stance_lexicon``,
:mod:`pipeline.core.paths`). ``dvc.yaml`` lists them as dependencies of the stages
that use them, so editing a cue weight still re-runs ``stance``.

The files live outside ``conf/`` on purpose: a folder ``conf/themes/`` would be
a Hydra config group, and Hydra then reads ``themes=[sanctions,ukraine]`` as a
choice of that group's options (failing with "No match in the defaults list")
instead of as the value of the list.

This module only reads (and says clearly what is missing or unreadable); the
schemas of :mod:`pipeline.core.schema.themes` and :mod:`pipeline.core.schema.stance`
validate what it read.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..errors import UserError
from ..paths import FILES

#: A theme's name: its file's stem, and what ``themes`` lists.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def theme_file(name: str) -> str:
    """The file of theme ``name``, relative to the workspace root (``lexicon/themes/<name>.yaml``)."""
    return f"{FILES['themes_dir']}/{name}.yaml"


def available(root: str | Path = ".") -> list[str]:
    """The themes that have a file under ``root``, by name, sorted."""
    folder = Path(root) / FILES["themes_dir"]
    return sorted(p.stem for p in folder.glob("*.yaml") if NAME.fullmatch(p.stem)) if folder.is_dir() else []


def read_yaml(path: Path, shown: str) -> Any:
    """The YAML content of ``path``; missing or malformed, one :class:`UserError` line naming ``shown``."""
    if not path.is_file():
        raise UserError(f"{shown}: not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{shown}: not valid YAML{where}") from None


def selected_themes(value: Any, root: str | Path = ".", source: str = "params.yaml") -> list[str]:
    """The theme names of ``themes``, each with a file under ``root``.

    Parameters
    ----------
    value : Any
        The ``themes`` value of ``params.yaml``: a list of theme names.
    root : path
        The workspace root.
    source : str
        The parameters file named in messages.

    Returns
    -------
    list of str
        The names, in the order given.

    Raises
    ------
    UserError
        One line naming the key ``themes``, the value and the themes that have a file.
    """
    have = available(root)
    listed = f"themes with a file in {FILES['themes_dir']}/: {', '.join(have) if have else 'none'}"
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise UserError(f"{source}: themes = {value!r} is not allowed: a list of at least one theme name, "
                        f"e.g. 'themes=[sanctions,ukraine]' ({listed})")
    twice = next((v for v in value if value.count(v) > 1), None)
    if twice is not None:
        raise UserError(f"{source}: themes = {value!r} is not allowed: {twice!r} is listed twice")
    for name in value:
        if not NAME.fullmatch(name) or not (Path(root) / theme_file(name)).is_file():
            raise UserError(f"{source}: themes = {value!r} is not allowed: {name!r} has no file "
                            f"{theme_file(name)} ({listed})")
    return list(value)


def check_variant(name: str, raw: Any, root: str | Path = ".") -> None:
    """A theme's ``variant_of`` names an original, not another version (whose gold rows are coded otherwise).

    Gold rows are coded under an original theme's name; a version of a version
    would score rows coded under a name no gold file uses. ``fit`` writes the
    original's name, also when it fits a fitted theme.

    Raises
    ------
    UserError
        Naming the file, the key, its value and the original to write instead
        (the end of the chain of ``variant_of``), or the loop the chain makes.
    """

    def base_of(theme: str, content: Any) -> str | None:
        base = content.get("variant_of") if isinstance(content, Mapping) else None
        return base if isinstance(base, str) and NAME.fullmatch(base) and base != theme else None

    first = base_of(name, raw)
    chain, current = [name], first
    while current is not None and (Path(root) / theme_file(current)).is_file():
        if current in chain:
            raise UserError(f"{theme_file(name)}: variant_of = {first!r} is not allowed: the versions make a loop "
                            f"({' -> '.join(chain + [current])}); name the theme the gold rows are coded under")
        chain.append(current)
        current = base_of(current, read_yaml(Path(root) / theme_file(current), theme_file(current)))
    if len(chain) > 2:
        original = chain[-1]
        raise UserError(f"{theme_file(name)}: variant_of = {first!r} is not allowed: {first!r} is itself a version "
                        f"of {chain[2]!r} ({theme_file(first)}); name the original: variant_of: {original}")


def read(params: Mapping, root: str | Path = ".", source: str = "params.yaml") -> dict:
    """The raw lexicons ``params`` selects: ``{"themes": {name: file content}, "stance": file content}``.

    Parameters
    ----------
    params : Mapping
        The whole of ``params.yaml`` (its ``themes`` list is read).
    root : path
        The workspace root the contract's lexicon paths are under (the stages' working folder).
    source : str
        The parameters file named in messages.

    Raises
    ------
    UserError
        A theme with no file, an unreadable file: one line naming it.
    """
    if "themes" not in params:
        raise UserError(f"{source}: config group 'themes' is missing (known groups: {', '.join(params)})")
    names = selected_themes(params["themes"], root, source)
    themes = {n: read_yaml(Path(root) / theme_file(n), theme_file(n)) for n in names}
    for name, raw in themes.items():
        check_variant(name, raw, root)
    stance = read_yaml(Path(root) / FILES["stance_lexicon"], FILES["stance_lexicon"])
    return {"themes": themes, "stance": stance}
