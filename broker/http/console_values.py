"""How the console shows bytes: a record's key, value and header values as
``{"text": str | None, "json": bool, "base64": str}`` (pure).

``text`` is the bytes decoded as UTF-8 (None when they are not valid UTF-8, so binary data is
only ever shown as base64 or hex), ``json`` whether that text parses as JSON; a null key or
value is ``None``.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Final

__all__ = ["MAX_JSON_CHECK_BYTES", "shown"]

#: Texts longer than this are not parsed to say whether they are JSON (a 1 MiB record is
#: parsed at most once per record shown, but a page of them should not cost seconds).
MAX_JSON_CHECK_BYTES: Final = 256 * 1024


def shown(data: bytes | None) -> dict[str, Any] | None:
    """The console's view of ``data`` (None for a null key, value or header value)."""
    if data is None:
        return None
    text: str | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    is_json = False
    if text is not None and text.strip() and len(data) <= MAX_JSON_CHECK_BYTES:
        try:
            json.loads(text)
            is_json = True
        except ValueError:
            is_json = False
    return {"text": text, "json": is_json, "base64": base64.b64encode(data).decode("ascii")}
