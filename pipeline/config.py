"""Reading and validating ``params.yaml``, and recomposing it from ``conf/``.

``conf/`` is the Hydra tree; ``params.yaml`` is its composition. DVC recomposes
it on ``dvc exp run`` (``hydra.enabled`` in ``.dvc/config``) and ``dvc repro``
reads it as it is. Stages never use ``@hydra.main``: they read ``params.yaml``
and validate only the groups they declare in ``dvc.yaml``, so a typo in
``lda`` never stops ingestion.

Each stage states the shape of its group with the small field types below;
a wrong value or unknown key becomes one :class:`~pipeline.errors.UserError`
line naming the key, the value and what is allowed.

Command line::

    python -m pipeline.config compose [overrides...]   # rewrite params.yaml from conf/
    python -m pipeline.config check                    # exit 1 if params.yaml is stale

    overrides: Hydra overrides applied to conf/ (default: none), e.g.
               corpus=kremlin lda.num_topics=8 'themes=[sanctions,ukraine]'
    -h, --help: this text
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml

from .errors import UserError

PARAMS_FILE = "params.yaml"
CONF_DIR = "conf"


# --------------------------------------------------------------------- fields
class Field:
    """Base of the validators; ``check`` returns the (possibly normalised) value."""

    default: Any = None
    required: bool = True

    def check(self, key: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def allowed(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _fail(key: str, value: Any, allowed: str) -> UserError:
    return UserError(f"{key} = {value!r} is not allowed: {allowed}")


@dataclass
class Int(Field):
    min: int | None = None
    max: int | None = None
    nullable: bool = False
    required: bool = True

    def allowed(self) -> str:
        lo = "" if self.min is None else f" >= {self.min}"
        hi = "" if self.max is None else f" <= {self.max}"
        return f"an integer{lo}{' and' if lo and hi else ''}{hi}" + (" (or null)" if self.nullable else "")

    def check(self, key: str, value: Any) -> int | None:
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(key, value, self.allowed())
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise _fail(key, value, self.allowed())
        return value


@dataclass
class Float(Field):
    min: float | None = None
    max: float | None = None
    required: bool = True

    def allowed(self) -> str:
        lo = "" if self.min is None else f" >= {self.min}"
        hi = "" if self.max is None else f" <= {self.max}"
        return f"a number{lo}{' and' if lo and hi else ''}{hi}"

    def check(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise _fail(key, value, self.allowed())
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise _fail(key, value, self.allowed())
        return float(value)


@dataclass
class Bool(Field):
    required: bool = True

    def allowed(self) -> str:
        return "true or false"

    def check(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _fail(key, value, self.allowed())
        return value


@dataclass
class Str(Field):
    choices: Sequence[str] | None = None
    nullable: bool = False
    required: bool = True
    note: str | None = None  # why the choices are what they are, said with them

    def allowed(self) -> str:
        base = "one of: " + ", ".join(self.choices) if self.choices else "a string"
        return base + (" (or null)" if self.nullable else "") + (f" ({self.note})" if self.note else "")

    def check(self, key: str, value: Any) -> str | None:
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or (self.choices is not None and value not in self.choices):
            raise _fail(key, value, self.allowed())
        return value


@dataclass
class List(Field):
    item: Field = field(default_factory=Str)
    min_len: int = 0
    required: bool = True

    def allowed(self) -> str:
        n = f" of at least {self.min_len}" if self.min_len else ""
        return f"a list{n} of {self.item.allowed()}"

    def check(self, key: str, value: Any) -> list:
        if not isinstance(value, (list, tuple)) or len(value) < self.min_len:
            raise _fail(key, value, self.allowed())
        return [self.item.check(f"{key}[{i}]", v) for i, v in enumerate(value)]


@dataclass
class AnyOf(Field):
    """The first alternative that accepts the value wins."""

    options: Sequence[Field] = ()
    required: bool = True

    def allowed(self) -> str:
        return " or ".join(o.allowed() for o in self.options)

    def check(self, key: str, value: Any) -> Any:
        nested: UserError | None = None
        for option in self.options:
            try:
                return option.check(key, value)
            except UserError as exc:
                # A mapping that fails a Section: its own message names the inner key.
                if isinstance(option, Section) and isinstance(value, Mapping):
                    nested = exc
        if nested is not None:
            raise nested
        raise _fail(key, value, self.allowed())


@dataclass
class Section(Field):
    """A mapping with a fixed set of keys; unknown keys are errors."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    required: bool = True

    def allowed(self) -> str:
        return "a mapping with keys: " + ", ".join(self.fields)

    def check(self, key: str, value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise _fail(key, value, self.allowed())
        unknown = sorted(set(value) - set(self.fields))
        if unknown:
            raise UserError(
                f"{key}.{unknown[0]} is not a known key (known keys of {key}: {', '.join(self.fields)})"
            )
        out = {}
        for name, spec in self.fields.items():
            if name not in value:
                if spec.required:
                    raise UserError(f"{key}.{name} is missing: expected {spec.allowed()}")
                out[name] = spec.default
                continue
            out[name] = spec.check(f"{key}.{name}", value[name])
        return out


@dataclass
class Free(Field):
    """A value checked by a function (for shapes the types above cannot say)."""

    fn: Callable[[str, Any], Any] = lambda k, v: v
    description: str = "any value"
    required: bool = True

    def allowed(self) -> str:
        return self.description

    def check(self, key: str, value: Any) -> Any:
        return self.fn(key, value)


@dataclass
class Regex(Field):
    """A regular expression, compiled to prove it is one."""

    nullable: bool = False
    required: bool = True

    def allowed(self) -> str:
        return "a valid regular expression" + (" (or null)" if self.nullable else "")

    def check(self, key: str, value: Any) -> str | None:
        import re

        if value is None and self.nullable:
            return None
        if not isinstance(value, str):
            raise _fail(key, value, self.allowed())
        try:
            re.compile(value)
        except re.error as exc:
            raise UserError(f"{key} = {value!r} is not a valid regular expression ({exc})") from None
        return value


def optional(spec: Field, default: Any) -> Field:
    """The same field, but absent means ``default``."""
    spec.required = False
    spec.default = default
    return spec


# ------------------------------------------------------------------- loading
def load_params(path: str | os.PathLike = PARAMS_FILE) -> dict:
    """Read ``params.yaml``; a missing or malformed file is a :class:`UserError`."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: parameters file not found (run `python -m pipeline.config compose`)")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{p}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise UserError(f"{p}: expected a mapping of config groups, got {type(data).__name__}")
    return data


def group(params: Mapping, name: str, schema: Section, source: str = PARAMS_FILE) -> dict:
    """Validate and return one config group of ``params``.

    Errors are prefixed with ``source`` so the user knows which file to edit.
    """
    if name not in params:
        raise UserError(f"{source}: config group '{name}' is missing (known groups: {', '.join(params)})")
    try:
        return schema.check(name, params[name])
    except UserError as exc:
        raise UserError(f"{source}: {exc}") from None


# ----------------------------------------------------------------- composing
def compose(overrides: Sequence[str] = (), conf_dir: str | os.PathLike = CONF_DIR) -> dict:
    """Compose ``conf/config.yaml`` with Hydra, as DVC does for ``dvc exp run``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        with initialize_config_dir(config_dir=str(Path(conf_dir).resolve()), version_base=None):
            cfg = hydra_compose(config_name="config", overrides=list(overrides))
        return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]
    except (HydraException, OmegaConfBaseException) as exc:
        raise UserError(f"composing {conf_dir}/: {str(exc).splitlines()[0]}") from None


def dump_params(params: Mapping) -> str:
    return yaml.safe_dump(dict(params), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def _main(argv: list[str]) -> int:
    from .io import write_text

    usage = __doc__.split("Command line::")[1].strip("\n")
    if argv and argv[0] in {"-h", "--help", "help"}:
        # Asked for: the usage on stdout and success; a wrong command still exits 2.
        print("usage:\n" + usage)
        return 0
    if not argv or argv[0] not in {"compose", "check"}:
        print(usage, file=sys.stderr)
        return 2
    composed = compose(argv[1:])
    if argv[0] == "compose":
        write_text(PARAMS_FILE, dump_params(composed))
        print(f"wrote {PARAMS_FILE}", file=sys.stderr)
        return 0
    current = load_params()
    if current != composed:
        print(f"{PARAMS_FILE} differs from the composition of {CONF_DIR}/: run `python -m pipeline.config compose`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    from .errors import run_cli

    run_cli("config", _main)
