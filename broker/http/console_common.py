"""What every console route shares: its error answers, parameter parsing, the keys of what
``setup`` keeps on the application, and the console user's access rules.

Errors are ``{"error": NAME, "message": one line}`` with a 4xx/5xx status: ``ApiError`` raised
by a route, or a Kafka error from the cluster mapped by ``error_for`` (unknown topic or group:
404, authorization: 403, already exists or non-empty group: 409, invalid input: 400, timeouts:
504, anything else the cluster said: 502). No route answers with a traceback.

Access: the console user is ``request[PRINCIPAL_KEY]`` (set by the authentication middleware;
``User:ANONYMOUS`` without one). When the broker's authorizer is on, each route asks it as the
broker's handlers do for a Kafka client of that user, with the same rule for internal topics
(any operation but DESCRIBE also needs ALTER on the cluster).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final, NoReturn

from aiohttp import web
from pydantic import ValidationError

from broker.http.auth import PRINCIPAL_KEY
from broker.http.console_backend import ConsoleBackend, ConsoleBroker
from broker.http.lag_history import LagHistory, LagSampler
from broker.metadata.internal_topics import is_internal_topic
from broker.security.principal import ANONYMOUS
from protocol.acl import CLUSTER_NAME, AclOperation, ResourceType
from protocol.errors import ErrorCode, KafkaError

log = logging.getLogger("samsa.http.console")

__all__ = [
    "BACKEND",
    "BROKER",
    "HISTORY",
    "SAMPLER",
    "Access",
    "ApiError",
    "admin_enabled",
    "api_handler",
    "error_for",
    "fail",
    "image_of",
    "int_param",
    "json_error",
    "ok",
    "topic_name",
]

BROKER: Final = web.AppKey("samsa_console_broker", ConsoleBroker)
BACKEND: Final = web.AppKey("samsa_console_backend", ConsoleBackend)
HISTORY: Final = web.AppKey("samsa_console_lag_history", LagHistory)
SAMPLER: Final = web.AppKey("samsa_console_lag_sampler", LagSampler)

#: An integer parameter: decimal digits with an optional sign (no ``_`` or spaces inside), at
#: most 19 digits (int64).
_INTEGER: Final = re.compile(r"-?[0-9]{1,19}")
#: Longest time one API request may take (its calls to the cluster have deadlines of their
#: own; this bounds a route that makes several).
ROUTE_TIMEOUT_S: Final = 30.0
#: Longest message text in an error answer (Kafka's messages are one line; a hostile topic
#: name echoed back should not make the answer large).
_MAX_MESSAGE_CHARS: Final = 500

_NOT_FOUND: Final = frozenset(
    {ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.UNKNOWN_TOPIC_ID}
)
_CONFLICT: Final = frozenset(
    {ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.NON_EMPTY_GROUP, ErrorCode.UNKNOWN_MEMBER_ID}
)
_FORBIDDEN: Final = frozenset(
    {
        ErrorCode.TOPIC_AUTHORIZATION_FAILED,
        ErrorCode.GROUP_AUTHORIZATION_FAILED,
        ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        ErrorCode.POLICY_VIOLATION,
    }
)
_TIMEOUT: Final = frozenset({ErrorCode.REQUEST_TIMED_OUT})
_UNAVAILABLE: Final = frozenset(
    {
        ErrorCode.NETWORK_EXCEPTION,
        ErrorCode.LEADER_NOT_AVAILABLE,
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.NOT_COORDINATOR,
    }
)


class ApiError(Exception):
    """An error answer: HTTP ``status`` with ``{"error": code, "message": message}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def fail(status: int, code: str, message: str) -> NoReturn:
    raise ApiError(status, code, message)


def error_for(exc: KafkaError) -> ApiError:
    """The answer for a Kafka error met while serving a request."""
    code = exc.code
    if code in _NOT_FOUND:
        status = 404
    elif code in _CONFLICT:
        status = 409
    elif code in _FORBIDDEN:
        status = 403
    elif code in _TIMEOUT:
        status = 504
    elif code in _UNAVAILABLE:
        status = 503
    elif code.name.startswith("INVALID_") or code == ErrorCode.OFFSET_OUT_OF_RANGE:
        status = 400
    else:
        status = 502
    text = exc.message if exc.message is not None else code.description
    return ApiError(status, code.name, text)


def json_error(error: ApiError) -> web.Response:
    message = " ".join(str(error.message).split())[:_MAX_MESSAGE_CHARS]
    return ok({"error": error.code, "message": message}, status=error.status)


def ok(body: Any, *, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def int_param(
    request: web.Request,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """The integer query parameter ``name`` (``default`` when absent); 400 when it is not an
    integer or is out of bounds."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if _INTEGER.fullmatch(text) is None:
        fail(400, "INVALID_REQUEST", f"{name} must be an integer")
    value = int(text, 10)
    if minimum is not None and value < minimum:
        fail(400, "INVALID_REQUEST", f"{name} must be at least {minimum}")
    if maximum is not None and value > maximum:
        fail(400, "INVALID_REQUEST", f"{name} must be at most {maximum}")
    return value


class Access:
    """The console user of one request and what the broker's ACLs let them do."""

    def __init__(self, request: web.Request) -> None:
        broker = request.app[BROKER]
        raw = request.get(PRINCIPAL_KEY)
        self.principal = ANONYMOUS if raw is None else str(raw)
        self.host = request.remote or ""
        services = broker.services
        self._authorizer = None if services is None else services.authorizer_for_image()

    @property
    def user(self) -> str | None:
        """The user's name (None when anonymous)."""
        if self.principal == ANONYMOUS:
            return None
        return self.principal.partition(":")[2] or self.principal

    def allows(self, op: AclOperation, rtype: ResourceType, name: str) -> bool:
        authorizer = self._authorizer
        if authorizer is None:
            return True
        if not authorizer.authorize(self.principal, self.host, op, rtype, name):
            return False
        if rtype == ResourceType.TOPIC and op != AclOperation.DESCRIBE and is_internal_topic(name):
            return authorizer.authorize(
                self.principal, self.host, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME
            )
        return True

    def sees_topic(self, name: str) -> bool:
        return self.allows(AclOperation.DESCRIBE, ResourceType.TOPIC, name)

    def sees_group(self, group_id: str) -> bool:
        return self.allows(AclOperation.DESCRIBE, ResourceType.GROUP, group_id)

    def require_topic(self, op: AclOperation, name: str) -> None:
        """403 TOPIC_AUTHORIZATION_FAILED unless allowed (a topic the user may not describe
        is answered the same way whether or not it exists)."""
        if not self.allows(op, ResourceType.TOPIC, name):
            fail(403, "TOPIC_AUTHORIZATION_FAILED", f"not authorized to {op.name} topic {name!r}")

    def require_group(self, op: AclOperation, group_id: str) -> None:
        if not self.allows(op, ResourceType.GROUP, group_id):
            fail(
                403,
                "GROUP_AUTHORIZATION_FAILED",
                f"not authorized to {op.name} group {group_id!r}",
            )

    def require_create_topic(self, name: str) -> None:
        """Kafka's rule for CreateTopics: CREATE on the cluster or on the topic."""
        if self.allows(AclOperation.CREATE, ResourceType.CLUSTER, CLUSTER_NAME):
            return
        self.require_topic(AclOperation.CREATE, name)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def api_handler(fn: Callable[[web.Request], Awaitable[Any]]) -> Handler:
    """Wrap a route: its result as JSON, errors as the error JSON, never a traceback."""

    @functools.wraps(fn)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            async with asyncio.timeout(ROUTE_TIMEOUT_S):
                result = await fn(request)
        except ApiError as exc:
            return json_error(exc)
        except KafkaError as exc:
            return json_error(error_for(exc))
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {"msg": "invalid", "loc": ()}
            where = ".".join(str(p) for p in first.get("loc", ())) or "body"
            return json_error(ApiError(400, "INVALID_REQUEST", f"{where}: {first['msg']}"))
        except TimeoutError:
            return json_error(ApiError(504, "REQUEST_TIMED_OUT", "the cluster did not answer"))
        except web.HTTPException:
            raise
        except ValueError as exc:  # a console client that cannot be configured
            return json_error(ApiError(503, "CONSOLE_UNAVAILABLE", str(exc)))
        except Exception:
            log.exception("console API %s %s failed", request.method, request.path)
            return json_error(ApiError(500, "UNKNOWN_SERVER_ERROR", "internal error (logged)"))
        if isinstance(result, web.StreamResponse):
            return result
        return ok(result)

    return wrapped


def image_of(request: web.Request) -> Any:
    replicas = request.app[BROKER].replica_manager
    if replicas is None:
        fail(503, "BROKER_NOT_AVAILABLE", "the broker is not running")
    return replicas.image


def admin_enabled(broker: ConsoleBroker) -> bool:
    return broker.config.http_console_admin_enable


def topic_name(request: web.Request, access: Access) -> str:
    """The route's topic: 403 without DESCRIBE on it, 404 when it does not exist."""
    name = request.match_info["name"]
    access.require_topic(AclOperation.DESCRIBE, name)
    if image_of(request).topic(name) is None:
        fail(404, "UNKNOWN_TOPIC_OR_PARTITION", f"no topic {name!r}")
    return name
