"""API version negotiation: the highest version both the broker and this client speak.

The choice itself is the client end's of the sans-IO connection
(``protocol.connection_versions``: Samsa's schema range per API, raised where the client needs a
feature the oldest versions lack, against the broker's ApiVersions ranges). This module adds the
client's error: ``require`` raises ``UnsupportedFeatureError`` naming both ranges.

Samsa's private APIs (``protocol.extensions``, e.g. ConditionalProduce for
``send(..., expected_offset=N)``) are negotiated the same way: a Samsa broker lists them to
this client (which names itself in ApiVersions v3+), other brokers never do.
"""

from __future__ import annotations

from collections.abc import Mapping

from client.errors import UnsupportedFeatureError
from protocol.connection_versions import CLIENT_MIN_VERSIONS, VersionTable
from protocol.messages import ApiVersionsResponse

__all__ = ["CLIENT_MIN_VERSIONS", "ApiVersionTable"]


class ApiVersionTable(VersionTable):
    """The versions one broker offers, and the choice of version per request."""

    __slots__ = ("_address",)

    def __init__(self, ranges: Mapping[int, tuple[int, int]], address: str = "") -> None:
        super().__init__(ranges)
        self._address = address

    @classmethod
    def from_response(
        cls, response: ApiVersionsResponse, address: str = ""
    ) -> ApiVersionTable:
        """The table of a successful ApiVersions response from the broker at ``address``."""
        return cls({k.api_key: (k.min_version, k.max_version) for k in response.api_keys}, address)

    def require(self, api_key: int) -> int:
        """The version to use; ``UnsupportedFeatureError`` naming both ranges if none."""
        version = self.pick(api_key)
        if version is not None:
            return version
        raise UnsupportedFeatureError(self.unsupported_reason(api_key, self._address))
