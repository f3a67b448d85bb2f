"""InitProducerId (v0-4): producer ids for idempotent producers.

Without a transactional id, every call gets a fresh producer id at epoch 0 (Kafka does the same
for idempotent producers, also when v3+ names a previous id and epoch). Ids come from blocks the
controller commits to the metadata log, so they never repeat, across restarts too.

Transactions are not supported yet: the transaction APIs are not advertised, and a request
with a transactional id is answered with UNSUPPORTED_VERSION, a non-retriable error — the
client's ``init_transactions()`` fails at once with a clear error instead of retrying until
its timeout (as COORDINATOR_NOT_AVAILABLE would make it).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.base import BrokerServices, RequestContext, api_handler
from protocol.errors import ErrorCode
from protocol.messages import InitProducerIdRequest, InitProducerIdResponse

__all__ = ["HANDLERS", "error_response", "handle_init_producer_id"]


def handle_init_producer_id(
    services: BrokerServices, ctx: RequestContext, request: InitProducerIdRequest
) -> InitProducerIdResponse | Awaitable[InitProducerIdResponse]:
    """A new producer id (at once while the current block lasts)."""
    if request.transactional_id is not None:
        return error_response(request, ctx.version, ErrorCode.UNSUPPORTED_VERSION)
    controller = services.controller
    pid = controller.try_allocate_producer_id()
    if pid is not None:
        return InitProducerIdResponse(error_code=0, producer_id=pid, producer_epoch=0)
    return _allocate(services)


async def _allocate(services: BrokerServices) -> InitProducerIdResponse:
    pid = await services.controller.allocate_producer_id()
    return InitProducerIdResponse(error_code=0, producer_id=pid, producer_epoch=0)


def error_response(
    request: InitProducerIdRequest, version: int, code: ErrorCode
) -> InitProducerIdResponse:
    """No producer id."""
    return InitProducerIdResponse(error_code=code, producer_id=-1, producer_epoch=-1)


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(InitProducerIdRequest, 0, 4, handle_init_producer_id, error_response),
)
