"""Key and value serializers and deserializers.

A serializer turns what the application passes to ``send`` into ``bytes`` (or ``None``, which
stays a null key or value); a deserializer does the reverse for records the consumer returns.
The options ``key_serializer``/``value_serializer`` (and ``…_deserializer``) take a callable,
one of the names ``"bytes"``, ``"str"`` or ``"json"``, or a pydantic model class (serialized
with ``model_dump_json``, parsed with ``model_validate_json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeAlias

from pydantic import BaseModel, ValidationError

from client.errors import SerializationError

__all__ = [
    "Deserializer",
    "Serializer",
    "resolve_deserializer",
    "resolve_serializer",
]

Serializer: TypeAlias = Callable[[Any], bytes | None]
"""Turns an application object into record bytes (``None`` stays null)."""

Deserializer: TypeAlias = Callable[[bytes | None], Any]
"""Turns record bytes (or ``None``) into an application object."""

SERIALIZER_NAMES = ("bytes", "str", "json")


def _bytes_out(value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise SerializationError(
        f"expected bytes (or set a serializer), got {type(value).__name__}: {value!r:.80}"
    )


def _str_out(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    raise SerializationError(f"the str serializer needs a str, got {type(value).__name__}")


def _json_out(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump_json().encode()
    try:
        return json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError) as exc:
        raise SerializationError(f"value is not JSON-serializable: {exc}") from exc


def _bytes_in(data: bytes | None) -> Any:
    return data


def _str_in(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError as exc:
        raise SerializationError(f"record bytes are not UTF-8: {exc}") from exc


def _json_in(data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError as exc:
        raise SerializationError(f"record bytes are not JSON: {exc}") from exc


def _model_out(model: type[BaseModel]) -> Serializer:
    def serialize(value: Any) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, model):
            return value.model_dump_json().encode()
        if isinstance(value, dict):
            try:
                return model.model_validate(value).model_dump_json().encode()
            except ValidationError as exc:
                raise SerializationError(f"not a valid {model.__name__}: {exc}") from exc
        raise SerializationError(
            f"expected a {model.__name__} (or a dict of its fields), got {type(value).__name__}"
        )

    serialize.__name__ = f"serialize_{model.__name__}"
    return serialize


def _model_in(model: type[BaseModel]) -> Deserializer:
    def deserialize(data: bytes | None) -> Any:
        if data is None:
            return None
        try:
            return model.model_validate_json(data)
        except ValidationError as exc:
            raise SerializationError(f"record is not a valid {model.__name__}: {exc}") from exc

    deserialize.__name__ = f"deserialize_{model.__name__}"
    return deserialize


_OUT: dict[str, Serializer] = {"bytes": _bytes_out, "str": _str_out, "json": _json_out}
_IN: dict[str, Deserializer] = {"bytes": _bytes_in, "str": _str_in, "json": _json_in}


def _is_model_class(spec: object) -> bool:
    return isinstance(spec, type) and issubclass(spec, BaseModel)


def resolve_serializer(spec: object) -> Serializer | None:
    """A serializer from an option value; ``None`` (and ``"bytes"``) mean bytes as given.

    ``None`` is returned for plain bytes so that the producer's hot path can skip the call.
    """
    if spec is None or spec == "bytes":
        return None
    if isinstance(spec, str):
        if spec not in _OUT:
            raise ValueError(f"unknown serializer {spec!r}; use one of {SERIALIZER_NAMES}")
        return _OUT[spec]
    if _is_model_class(spec):
        return _model_out(spec)  # type: ignore[arg-type]
    if callable(spec):
        return spec
    raise TypeError(
        f"a serializer is a callable, one of {SERIALIZER_NAMES} or a pydantic model class, "
        f"not {type(spec).__name__} {spec!r:.60}"
    )


def resolve_deserializer(spec: object) -> Deserializer | None:
    """A deserializer from an option value; ``None`` (and ``"bytes"``) mean bytes as stored."""
    if spec is None or spec == "bytes":
        return None
    if isinstance(spec, str):
        if spec not in _IN:
            raise ValueError(f"unknown deserializer {spec!r}; use one of {SERIALIZER_NAMES}")
        return _IN[spec]
    if _is_model_class(spec):
        return _model_in(spec)  # type: ignore[arg-type]
    if callable(spec):
        return spec
    raise TypeError(
        f"a deserializer is a callable, one of {SERIALIZER_NAMES} or a pydantic model class, "
        f"not {type(spec).__name__} {spec!r:.60}"
    )


def check_bytes(value: Any, what: str) -> bytes | None:
    """``value`` as bytes for the wire: bytes-like or None, else a SerializationError."""
    if value is None or type(value) is bytes:
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise SerializationError(
        f"the {what} must be bytes or None (or configure a {what}_serializer), "
        f"got {type(value).__name__}"
    )
