"""ApiVersions (v0-4): the versions this broker serves.

Too-new versions never reach this handler: the server answers them with
``protocol.codec.api_versions_fallback`` (UNSUPPORTED_VERSION and a v0 body listing every
range). The response always travels with response header v0 (the codec does that).

Samsa's private APIs (``protocol.extensions``) are listed only when the request (v3+) names
Samsa's client in ``client_software_name``: stock Kafka clients never see them.
"""

from __future__ import annotations

import re
from typing import Final

from broker.handlers.base import BrokerServices, RequestContext, api_handler
from protocol.errors import ErrorCode
from protocol.extensions import PRIVATE_API_KEYS, SAMSA_CLIENT_SOFTWARE_NAME
from protocol.messages import ApiVersionsRequest, ApiVersionsResponse

__all__ = ["HANDLERS", "error_response", "handle_api_versions"]

# Kafka's rule for client_software_name / client_software_version (v3+).
_SOFTWARE: Final = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?")


def _api_keys(services: BrokerServices, private: bool) -> list[ApiVersionsResponse.ApiVersion]:
    """Every served range; Samsa's private APIs only when ``private`` (built once each)."""
    caches = services.caches
    cached = caches.api_versions_private if private else caches.api_versions
    if cached is None:
        cached = [
            ApiVersionsResponse.ApiVersion(api_key=k, min_version=lo, max_version=hi)
            for k, lo, hi in services.api_keys
            if private or k not in PRIVATE_API_KEYS
        ]
        if private:
            caches.api_versions_private = cached
        else:
            caches.api_versions = cached
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


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (api_handler(ApiVersionsRequest, 0, 4, handle_api_versions, error_response),)
