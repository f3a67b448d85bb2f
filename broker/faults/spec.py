"""What a test asks a broker to do wrong: ``FaultSpec``, validated, from Python or from JSON.

A spec is data only. The plan (``plan.py``) arms it and decides, request by request, when it
fires; the drivers (the connection, the server's accept loop, the broker's fault control) carry
it out. Every field that takes a number is bounded, so that a spec sent over the admin channel
cannot ask for an unbounded wait or an unbounded count.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any, Final

from protocol.errors import ErrorCode
from protocol.messages import REQUESTS

__all__ = [
    "ACTION_KINDS",
    "MAX_COUNT",
    "MAX_DELAY_MS",
    "MAX_DURATION_MS",
    "REQUEST_KINDS",
    "FaultKind",
    "FaultSpec",
    "FaultSpecError",
    "When",
    "api_key_of",
    "error_code_of",
]

#: Longest injected delay: 5 minutes is longer than any client's request timeout (Kafka's
#: clients default to 30 s), so a longer delay would test nothing a shorter one does not.
MAX_DELAY_MS: Final = 300_000
#: Longest a fault stays armed or a partition paused: one hour covers any soak test; beyond it
#: the fault is more likely forgotten than meant.
MAX_DURATION_MS: Final = 3_600_000
#: Most firings one fault may have: bounded so that a count is never a way to say "forever"
#: (leave ``count`` out with a duration for that).
MAX_COUNT: Final = 1_000_000
#: Most requests a fault may let through before it fires.
MAX_SKIP: Final = 1_000_000
#: Longest client id or topic name a scope may name (Kafka's topic names are at most 249
#: characters; client ids are unbounded in Kafka, but a scope need not be).
MAX_NAME_CHARS: Final = 255


class FaultSpecError(ValueError):
    """A spec that cannot be armed; the message is one line, fit for a CLI or an HTTP 400."""


class FaultKind(enum.StrEnum):
    """What goes wrong."""

    #: Answer matching requests with an error code, before or after the handler ran.
    ERROR = "error"
    #: Hold matching requests' responses back for ``delay_ms``.
    DELAY = "delay"
    #: Close the connection instead of answering (or after half the response).
    DROP = "drop"
    #: Close new connections as soon as they are accepted.
    REFUSE = "refuse"
    #: A partition's log pauses: fetches return nothing, produces wait.
    PAUSE = "pause"
    #: Start a rebalance of a group now.
    REBALANCE = "rebalance"
    #: End a member's session, as if its heartbeats had stopped.
    EXPIRE = "expire"
    #: Move a partition's leadership to another replica (a cluster).
    MOVE_LEADER = "move-leader"
    #: Bump a partition's leader epoch, its leader unchanged.
    BUMP_EPOCH = "bump-epoch"


#: Kinds decided per request by the connection.
REQUEST_KINDS: Final = frozenset({FaultKind.ERROR, FaultKind.DELAY, FaultKind.DROP})
#: Kinds carried out once, when armed, by the broker's fault control.
ACTION_KINDS: Final = frozenset(
    {FaultKind.REBALANCE, FaultKind.EXPIRE, FaultKind.MOVE_LEADER, FaultKind.BUMP_EPOCH}
)


class When(enum.StrEnum):
    """For ERROR faults: whether the request's handler runs first."""

    #: The handler does not run: "the write did not happen".
    BEFORE = "before"
    #: The handler runs (a produce is appended), then its answer is replaced by the error:
    #: "the write happened but the acknowledgement was lost".
    AFTER = "after"


_API_KEYS_BY_NAME: Final = {cls.API_NAME.lower(): key for key, cls in REQUESTS.items()}


def api_key_of(api: str | int) -> int:
    """The API key of a Kafka API name (``Produce``, any case) or number."""
    if isinstance(api, int) and not isinstance(api, bool):
        if api in REQUESTS:
            return api
        raise FaultSpecError(f"unknown API key {api}")
    if isinstance(api, str):
        text = api.strip()
        if text.lstrip("-").isdigit():
            return api_key_of(int(text))
        key = _API_KEYS_BY_NAME.get(text.lower())
        if key is not None:
            return key
    raise FaultSpecError(f"unknown API {api!r} (use Kafka's name, e.g. Produce or Fetch)")


def error_code_of(error: str | int | ErrorCode) -> ErrorCode:
    """A Kafka error code from its name (``NOT_LEADER_OR_FOLLOWER``, any case) or number."""
    if isinstance(error, ErrorCode):
        code = error
    elif isinstance(error, int) and not isinstance(error, bool):
        try:
            code = ErrorCode(error)
        except ValueError:
            raise FaultSpecError(f"unknown error code {error}") from None
    elif isinstance(error, str):
        text = error.strip()
        if text.lstrip("-").isdigit():
            return error_code_of(int(text))
        try:
            code = ErrorCode[text.upper()]
        except KeyError:
            raise FaultSpecError(f"unknown error code {error!r}") from None
    else:
        raise FaultSpecError(f"unknown error code {error!r}")
    if code is ErrorCode.NONE:
        raise FaultSpecError("NONE is not an error to inject")
    return code


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """One fault, as asked for. Build it with ``FaultSpec.create`` (or ``from_json``), which
    checks every field; the fields say:

    * ``api`` (ERROR, DELAY, DROP): the API key it applies to; None: every API;
    * ``topic`` / ``partition``: only requests that name this topic (and partition); for an
      ERROR on Produce or Fetch only that topic's (partition's) entries get the error;
    * ``client_id``: only requests from this client id;
    * ``error``, ``when`` (ERROR); ``delay_ms`` (DELAY); ``mid_response`` (DROP: write half of
      the response, then close);
    * ``skip``: how many matching requests pass before it fires;
    * ``count``: how many times it fires (None: until ``duration_ms`` ends or it is cleared);
    * ``duration_ms``: how long it stays armed (PAUSE, REFUSE: how long they last);
    * ``group_id`` / ``member_id`` (REBALANCE, EXPIRE); ``to_broker`` (MOVE_LEADER).
    """

    kind: FaultKind
    api: int | None = None
    topic: str | None = None
    partition: int | None = None
    client_id: str | None = None
    error: ErrorCode | None = None
    when: When = When.BEFORE
    delay_ms: int = 0
    mid_response: bool = False
    skip: int = 0
    count: int | None = 1
    duration_ms: int | None = None
    group_id: str | None = None
    member_id: str | None = None
    to_broker: int | None = None

    @classmethod
    def create(
        cls,
        kind: FaultKind | str,
        *,
        api: str | int | None = None,
        topic: str | None = None,
        partition: int | None = None,
        client_id: str | None = None,
        error: str | int | ErrorCode | None = None,
        when: When | str = When.BEFORE,
        delay_ms: int = 0,
        mid_response: bool = False,
        skip: int = 0,
        count: int | None = 1,
        duration_ms: int | None = None,
        group_id: str | None = None,
        member_id: str | None = None,
        to_broker: int | None = None,
    ) -> FaultSpec:
        """A checked spec; ``FaultSpecError`` (one line) says what is wrong."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            names = ", ".join(k.value for k in FaultKind)
            raise FaultSpecError(f"unknown fault kind {kind!r} (one of {names})") from None
        try:
            timing = When(when)
        except ValueError:
            raise FaultSpecError(f"'when' is 'before' or 'after', not {when!r}") from None
        spec = cls(
            kind=fault_kind,
            api=None if api is None else api_key_of(api),
            topic=_name("topic", topic),
            partition=_bounded("partition", partition, 0, 2**31 - 1),
            client_id=_name("client_id", client_id),
            error=None if error is None else error_code_of(error),
            when=timing,
            delay_ms=_bounded("delay_ms", delay_ms, 0, MAX_DELAY_MS) or 0,
            mid_response=_flag("mid_response", mid_response),
            skip=_bounded("skip", skip, 0, MAX_SKIP) or 0,
            # Only request faults fire per request; the others last for their duration or act once.
            count=_bounded("count", count, 1, MAX_COUNT) if fault_kind in REQUEST_KINDS else None,
            duration_ms=_bounded("duration_ms", duration_ms, 1, MAX_DURATION_MS),
            group_id=_name("group_id", group_id),
            member_id=_name("member_id", member_id),
            to_broker=_bounded("to_broker", to_broker, 0, 2**31 - 1),
        )
        spec._check()
        return spec

    def _check(self) -> None:
        kind = self.kind
        if self.partition is not None and self.topic is None:
            raise FaultSpecError("a partition needs its topic")
        if kind is FaultKind.ERROR and self.error is None:
            raise FaultSpecError("an error fault needs an error code")
        if kind is not FaultKind.ERROR and self.error is not None:
            raise FaultSpecError(f"a {kind} fault takes no error code")
        if kind is FaultKind.DELAY and self.delay_ms <= 0:
            raise FaultSpecError("a delay fault needs delay_ms > 0")
        if kind is not FaultKind.DELAY and self.delay_ms:
            raise FaultSpecError(f"a {kind} fault takes no delay_ms")
        if self.mid_response and kind is not FaultKind.DROP:
            raise FaultSpecError("mid_response applies to drop faults only")
        request_scoped = self.api is not None or self.client_id is not None or self.skip
        if kind not in REQUEST_KINDS and request_scoped:
            raise FaultSpecError(f"a {kind} fault takes no api, client_id or skip")
        if kind in (FaultKind.REBALANCE, FaultKind.EXPIRE):
            if self.group_id is None:
                raise FaultSpecError(f"a {kind} fault needs a group_id")
        elif self.group_id is not None or self.member_id is not None:
            raise FaultSpecError(f"a {kind} fault takes no group_id or member_id")
        if kind in (FaultKind.PAUSE, FaultKind.MOVE_LEADER, FaultKind.BUMP_EPOCH):
            if self.topic is None or self.partition is None:
                raise FaultSpecError(f"a {kind} fault needs a topic and a partition")
        elif kind in (FaultKind.REFUSE, FaultKind.REBALANCE, FaultKind.EXPIRE) and self.topic:
            raise FaultSpecError(f"a {kind} fault takes no topic")
        if self.to_broker is not None and kind is not FaultKind.MOVE_LEADER:
            raise FaultSpecError("to_broker applies to move-leader faults only")
        if kind is FaultKind.REFUSE and self.duration_ms is None:
            raise FaultSpecError("a refuse fault needs duration_ms")

    @property
    def is_request_fault(self) -> bool:
        """Whether the connection decides it per request."""
        return self.kind in REQUEST_KINDS

    def describe(self) -> str:
        """One line for the log and the CLI: ``error NOT_LEADER_OR_FOLLOWER after Produce
        topic=orders x3``."""
        from protocol.messages import api_name

        parts: list[str] = [self.kind.value]
        if self.error is not None:
            parts.append(self.error.name)
            parts.append(self.when.value)
        if self.delay_ms:
            parts.append(f"{self.delay_ms} ms")
        if self.mid_response:
            parts.append("mid-response")
        if self.is_request_fault:
            parts.append(api_name(self.api) if self.api is not None else "any API")
        if self.topic is not None:
            where = self.topic if self.partition is None else f"{self.topic}-{self.partition}"
            parts.append(f"topic={where}")
        if self.client_id is not None:
            parts.append(f"client_id={self.client_id}")
        if self.group_id is not None:
            parts.append(f"group={self.group_id}")
        if self.member_id is not None:
            parts.append(f"member={self.member_id}")
        if self.to_broker is not None:
            parts.append(f"to={self.to_broker}")
        if self.skip:
            parts.append(f"after {self.skip} requests")
        if self.is_request_fault and self.count is not None:
            parts.append(f"x{self.count}")
        if self.duration_ms is not None:
            parts.append(f"for {self.duration_ms} ms")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The spec as JSON-ready values (names for the API and the error)."""
        from protocol.messages import api_name

        out = asdict(self)
        out["kind"] = self.kind.value
        out["when"] = self.when.value
        out["api"] = None if self.api is None else api_name(self.api)
        out["error"] = None if self.error is None else self.error.name
        return out

    @classmethod
    def from_json(cls, value: object) -> FaultSpec:
        """A checked spec from a JSON object (the admin channel's body)."""
        if not isinstance(value, dict):
            raise FaultSpecError("a fault is a JSON object")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(str(k) for k in value if k not in known)
        if unknown:
            raise FaultSpecError(f"unknown fault field(s): {', '.join(unknown)}")
        if "kind" not in value:
            raise FaultSpecError("a fault needs a kind")
        fields = {k: v for k, v in value.items() if k != "kind"}
        for name in ("delay_ms", "skip"):
            if fields.get(name) is None:
                fields.pop(name, None)
        if "mid_response" in fields and fields["mid_response"] is None:
            fields.pop("mid_response")
        if fields.get("when") is None:
            fields.pop("when", None)
        return cls.create(value["kind"], **fields)


def _bounded(name: str, value: object, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultSpecError(f"{name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise FaultSpecError(f"{name} must be in {low}..{high}, not {value}")
    return value


def _name(field: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FaultSpecError(f"{field} must be a non-empty string")
    if len(value) > MAX_NAME_CHARS:
        raise FaultSpecError(f"{field} is longer than {MAX_NAME_CHARS} characters")
    return value


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise FaultSpecError(f"{field} must be true or false")
    return value
