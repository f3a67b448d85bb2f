"""InitProducerId (v0-4): producer ids for idempotent and transactional producers.

Without a transactional id, every call gets a fresh producer id at epoch 0 (Kafka does the same
for idempotent producers, also when v3+ names a previous id and epoch). Ids come from blocks the
controller commits to the metadata log, so they never repeat, across restarts too.

With a transactional id, the transaction coordinator answers (``broker/txn``, when this broker
leads the id's ``__transaction_state`` partition): the id's producer id with its epoch bumped,
a new producer id when the epoch is exhausted, CONCURRENT_TRANSACTIONS while an open
transaction is being aborted (the client retries), and the fencing errors of v3+'s expected
producer id and epoch. Before v4, PRODUCER_FENCED is answered as INVALID_PRODUCER_EPOCH
(Kafka's rule: older clients handle it the same way). An empty transactional id is
INVALID_REQUEST, as in Kafka.

With ACLs on, a transactional id needs WRITE on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an
idempotent producer needs IDEMPOTENT_WRITE on the Cluster or WRITE on some topic (KIP-679;
else CLUSTER_AUTHORIZATION_FAILED).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Final

from broker.handlers.auth import CLUSTER_NAME, allows, allows_any
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import InitProducerIdRequest, InitProducerIdResponse

if TYPE_CHECKING:
    from broker.txn.driver import TransactionCoordinator

__all__ = ["HANDLERS", "PRODUCER_FENCED_SINCE", "error_response", "handle_init_producer_id"]

#: The first InitProducerId version that knows PRODUCER_FENCED.
PRODUCER_FENCED_SINCE: Final = 4


def handle_init_producer_id(
    services: BrokerServices, ctx: RequestContext, request: InitProducerIdRequest
) -> InitProducerIdResponse | Awaitable[InitProducerIdResponse]:
    """A new producer id (at once while the current block lasts), or the transaction
    coordinator's answer for a transactional id."""
    transactional_id = request.transactional_id
    authorizer = services.authorizer_for_image()
    if authorizer is not None:
        if transactional_id is not None:
            if not allows(
                authorizer, ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactional_id
            ):
                code = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                return error_response(request, ctx.version, code)
        elif not (
            allows(
                authorizer, ctx, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, CLUSTER_NAME
            )
            or allows_any(authorizer, ctx, AclOperation.WRITE, ResourceType.TOPIC)
        ):
            return error_response(request, ctx.version, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    if transactional_id is not None:
        if not transactional_id:
            return error_response(request, ctx.version, ErrorCode.INVALID_REQUEST)
        tc = services.txn_coordinator
        if tc is None:
            return error_response(request, ctx.version, ErrorCode.COORDINATOR_NOT_AVAILABLE)
        return _transactional(tc, request, ctx.version)
    controller = services.controller
    pid = controller.try_allocate_producer_id()
    if pid is not None:
        return InitProducerIdResponse(error_code=0, producer_id=pid, producer_epoch=0)
    return _allocate(services)


async def _allocate(services: BrokerServices) -> InitProducerIdResponse:
    pid = await services.controller.allocate_producer_id()
    return InitProducerIdResponse(error_code=0, producer_id=pid, producer_epoch=0)


async def _transactional(
    tc: TransactionCoordinator, request: InitProducerIdRequest, version: int
) -> InitProducerIdResponse:
    assert request.transactional_id is not None
    # Before v3 there is no producer id and epoch to check (the fields read -1).
    answer = await tc.init_producer_id(
        request.transactional_id,
        request.transaction_timeout_ms,
        request.producer_id if version >= 3 else -1,
        request.producer_epoch if version >= 3 else -1,
    )
    if answer.error is not ErrorCode.NONE:
        return error_response(request, version, answer.error)
    return InitProducerIdResponse(
        error_code=0, producer_id=answer.producer_id, producer_epoch=answer.producer_epoch
    )


def error_response(
    request: InitProducerIdRequest, version: int, code: ErrorCode
) -> InitProducerIdResponse:
    """No producer id."""
    if code is ErrorCode.PRODUCER_FENCED and version < PRODUCER_FENCED_SINCE:
        code = ErrorCode.INVALID_PRODUCER_EPOCH
    return InitProducerIdResponse(error_code=code, producer_id=-1, producer_epoch=-1)


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(InitProducerIdRequest, 0, 4, handle_init_producer_id, error_response),
)
