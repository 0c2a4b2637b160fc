"""The field types a stage states its config group with, and the one-line error they raise.

A wrong value or unknown key becomes one :class:`~pipeline.errors.UserError`
line naming the key, the value and what is allowed (:func:`fail`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..errors import UserError


class Field:
    """Base of the validators; ``check`` returns the (possibly normalised) value."""

    default: Any = None
    required: bool = True

    def check(self, key: str, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def allowed(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def fail(key: str, value: Any, allowed: str) -> UserError:
    """The one-line error for a value a key does not allow.

    Parameters
    ----------
    key : str
        The dotted key, e.g. ``lda.passes``.
    value : Any
        The value found.
    allowed : str
        What the key allows, said so a user can fix the value.

    Returns
    -------
    UserError
        To be raised by the caller: ``key = value is not allowed: allowed``.
    """
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
            raise fail(key, value, self.allowed())
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise fail(key, value, self.allowed())
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
            raise fail(key, value, self.allowed())
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise fail(key, value, self.allowed())
        return float(value)


@dataclass
class Bool(Field):
    required: bool = True

    def allowed(self) -> str:
        return "true or false"

    def check(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise fail(key, value, self.allowed())
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
            raise fail(key, value, self.allowed())
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
            raise fail(key, value, self.allowed())
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
        raise fail(key, value, self.allowed())


@dataclass
class Section(Field):
    """A mapping with a fixed set of keys; unknown keys are errors."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    required: bool = True

    def allowed(self) -> str:
        return "a mapping with keys: " + ", ".join(self.fields)

    def check(self, key: str, value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise fail(key, value, self.allowed())
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
            raise fail(key, value, self.allowed())
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
