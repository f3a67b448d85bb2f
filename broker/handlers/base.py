"""What every API handler shares: the request context, the broker's services, the table entry.

A handler is ``handle(services, ctx, request) -> HandlerResult``: the response message, None
(no response: acks=0), ``CLOSE_CONNECTION``, or an awaitable of one of those when the handler
must wait (group commit, a long-polling fetch, a metadata commit). Handlers that answer at once
return the message directly, so most requests cost no task.

Ordering: the server calls handlers in request order, and a handler runs synchronously up to
its first ``await``. Handlers whose effects must follow request order (Produce appends) do that
work before returning the awaitable.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from broker.config import BrokerConfig
from broker.metadata.controller import Controller
from broker.metadata.image import MetadataImage
from broker.replication.manager import ReplicaManager
from broker.replication.purgatory import Purgatory
from broker.storage.manager import LogManager
from broker.storage.names import TopicPartition
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import Message

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator

__all__ = [
    "CLOSE_CONNECTION",
    "ApiHandler",
    "BrokerServices",
    "HandlerResult",
    "RequestContext",
]


class _CloseConnection:
    """Marker result: close the connection instead of answering (Kafka's answer to a failed
    acks=0 produce)."""

    def __repr__(self) -> str:
        return "CLOSE_CONNECTION"


CLOSE_CONNECTION: Final = _CloseConnection()

Outcome: TypeAlias = Message | _CloseConnection | None
HandlerResult: TypeAlias = Outcome | Awaitable[Outcome]


@dataclass(slots=True)
class RequestContext:
    """Who sent a request and how."""

    header: RequestHeader
    peer: str = ""
    connection_id: int = 0

    @property
    def version(self) -> int:
        """The request's API version."""
        return self.header.api_version


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class BrokerServices:
    """The layers below the handlers, shared by all of them."""

    config: BrokerConfig
    cluster_id: str
    controller: Controller
    replica_manager: ReplicaManager
    log_manager: LogManager
    fetch_purgatory: Purgatory[TopicPartition]
    #: The group coordinator (None in tests that build services without one).
    group_coordinator: GroupCoordinator | None = None
    advertised_host: str = "127.0.0.1"
    advertised_port: int = 0
    clock_ms: Callable[[], int] = _wall_clock_ms
    #: ``(api_key, min_version, max_version)`` of every API served, for ApiVersions.
    api_keys: list[tuple[int, int, int]] = field(default_factory=list)
    #: Per-image caches handlers may keep (e.g. Metadata response pieces).
    caches: dict[str, Any] = field(default_factory=dict)

    @property
    def node_id(self) -> int:
        """This broker's id."""
        return self.config.node_id

    @property
    def image(self) -> MetadataImage:
        """The current metadata image."""
        return self.controller.image


Handle: TypeAlias = Callable[[BrokerServices, RequestContext, Any], HandlerResult]
ErrorResponse: TypeAlias = Callable[[Any, int, ErrorCode], Message]


@dataclass(frozen=True, slots=True)
class ApiHandler:
    """One entry of the dispatch table: the versions advertised and served, the handler, and
    how to build an error response (UNKNOWN_SERVER_ERROR after a handler bug).

    The optional hooks let the server treat every API alike: ``expects_no_response(request)``
    says a request gets no response (Produce with acks=0), so that a handler failure closes
    the connection instead of answering, as Kafka does; ``release_response(response)`` gives
    back what a response holds (Fetch: file slices), once it is written or dropped, and makes
    the server read such record sets into the write before releasing them."""

    api_key: int
    min_version: int
    max_version: int
    handle: Handle
    error_response: ErrorResponse
    expects_no_response: Callable[[Any], bool] | None = None
    release_response: Callable[[Any], None] | None = None
