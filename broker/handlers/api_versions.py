"""ApiVersions (key 18, v0-4): the versions this broker serves.

Too-new versions never reach this handler: the server answers them with
``protocol.codec.api_versions_fallback`` (UNSUPPORTED_VERSION and a v0 body listing every
range). The response always travels with response header v0 (the codec does that).

Samsa's private APIs (``protocol.extensions``) are listed only when the request (v3+) names
Samsa's client in ``client_software_name``: stock Kafka clients never see them.
"""

from __future__ import annotations

import re
from typing import Final

from broker.handlers.base import BrokerServices, RequestContext
from protocol.errors import ErrorCode
from protocol.extensions import PRIVATE_API_KEYS, SAMSA_CLIENT_SOFTWARE_NAME
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse

__all__ = ["error_response", "handle_api_versions"]

# Kafka's rule for client_software_name / client_software_version (v3+).
_SOFTWARE: Final = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?")

_CACHE_KEY: Final = "api_versions"
_CACHE_KEY_PRIVATE: Final = "api_versions_private"


def _api_keys(services: BrokerServices, private: bool) -> list[ApiVersionsResponse.ApiVersion]:
    """Every served range; Samsa's private APIs only when ``private``."""
    key = _CACHE_KEY_PRIVATE if private else _CACHE_KEY
    cached: list[ApiVersionsResponse.ApiVersion] | None = services.caches.get(key)
    if cached is None:
        cached = [
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, lo, hi in services.api_keys
            if private or k not in PRIVATE_API_KEYS
        ]
        services.caches[key] = cached
    return cached


def handle_api_versions(
    services: BrokerServices, ctx: RequestContext, request: ApiVersionsRequest
) -> ApiVersionsResponse:
    """List every API and version range served."""
    if ctx.version >= 3 and not (
        _SOFTWARE.fullmatch(request.client_software_name or "")
        and _SOFTWARE.fullmatch(request.client_software_version or "")
    ):
        return ApiVersionsResponse(error_code=ErrorCode.INVALID_REQUEST, api_keys=[])
    private = ctx.version >= 3 and request.client_software_name == SAMSA_CLIENT_SOFTWARE_NAME
    return ApiVersionsResponse(error_code=0, api_keys=_api_keys(services, private))


def error_response(
    request: ApiVersionsRequest, version: int, code: ErrorCode
) -> ApiVersionsResponse:
    """ApiVersions failed as a whole."""
    return ApiVersionsResponse(error_code=code, api_keys=[])
