"""The field types a stage states its config group with, and the one-line error they raise.

A wrong value or unknown key becomes one :class:`~pipeline.core.errors.UserError`
line naming the key, the value and what is allowed (:func:`fail`).
"""
from __future__ import annotations

import copy
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


def join(key: str, name: str) -> str:
    """The dotted key of ``name`` inside ``key``; an empty ``key`` is the top of a file (``lexicon/stance.yaml``)."""
    return f"{key}.{name}" if key else str(name)


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
    # An empty key is a whole file's content (pipeline/core/config/lexicons.py).
    return UserError(f"{key} = {value!r} is not allowed: {allowed}" if key else
                     f"the content {value!r} is not allowed: {allowed}")


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

    def defaults(self) -> dict:
        """The value of the section when every key is left out; every key must be optional."""
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            raise TypeError(f"a section with required keys ({', '.join(required)}) has no default")
        return {name: copy.deepcopy(spec.default) for name, spec in self.fields.items()}

    def check(self, key: str, value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise fail(key, value, self.allowed())
        unknown = sorted(set(value) - set(self.fields))
        if unknown:
            of = f" of {key}" if key else ""
            raise UserError(
                f"{join(key, unknown[0])} is not a known key (known keys{of}: {', '.join(self.fields)})"
            )
        out = {}
        for name, spec in self.fields.items():
            if name not in value:
                if spec.required:
                    raise UserError(f"{join(key, name)} is missing: expected {spec.allowed()}")
                # A copy: a stage that changes its group must not change the schema's default.
                out[name] = copy.deepcopy(spec.default)
                continue
            out[name] = spec.check(join(key, name), value[name])
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


_FROM_FIELDS = object()


def optional(spec: Field, default: Any = _FROM_FIELDS) -> Field:
    """The same field, but absent means ``default``.

    Parameters
    ----------
    spec : Field
        The field.
    default : Any, optional
        The value when the key is absent. Left out for a :class:`Section` whose
        keys are all optional: the section's keys at their own defaults.

    Returns
    -------
    Field
        ``spec``, no longer required.
    """
    if default is _FROM_FIELDS:
        if not isinstance(spec, Section):
            raise TypeError("optional() needs a default, except for a Section of optional keys")
        default = spec.defaults()
    spec.required = False
    spec.default = default
    return spec


def optional_keys(spec: Field, prefix: str) -> list[tuple[str, Any, str]]:
    """Every key under ``spec`` that a configuration may leave out, with its default and what it allows.

    A section whose keys are all optional is listed key by key, so each row is
    one value a person can set (``+lda.passes=30``).

    Parameters
    ----------
    spec : Field
        A group's schema (or a part of it).
    prefix : str
        The dotted key of ``spec``, e.g. ``lda``.

    Returns
    -------
    list of (str, Any, str)
        ``(key, default, allowed)`` in the schema's order.
    """
    out: list[tuple[str, Any, str]] = []
    if not isinstance(spec, Section):
        return out
    for name, field_ in spec.fields.items():
        key = f"{prefix}.{name}"
        if isinstance(field_, Section) and (field_.required or all(not f.required for f in field_.fields.values())):
            out += optional_keys(field_, key)
        elif not field_.required:
            out.append((key, field_.default, field_.allowed()))
    return out
