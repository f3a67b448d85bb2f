"""What every API handler shares: the request context, the broker's services, the table entry.

Each handler module declares the APIs it serves as ``HANDLERS``, a tuple of ``api_handler(...)``
entries, each naming its request class (the API key is the class's ``API_KEY``) and the versions
served; ``broker.handlers.build_dispatch_table`` gathers them.

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
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

from broker.config import BrokerConfig
from broker.handlers.recovery_wait import AppendQueue
from broker.metadata.controller_api import ControllerApi
from broker.metadata.image import MetadataDelta, MetadataImage
from broker.replication.manager import ReplicaManager
from broker.replication.purgatory import Purgatory
from broker.security.acl import Authorizer
from broker.security.principal import ANONYMOUS
from broker.storage.manager import LogManager
from broker.telemetry import TopicTraffic
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsResponse, Message, MetadataResponse
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.group.driver import GroupCoordinator
    from broker.txn.driver import TransactionCoordinator

__all__ = [
    "CLOSE_CONNECTION",
    "ApiHandler",
    "BrokerServices",
    "HandlerResult",
    "RequestContext",
    "ResponseCaches",
    "api_handler",
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
    #: Who sent it: ``User:<name>`` from SASL or the TLS client certificate, else ANONYMOUS.
    principal: str = ANONYMOUS
    #: The name of the listener it arrived on (``PLAINTEXT``, ``SASL_SSL``, ``INTERNAL`` …).
    listener: str = ""
    #: The client's IP address (no port): what ACLs' host field is matched against.
    client_host: str = ""

    @property
    def version(self) -> int:
        """The request's API version."""
        return self.header.api_version


_MetadataTopic: TypeAlias = MetadataResponse.MetadataResponseTopic


@dataclass(slots=True)
class ResponseCaches:
    """Response pieces kept between requests because they depend only on what they are built
    from: ApiVersions' served ranges (fixed once the server runs) and Metadata's per-topic
    structs (valid for one metadata image)."""

    #: ApiVersions' ranges without Samsa's private APIs (built at first use).
    api_versions: list[ApiVersionsResponse.ApiVersion] | None = None
    #: ApiVersions' ranges with Samsa's private APIs (built at first use).
    api_versions_private: list[ApiVersionsResponse.ApiVersion] | None = None
    #: The image ``_metadata_topics`` describes.
    _metadata_image: MetadataImage | None = field(default=None, init=False)
    _metadata_topics: dict[str, _MetadataTopic] = field(default_factory=dict, init=False)

    def metadata_topics(self, image: MetadataImage) -> dict[str, _MetadataTopic]:
        """Metadata's per-topic structs by name for ``image`` (emptied when the image is not
        the one they were built from)."""
        if self._metadata_image is not image:
            self._metadata_image = image
            self._metadata_topics = {}
        return self._metadata_topics


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class BrokerServices:
    """The layers below the handlers, shared by all of them."""

    config: BrokerConfig
    cluster_id: str
    controller: ControllerApi
    replica_manager: ReplicaManager
    log_manager: LogManager
    fetch_purgatory: Purgatory[TopicPartition]
    #: The group coordinator (None in tests that build services without one).
    group_coordinator: GroupCoordinator | None = None
    #: The transaction coordinator (None in tests that build services without one).
    txn_coordinator: TransactionCoordinator | None = None
    advertised_host: str = "127.0.0.1"
    advertised_port: int = 0
    clock_ms: Callable[[], int] = _wall_clock_ms
    #: ``(api_key, min_version, max_version)`` of every API served, for ApiVersions.
    api_keys: list[tuple[int, int, int]] = field(default_factory=list)
    #: Response pieces the handlers keep between requests.
    caches: ResponseCaches = field(default_factory=ResponseCaches)
    #: What Metadata advertises per listener name: ``(host, port)`` (after binding).
    advertised_endpoints: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: Bytes and records in and out per topic (Produce and Fetch count them; ``/metrics``).
    traffic: TopicTraffic = field(default_factory=TopicTraffic)
    #: Produces in arrival order while some wait for their partitions' recovery.
    append_queue: AppendQueue = field(default_factory=AppendQueue)
    _authorizer: Authorizer | None = field(default=None, init=False)
    _authorizer_acls: object = field(default=None, init=False)

    @property
    def authorizer(self) -> Authorizer | None:
        """The authorizer of the current image's ACLs (None: authorization is off)."""
        return self.authorizer_for_image()

    def authorizer_for_image(self) -> Authorizer | None:
        """The authorizer for the current image's ACLs, built again only when the image's
        ACL mapping is another object (its decision cache lives as long as the ACL set);
        None unless ``authorizer.class.name`` is set."""
        config = self.config
        if not config.authorizer_enabled:
            return None
        acls = self.image.acls
        authorizer = self._authorizer
        if authorizer is None or acls is not self._authorizer_acls:
            authorizer = Authorizer(
                acls.values(),
                config.super_user_set,
                config.allow_everyone_if_no_acl_found,
            )
            self._authorizer = authorizer
            self._authorizer_acls = acls
        return authorizer

    @property
    def node_id(self) -> int:
        """This broker's id."""
        return self.config.node_id

    def forget_deleted_topics(self, image: MetadataImage, delta: MetadataDelta) -> None:
        """A metadata listener: deleted topics' traffic counters go (their series too)."""
        for topic in delta.deleted_topics.values():
            if topic.name not in image.topics_by_name:
                self.traffic.forget(topic.name)

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

    Declared with ``api_handler``, which takes the key from the request class. The optional
    hooks let the server treat every API alike: ``expects_no_response(request)``
    says a request gets no response (Produce with acks=0), so that a handler failure closes
    the connection instead of answering, as Kafka does; ``release_response(response)`` gives
    back what a response holds (Fetch: file slices), once it is written or dropped, and makes
    the server read such record sets into the write before releasing them.
    """

    api_key: int
    min_version: int
    max_version: int
    handle: Handle
    error_response: ErrorResponse
    expects_no_response: Callable[[Any], bool] | None = None
    release_response: Callable[[Any], None] | None = None


_Request = TypeVar("_Request", bound=Message)


def api_handler(
    request: type[_Request],
    min_version: int,
    max_version: int,
    handle: Callable[[BrokerServices, RequestContext, _Request], HandlerResult],
    error_response: Callable[[_Request, int, ErrorCode], Message],
    **fields: Any,
) -> ApiHandler:
    """The dispatch-table entry serving ``request`` (its API key is ``request.API_KEY``) at
    ``min_version``..``max_version`` (the range ApiVersions advertises); ``fields`` are further
    ``ApiHandler`` fields by name."""
    return ApiHandler(request.API_KEY, min_version, max_version, handle, error_response, **fields)
