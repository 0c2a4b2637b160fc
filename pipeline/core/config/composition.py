"""Composing ``conf/`` with Hydra into what ``params.yaml`` holds, as DVC does for ``dvc exp run``.

Hydra's own message for an override of a key that does not exist
(``lda.nope=1``: "Could not override 'lda.nope'. To append to your config use
+lda.nope=1", then a traceback under ``dvc exp run``) names neither the value
nor the keys that do exist. :func:`install` makes Hydra's override step check
every plain override first and raise :func:`unknown_key_message` instead. It
is installed by :func:`compose` (``python -m pipeline``, ``python -m
pipeline.core.config``) and, for ``dvc exp run``, by the Hydra plugin module that
DVC's plugin discovery imports before DVC composes
(``conf/hydra/plugins/hydra_plugins/pipeline_overrides.py``, named by
``hydra.plugins_path`` in ``.dvc/config``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from ..errors import UserError
from .params import CONF_DIR


def compose(overrides: Sequence[str] = (), conf_dir: str | os.PathLike = CONF_DIR) -> dict:
    """Compose ``conf/config.yaml`` with Hydra, as DVC does for ``dvc exp run``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    install()  # an unknown key gets our one line with the keys that exist, as under dvc exp run
    check_words(overrides)
    try:
        with initialize_config_dir(config_dir=str(Path(conf_dir).resolve()), version_base=None):
            cfg = hydra_compose(config_name="config", overrides=list(overrides))
        return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]
    except (HydraException, OmegaConfBaseException) as exc:
        raise UserError(f"composing {conf_dir}/: {str(exc).splitlines()[0]}") from None


def check_words(overrides: Sequence[str]) -> None:
    """Every word has the form of an override (``key=value``, ``~key``).

    Hydra's lexer names neither the problem nor the form ("LexerNoViableAltException: --bogus").

    Raises
    ------
    UserError
        Naming the first word that is no override and the forms an override takes.
    """
    for o in overrides:
        if "=" not in o and not o.startswith("~"):
            raise UserError(f"{o!r} is not an override: write key=value (e.g. corpus=kremlin, lda.passes=10, "
                            f"'themes=[sanctions,ukraine]'), +key=value to add a key, ~key to delete one")


def _node_keys(node: Any) -> list[str] | None:
    from omegaconf import DictConfig

    return sorted(str(k) for k in node.keys() if k != "hydra") if isinstance(node, DictConfig) else None


def missing_key(cfg: Any, key: str) -> tuple[str, list[str] | None] | None:
    """The first part of dotted ``key`` that ``cfg`` lacks, with the keys of its parent; None when all exist.

    Parameters
    ----------
    cfg : omegaconf.DictConfig
        The composed configuration (its ``hydra`` node is left out of the keys).
    key : str
        A dotted key such as ``lda.dictionary.no_below``.

    Returns
    -------
    (str, list of str or None) or None
        The dotted prefix that does not exist and the keys its parent has
        (None when the parent is not a mapping); None when ``key`` exists,
        whatever its value (``null`` included).
    """
    from omegaconf import DictConfig

    node, done = cfg, []
    for part in key.split("."):
        if not isinstance(node, DictConfig) or part not in node:
            return ".".join(done + [part]), _node_keys(node)
        done.append(part)
        node = node._get_node(part)
    return None


def unknown_key_message(key: str, value: str, missing: str, keys: list[str] | None) -> str:
    """One line for an override of a key ``conf/`` does not set.

    ``lda.nope = 1 is not allowed: 'lda' has no key 'nope' in conf/ (its keys there: ...); to set a key
    conf/ leaves out (python -m pipeline.config options lists them), write +lda.nope=1``: a misspelt
    key is then refused by the stages, an optional one is set.
    """
    parent, _, leaf = missing.rpartition(".")
    where = f"'{parent}'" if parent else "the configuration"
    what = "key" if parent else "group"
    known = f" (its keys there: {', '.join(keys)})" if keys else ""
    return (f"{key} = {value} is not allowed: {where} has no {what} '{leaf}' in conf/{known}; to set a key "
            f"conf/ leaves out (python -m pipeline.config options lists them), write +{key}={value}")


def missing_option_message(path: str, options: Sequence[str] | None, message: str) -> str:
    """One line for a config group choice with no file: ``preprocess = sentence is not allowed: ...``.

    Hydra's own message spreads the options over lines and adds its search
    path; cut to its first line (as a one-line error must be) it loses them.

    Parameters
    ----------
    path : str
        The missing config, ``group/choice``.
    options : sequence of str or None
        The group's options (None or empty: Hydra's first line is kept).
    message : str
        Hydra's message.
    """
    group, _, choice = path.rpartition("/")
    if not group or not options:
        return message.strip().splitlines()[0]
    return f"{group} = {choice} is not allowed: no such option of '{group}' (options: {', '.join(options)})"


def is_path_key(key: str) -> bool:
    """Whether an override's key names a file or folder (``corpus.path``, ``*.dir``, ``*_file``, ...)."""
    return key.lstrip("+~").split(".")[-1] in ("path", "dir", "file") or key.endswith(("_path", "_dir", "_file"))


def existing_key_message(key: str, value: str) -> str:
    """One line for ``+key=value`` where ``conf/`` sets ``key`` to a value (Hydra: "Could not append to config").

    As Hydra, only for a key whose value is not null and a value that is no dict or list (those merge).
    """
    return (f"+{key}={value} is not allowed: '+' adds a key conf/ leaves out, and {key} is set there; "
            f"write {key}={value} to change it")


def install() -> None:
    """Make Hydra's composition errors one line that says what is allowed.

    A plain override of a key that does not exist raises
    :func:`unknown_key_message`, ``+key=value`` of a key that exists
    :func:`existing_key_message`, a group choice with no file
    :func:`missing_option_message`, and an absolute path that does not exist
    (``corpus.path=/data/nope.csv``) names it. Idempotent. Overrides with
    ``++`` or ``~`` are left to Hydra.
    """
    from hydra._internal import defaults_list
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.errors import ConfigCompositionException, MissingConfigException

    original = ConfigLoaderImpl._apply_overrides_to_config
    if getattr(original, "_pipeline", False):
        return

    def apply(overrides, cfg) -> None:
        from omegaconf import OmegaConf

        for o in overrides:
            if o.package is not None or o.is_force_add() or o.is_delete():
                continue
            found = missing_key(cfg, o.key_or_group)
            # Hydra's own rule: + merges into a null key or with a dict or list value, else it refuses.
            if (o.is_add() and found is None and OmegaConf.select(cfg, o.key_or_group, throw_on_missing=False)
                    is not None and not isinstance(o.value(), (dict, list))):
                raise ConfigCompositionException(existing_key_message(o.key_or_group, o.get_value_element_as_str()))
            if not o.is_add() and found is not None:
                raise ConfigCompositionException(
                    unknown_key_message(o.key_or_group, o.get_value_element_as_str(), *found))
            # Only an absolute path: a relative one depends on where the stages run, which Hydra does not know.
            value = o.value()
            if (is_path_key(o.key_or_group) and not o.key_or_group.startswith("hydra") and isinstance(value, str)
                    and Path(value).is_absolute() and not Path(value).exists()):
                raise ConfigCompositionException(f"{o.key_or_group} = {value!r}: no such file or folder")
        original(overrides, cfg)

    not_found = defaults_list.config_not_found_error

    def config_not_found(repo, tree) -> None:
        try:
            not_found(repo=repo, tree=tree)
        except MissingConfigException as exc:
            raise MissingConfigException(missing_option_message(exc.missing_cfg_file or "", exc.options, str(exc)),
                                         missing_cfg_file=exc.missing_cfg_file, options=exc.options) from None

    apply._pipeline = True  # type: ignore[attr-defined]
    ConfigLoaderImpl._apply_overrides_to_config = staticmethod(apply)
    defaults_list.config_not_found_error = config_not_found
