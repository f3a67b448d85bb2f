"""API version negotiation: the highest version both the broker and this client speak.

The client's range per API is Samsa's schema range (``protocol/schema``), raised where the
client needs a feature the oldest versions lack (record batches v2 for Produce, null topic
lists for Metadata, …). The broker's range comes from its ApiVersions response.

Samsa's private APIs (``protocol.extensions``, e.g. ConditionalProduce for
``send(..., expected_offset=N)``) are negotiated the same way: a Samsa broker lists them to
this client (which names itself in ApiVersions v3+), other brokers never do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from client.errors import UnsupportedFeatureError
from protocol.extensions import PRIVATE_API_KEYS
from protocol.messages import REQUESTS, api_name

__all__ = ["CLIENT_MIN_VERSIONS", "ApiVersionTable"]

#: Lowest version the client uses per API key, where that is above the schema's minimum.
CLIENT_MIN_VERSIONS: Final[Mapping[int, int]] = {
    0: 3,  # Produce: v3 is the first with record batches v2 (and transactional id)
    3: 1,  # Metadata: v1 is the first where a null topic list means "all topics"
    2: 1,  # ListOffsets: v1 answers one offset per partition (v0 a list)
    8: 2,  # OffsetCommit: v2 is the first with the retention field Samsa's schema starts at
}


class ApiVersionTable:
    """The versions one broker offers, and the choice of version per request."""

    __slots__ = ("_address", "_chosen", "_ranges")

    def __init__(self, ranges: Mapping[int, tuple[int, int]], address: str = "") -> None:
        self._ranges = dict(ranges)
        self._address = address
        self._chosen: dict[int, int | None] = {}

    @property
    def ranges(self) -> dict[int, tuple[int, int]]:
        """The broker's (min, max) per API key."""
        return dict(self._ranges)

    def pick(self, api_key: int) -> int | None:
        """The highest version both sides speak, or None."""
        try:
            return self._chosen[api_key]
        except KeyError:
            pass
        chosen: int | None = None
        cls = REQUESTS.get(api_key)
        theirs = self._ranges.get(api_key)
        if cls is not None and theirs is not None:
            low = max(cls.MIN_VERSION, CLIENT_MIN_VERSIONS.get(api_key, 0), theirs[0])
            high = min(cls.MAX_VERSION, theirs[1])
            if low <= high:
                chosen = high
        self._chosen[api_key] = chosen
        return chosen

    def supports(self, api_key: int) -> bool:
        """True when some version of the API is usable."""
        return self.pick(api_key) is not None

    def require(self, api_key: int) -> int:
        """The version to use; ``UnsupportedFeatureError`` naming both ranges if none."""
        version = self.pick(api_key)
        if version is not None:
            return version
        cls = REQUESTS.get(api_key)
        ours = (
            f"{max(cls.MIN_VERSION, CLIENT_MIN_VERSIONS.get(api_key, 0))}-{cls.MAX_VERSION}"
            if cls is not None
            else "none"
        )
        theirs = self._ranges.get(api_key)
        offered = f"{theirs[0]}-{theirs[1]}" if theirs else "no version"
        where = f" at {self._address}" if self._address else ""
        private = (
            " (a Samsa extension: only Samsa brokers offer it)"
            if api_key in PRIVATE_API_KEYS
            else ""
        )
        raise UnsupportedFeatureError(
            f"the broker{where} offers {api_name(api_key)} {offered}; this client speaks {ours}"
            f"{private}"
        )
