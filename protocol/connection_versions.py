"""Version negotiation on the client end: the highest version both the broker and the client
speak, per API, from the broker's ApiVersions ranges.

The client's range per API is Samsa's schema range (``protocol/schema``), raised where the
client needs a feature the oldest versions lack (record batches v2 for Produce, null topic
lists for Metadata, …). The broker's range comes from its ApiVersions response.

Samsa's private APIs (``protocol.extensions``) are negotiated the same way: a Samsa broker
lists them to a Samsa client, other brokers never do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from protocol.extensions import PRIVATE_API_KEYS
from protocol.messages import REQUESTS, ApiVersionsRequest, ApiVersionsResponse, api_name

__all__ = [
    "API_VERSIONS_FALLBACK",
    "CLIENT_MAX_VERSIONS",
    "CLIENT_MIN_VERSIONS",
    "UNSUPPORTED_VERSION",
    "VersionTable",
    "api_versions_retry_version",
]

#: Lowest version the client uses per API key, where that is above the schema's minimum.
CLIENT_MIN_VERSIONS: Final[Mapping[int, int]] = {
    0: 3,  # Produce: v3 is the first with record batches v2 (and transactional id)
    3: 1,  # Metadata: v1 is the first where a null topic list means "all topics"
    2: 1,  # ListOffsets: v1 answers one offset per partition (v0 a list)
    8: 2,  # OffsetCommit: v2 is the first with the retention field Samsa's schema starts at
}

#: Highest version the client uses per API key, where that is below the schema's maximum.
CLIENT_MAX_VERSIONS: Final[Mapping[int, int]] = {
    9: 7,  # OffsetFetch: the client sends the one-group form (v8+ batches groups)
}

UNSUPPORTED_VERSION: Final = 35

#: The ApiVersions version every broker answers: the one to ask at when the broker's answer
#: names no ApiVersions range.
API_VERSIONS_FALLBACK: Final = 0


def api_versions_retry_version(response: ApiVersionsResponse, asked_version: int) -> int | None:
    """The ApiVersions version to ask again at, or None when ``response`` is final.

    A broker that does not know ``asked_version`` answers UNSUPPORTED_VERSION with a v0 body
    listing its ranges; the client then asks at the highest ApiVersions version it offers
    (Kafka's downgrade rule). The caller asks again once: a second UNSUPPORTED_VERSION is final.
    """
    if response.error_code != UNSUPPORTED_VERSION:
        return None
    offered = {k.api_key: k.max_version for k in response.api_keys}
    version = min(asked_version, offered.get(ApiVersionsRequest.API_KEY, API_VERSIONS_FALLBACK))
    return max(version, ApiVersionsRequest.MIN_VERSION)


class VersionTable:
    """The versions one broker offers, and the choice of version per request."""

    __slots__ = ("_chosen", "_ranges")

    def __init__(self, ranges: Mapping[int, tuple[int, int]]) -> None:
        self._ranges = dict(ranges)
        self._chosen: dict[int, int | None] = {}

    @classmethod
    def from_response(cls, response: ApiVersionsResponse) -> VersionTable:
        """The table of a successful ApiVersions response."""
        return cls({k.api_key: (k.min_version, k.max_version) for k in response.api_keys})

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
            high = min(
                cls.MAX_VERSION, CLIENT_MAX_VERSIONS.get(api_key, cls.MAX_VERSION), theirs[1]
            )
            if low <= high:
                chosen = high
        self._chosen[api_key] = chosen
        return chosen

    def supports(self, api_key: int) -> bool:
        """True when some version of the API is usable."""
        return self.pick(api_key) is not None

    def unsupported_reason(self, api_key: int, address: str = "") -> str:
        """Why no version of ``api_key`` is usable, naming both ranges."""
        cls = REQUESTS.get(api_key)
        ours = (
            f"{max(cls.MIN_VERSION, CLIENT_MIN_VERSIONS.get(api_key, 0))}-{cls.MAX_VERSION}"
            if cls is not None
            else "none"
        )
        theirs = self._ranges.get(api_key)
        offered = f"{theirs[0]}-{theirs[1]}" if theirs else "no version"
        where = f" at {address}" if address else ""
        private = (
            " (a Samsa extension: only Samsa brokers offer it)"
            if api_key in PRIVATE_API_KEYS
            else ""
        )
        return (
            f"the broker{where} offers {api_name(api_key)} {offered}; this client speaks {ours}"
            f"{private}"
        )
