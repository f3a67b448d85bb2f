"""The declarative schema language for Kafka messages.

One ``Message`` definition serves every version of a request or response: each ``Field`` says
in which versions it exists, in which it may be null, and (for flexible versions) whether it is
a tagged field. ``protocol.schema.generate`` compiles the definitions into straight-line Python
encode/decode functions per (message, version), written to ``protocol/messages/_generated.py``.

Types: ``int8 int16 int32 int64 uint16 uint32 float64 bool uuid string bytes records``, an
array ``[]T`` of any of those, a struct ``Name`` (with ``fields``) or an array of structs
``[]Name`` (with ``fields``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

FIXED_TYPES: Final = {
    "int8": "b",
    "int16": "h",
    "int32": "i",
    "int64": "q",
    "uint16": "H",
    "uint32": "I",
    "float64": "d",
    "bool": "?",
}
PRIMITIVE_TYPES: Final = frozenset({*FIXED_TYPES, "uuid", "string", "bytes", "records"})

# Highest version any range may name: Kafka's versions are int16 but none is near this.
MAX_VERSION: Final = 127


@dataclass(frozen=True)
class Versions:
    """An inclusive version range; ``hi`` is ``MAX_VERSION`` for an open range ``"3+"``."""

    lo: int
    hi: int

    @classmethod
    def parse(cls, text: str | None) -> Versions:
        """Parse ``"3+"``, ``"0-2"``, ``"4"`` or ``"none"``/``None``."""
        if text is None or text == "none":
            return cls(1, 0)
        m = re.fullmatch(r"(\d+)(\+|-(\d+))?", text)
        if not m:
            raise ValueError(f"bad version range {text!r}")
        lo = int(m.group(1))
        if m.group(2) == "+":
            return cls(lo, MAX_VERSION)
        if m.group(3) is not None:
            return cls(lo, int(m.group(3)))
        return cls(lo, lo)

    @property
    def empty(self) -> bool:
        """True for the range that contains no version."""
        return self.lo > self.hi

    def __contains__(self, version: object) -> bool:
        return isinstance(version, int) and self.lo <= version <= self.hi

    def __str__(self) -> str:
        if self.empty:
            return "none"
        if self.hi == MAX_VERSION:
            return f"{self.lo}+"
        return f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"


@dataclass(frozen=True)
class Field:
    """One field of a message or struct."""

    name: str
    type: str
    versions: Versions
    nullable: Versions
    default: Any
    tag: int | None
    tagged: Versions
    fields: tuple[Field, ...] | None

    @property
    def is_array(self) -> bool:
        """True for ``[]T``."""
        return self.type.startswith("[]")

    @property
    def element_type(self) -> str:
        """The element type of an array, or the type itself."""
        return self.type[2:] if self.is_array else self.type

    @property
    def is_struct(self) -> bool:
        """True when the field (or its array element) is a struct."""
        return self.element_type not in PRIMITIVE_TYPES


_NO_DEFAULT: Final = object()


def f(
    name: str,
    type_: str,
    versions: str = "0+",
    *,
    nullable: str | None = None,
    default: Any = _NO_DEFAULT,
    tag: int | None = None,
    tagged: str | None = None,
    fields: list[Field] | tuple[Field, ...] | None = None,
) -> Field:
    """Declare a field; ``default`` is the value when absent (``None`` means null)."""
    element = type_[2:] if type_.startswith("[]") else type_
    if element not in PRIMITIVE_TYPES and fields is None:
        raise ValueError(f"struct field {name!r} of type {type_!r} needs fields")
    if tag is not None and tagged is None:
        tagged = versions
    return Field(
        name=name,
        type=type_,
        versions=Versions.parse(versions),
        nullable=Versions.parse(nullable),
        default=default,
        tag=tag,
        tagged=Versions.parse(tagged),
        fields=tuple(fields) if fields is not None else None,
    )


@dataclass(frozen=True)
class Message:
    """A request or response: its API key, the versions Samsa implements, its fields."""

    name: str
    api_key: int
    kind: str
    versions: Versions
    flexible: Versions
    fields: tuple[Field, ...]
    notes: tuple[str, ...] = field(default=())


def request(
    api_key: int, name: str, versions: str, *, flexible: str = "none", fields: list[Field]
) -> Message:
    """Declare ``<name>Request``."""
    return Message(
        f"{name}Request",
        api_key,
        "request",
        Versions.parse(versions),
        Versions.parse(flexible),
        tuple(fields),
    )


def response(
    api_key: int, name: str, versions: str, *, flexible: str = "none", fields: list[Field]
) -> Message:
    """Declare ``<name>Response``."""
    return Message(
        f"{name}Response",
        api_key,
        "response",
        Versions.parse(versions),
        Versions.parse(flexible),
        tuple(fields),
    )
