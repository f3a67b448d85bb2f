"""A broker's part in the cluster: routing to the active controller, lifecycle, control loop.

* ``QuorumRouter`` sends a change to the active controller: run here when this broker is the
  active controller, else an RPC over the controller port to the Raft leader, retried (with
  backoff, within ``CONTROLLER_CALL_TIMEOUT_S``) while the leadership moves.
* ``handle_rpc`` serves those RPCs on the active controller (``NOT_CONTROLLER`` elsewhere):
  forwarded admin changes, producer id blocks, AlterPartition, registration, heartbeats.
* ``BrokerLifecycle`` registers this broker (endpoints, rack) and heartbeats every
  ``broker.heartbeat.interval.ms``. On a SASL/SCRAM inter-broker listener it registers only
  once the metadata holds the inter-broker user's credential and its own
  ``inter.broker.sasl.password`` matches it: a broker that could not authenticate to the
  others takes no partitions (it says so in its log, and registers once they match). On
  stop, a controlled shutdown heartbeats with ``want_shutdown`` until the controller moved
  every leadership away.
* ``ControlLoop`` ticks the controller on every voter; the active one fences expired
  sessions, elects missing leaders and moves leadership to preferred replicas.
* ``fetch_metadata`` (``observer.py``) serves the committed log to brokers that are not voters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from broker.metadata import forwarding
from broker.metadata.observer import serve_fetch
from broker.metadata.security_planner import (
    inter_broker_password_matches,
    inter_broker_scram_user,
)
from broker.raft.tcp import ControllerEndpoint, RpcError
from broker.tasks import cancel_and_wait, report_unexpected_end
from protocol.errors import ErrorCode, KafkaError, NotControllerError, error_for_code
from protocol.scram import ScramCredential
from protocol.types import TopicPartition

if TYPE_CHECKING:
    from broker.config import BrokerConfig
    from broker.metadata.controller import Controller

__all__ = [
    "CONTROLLER_CALL_TIMEOUT_S",
    "UNFENCED_MESSAGE",
    "WRONG_INTER_BROKER_PASSWORD_MESSAGE",
    "BrokerLifecycle",
    "ControlLoop",
    "QuorumRouter",
    "handle_rpc",
]

log = logging.getLogger("samsa.quorum")

#: How long a change routed to the active controller may take, retries included: several
#: election timeouts, so that one leader change in between does not fail it.
CONTROLLER_CALL_TIMEOUT_S: Final = 10.0
#: Logged once the controller unfenced this broker (``samsa cluster up`` waits for it).
UNFENCED_MESSAGE: Final = "broker %d is registered and unfenced"
#: Floor of one RPC attempt's timeout.
MIN_ATTEMPT_TIMEOUT_S: Final = 0.5
#: Pause between attempts while there is no reachable active controller.
ROUTE_RETRY_S: Final = 0.05
#: How long a forwarded change waits for this broker to apply it (the commit already
#: happened: past this the answer goes out and the image catches up a little later).
CATCH_UP_TIMEOUT_S: Final = 5.0
#: Logged (as an error) while this broker's inter-broker password does not match the stored
#: credential: it does not register.
WRONG_INTER_BROKER_PASSWORD_MESSAGE: Final = (
    "inter.broker.sasl.password of user %r does not match its %s credential in the cluster "
    "metadata: broker %d does not register and takes no partitions until it does"
)
#: RPC errors after which another attempt (maybe at another broker) makes sense.
_RETRIABLE: Final = frozenset({"NOT_CONTROLLER", "DISCONNECTED", "TIMEOUT", "BUSY"})


async def handle_rpc(controller: Controller, op: str, body: dict[str, Any]) -> dict[str, Any]:
    """Serve one controller RPC on this broker (it must be the active controller)."""
    if not controller.is_active:
        raise RpcError("NOT_CONTROLLER", f"the active controller is {controller.controller_id}")
    try:
        if op == "fetch_metadata" and controller.quorum_log is not None:
            return await serve_fetch(controller.quorum_log, body)
        answer = await forwarding.serve(controller, op, body)
        if answer is not None:
            return answer
        if op == "producer_ids":
            start, end = await controller.producer_id_block(int(body["broker_id"]))
            return {"start": start, "end": end}
        if op == "alter_partition":
            result = await controller.alter_partition(
                TopicPartition(str(body["topic"]), int(body["partition"])),
                int(body["leader_epoch"]),
                int(body["partition_epoch"]),
                tuple(int(r) for r in body["isr"]),
                leader=int(body["leader"]),
            )
            return {
                "error": int(result.error),
                "isr": list(result.isr),
                "leader_epoch": result.leader_epoch,
                "partition_epoch": result.partition_epoch,
                "offset": controller.image.offset,
            }
        if op == "register":
            epoch = await controller.register_broker(
                int(body["broker_id"]),
                str(body["incarnation_id"]),
                str(body["host"]),
                int(body["port"]),
                body.get("rack"),
                [(str(n), str(h), int(p)) for n, h, p in body.get("endpoints", ())],
            )
            return {"epoch": epoch, "offset": controller.image.offset}
        if op == "heartbeat":
            return await controller.broker_heartbeat(
                int(body["broker_id"]),
                int(body["broker_epoch"]),
                int(body["metadata_offset"]),
                bool(body["want_shutdown"]),
            )
    except NotControllerError as exc:
        raise RpcError("NOT_CONTROLLER", str(exc)) from None
    except KafkaError as exc:
        raise RpcError(exc.code.name, str(exc)) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise RpcError("INVALID_REQUEST", f"{op}: {exc!r}") from None
    raise RpcError("UNSUPPORTED", f"unknown controller operation {op!r}")


class QuorumRouter:
    """Routes controller operations to the active controller (this broker or another)."""

    def __init__(self, controller: Controller, endpoint: ControllerEndpoint) -> None:
        self.controller = controller
        self.endpoint = endpoint
        election_s = controller.config.controller_quorum_election_timeout_ms / 1000
        #: One attempt at one broker: a commit takes well under an election timeout, so a
        #: controller silent for two has probably lost its leadership (or stopped).
        self.attempt_timeout_s = max(MIN_ATTEMPT_TIMEOUT_S, 2 * election_s)

    async def call(
        self, op: str, body: dict[str, Any], timeout_s: float = CONTROLLER_CALL_TIMEOUT_S
    ) -> dict[str, Any]:
        """``op`` on the active controller; NotControllerError when none answers in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        last = "no active controller"
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise NotControllerError(f"{op}: {last}")
            controller = self.controller
            try:
                if controller.is_active:
                    return await handle_rpc(controller, op, body)
                leader = controller.controller_id
                if leader >= 0 and leader != controller.node_id:
                    attempt_s = min(remaining, self.attempt_timeout_s)
                    return await self.endpoint.call(leader, op, body, attempt_s)
            except RpcError as exc:
                if exc.code not in _RETRIABLE:
                    raise _as_kafka_error(exc) from None
                last = str(exc)
            await asyncio.sleep(ROUTE_RETRY_S)

    async def wait_for_offset(self, offset: int) -> None:
        """Wait (at most ``CATCH_UP_TIMEOUT_S``) until this broker applied ``offset``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CATCH_UP_TIMEOUT_S):
                await self.controller.wait_applied(offset)


def _as_kafka_error(exc: RpcError) -> KafkaError:
    code = ErrorCode.__members__.get(exc.code, ErrorCode.UNKNOWN_SERVER_ERROR)
    return error_for_code(int(code))(exc.message or exc.code, remote=True)


class BrokerLifecycle:
    """Registration, heartbeats and controlled shutdown of this broker."""

    def __init__(
        self,
        controller: Controller,
        router: QuorumRouter,
        config: BrokerConfig,
        host: str,
        port: int,
        endpoints: Sequence[tuple[str, str, int]] = (),
    ) -> None:
        self.controller = controller
        self.router = router
        self.config = config
        #: The inter-broker listener's advertised endpoint.
        self.host = host
        self.port = port
        #: Every advertised listener's ``(name, host, port)``.
        self.endpoints = tuple(endpoints)
        self.incarnation_id = str(uuid.uuid4())
        self.broker_epoch: int | None = None
        #: The metadata offset of this incarnation's first registration, from the active
        #: controller's answer. An answer follows its request, so everything the quorum
        #: committed before this broker started is at or below it: once the image is there, it
        #: has caught up (a Raft message, by contrast, may have waited in a queue since before
        #: the restart).
        self.registration_offset: int | None = None
        self.fenced = True
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._inter_broker_user = inter_broker_scram_user(config)
        #: The stored credential last checked against the password, and the verdict.
        self._checked: tuple[ScramCredential, bool] | None = None
        #: Why this broker last did not register ("" when it could), logged once per reason.
        self._not_registering = ""

    def start(self) -> None:
        """Start heartbeating (registering first)."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="broker-lifecycle")
        # A bug ends the heartbeats: reported at once; the controller then fences this broker
        # after its session timeout, as it would a broker that died.
        report_unexpected_end(
            self._task,
            log,
            "broker %d stopped heartbeating",
            self.controller.node_id,
            level=logging.CRITICAL,
        )

    async def _beat(
        self, want_shutdown: bool = False, timeout_s: float = CONTROLLER_CALL_TIMEOUT_S
    ) -> dict[str, Any] | None:
        if self.broker_epoch is None:
            if want_shutdown or not self._may_register():
                return None
            answer = await self.router.call(
                "register",
                {
                    "broker_id": self.controller.node_id,
                    "incarnation_id": self.incarnation_id,
                    "host": self.host,
                    "port": self.port,
                    "rack": self.config.broker_rack,
                    "endpoints": [list(e) for e in self.endpoints],
                },
            )
            self.broker_epoch = int(answer["epoch"])
            if self.registration_offset is None:
                self.registration_offset = int(answer["offset"])
            await self.router.wait_for_offset(int(answer["offset"]))
        answer = await self.router.call(
            "heartbeat",
            {
                "broker_id": self.controller.node_id,
                "broker_epoch": self.broker_epoch,
                "metadata_offset": self.controller.image.offset,
                "want_shutdown": want_shutdown,
            },
            timeout_s,
        )
        if int(answer.get("error", 0)) == ErrorCode.STALE_BROKER_EPOCH:
            log.warning("broker epoch %s is stale: registering again", self.broker_epoch)
            self.broker_epoch = None
            return None
        fenced = bool(answer.get("fenced", True))
        if self.fenced and not fenced:
            log.info(UNFENCED_MESSAGE, self.controller.node_id)
        self.fenced = fenced
        return answer

    def caught_up(self) -> bool:
        """Whether this broker's image holds its own first registration (see
        ``registration_offset``)."""
        offset = self.registration_offset
        return offset is not None and self.controller.image.offset >= offset

    def _may_register(self) -> bool:
        """Whether this broker's inter-broker credential (if it uses one) is in the metadata
        and matches its password; logs why not, once per reason."""
        who = self._inter_broker_user
        if who is None:
            return True
        node = self.controller.node_id
        credential = self.controller.image.scram_credentials.get((who.user, who.mechanism))
        if credential is None:
            reason = "missing"
            if self._not_registering != reason:
                log.info(
                    "broker %d waits for the %s credential of inter-broker user %r in the "
                    "cluster metadata before registering (the active controller creates it "
                    "from its own inter.broker.sasl.password)",
                    node,
                    who.mechanism,
                    who.user,
                )
        else:
            if self._checked is None or self._checked[0] is not credential:
                self._checked = (credential, inter_broker_password_matches(credential, who))
            if self._checked[1]:
                self._not_registering = ""
                return True
            reason = "mismatch"
            if self._not_registering != reason:
                log.error(WRONG_INTER_BROKER_PASSWORD_MESSAGE, who.user, who.mechanism, node)
        self._not_registering = reason
        return False

    async def _run(self) -> None:
        interval_s = self.config.broker_heartbeat_interval_ms / 1000
        while not self._stopping:
            try:
                await self._beat()
            except (KafkaError, RpcError) as exc:  # the controller moves or is unreachable
                log.debug("heartbeat failed: %s", exc)
            await asyncio.sleep(interval_s if not self.fenced else min(interval_s, 0.05))

    async def stop(self, *, controlled: bool) -> None:
        """Stop heartbeating; with ``controlled``, first have the controller move this
        broker's leaderships away (within ``controlled.shutdown.timeout.ms``)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if controlled and self.broker_epoch is not None:
            await self._controlled_shutdown()

    async def _controlled_shutdown(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.controlled_shutdown_timeout_ms / 1000
        # Without a reachable controller (the quorum is gone, e.g. every broker is stopping)
        # there is nobody to move leaderships to: give up after this long, not the whole
        # controlled.shutdown.timeout.ms.
        election_s = self.config.controller_quorum_election_timeout_ms / 1000
        attempt_s = max(MIN_ATTEMPT_TIMEOUT_S, 3 * election_s)
        while loop.time() < deadline:
            try:
                timeout_s = max(0.0, min(attempt_s, deadline - loop.time()))
                answer = await self._beat(want_shutdown=True, timeout_s=timeout_s)
                if answer is None:
                    return  # not registered (any more): nothing to move
                if answer.get("shutdown_ready"):
                    await self.router.wait_for_offset(int(answer.get("offset", -1)))
                    log.info("controlled shutdown: leaderships moved away")
                    return
            except NotControllerError as exc:
                log.warning("controlled shutdown: no active controller (%s); stopping", exc)
                return
            except (KafkaError, RpcError, TimeoutError) as exc:
                log.debug("controlled shutdown heartbeat failed: %s", exc)
            await asyncio.sleep(ROUTE_RETRY_S * 2)
        log.warning("controlled shutdown timed out; stopping anyway")


class ControlLoop:
    """Ticks the controller on a voter: when it is the active one, the tick fences brokers
    whose session expired, elects missing leaders and moves leadership to preferred replicas
    (on the others a tick does nothing)."""

    def __init__(self, controller: Controller, config: BrokerConfig) -> None:
        self.controller = controller
        # Fine enough to fence within a tenth of the session after it expires.
        self.interval_s = max(0.01, min(0.1, config.broker_session_timeout_ms / 10_000))
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start ticking."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="controller-loop")
        report_unexpected_end(
            self._task,
            log,
            "the controller's periodic duties (fencing, elections, preferred leaders) stopped",
            level=logging.CRITICAL,
        )

    async def _run(self) -> None:
        while True:
            try:
                await self.controller.control_tick()
            except (KafkaError, RpcError) as exc:  # leadership moved while the change ran
                log.debug("controller tick: %s", exc)
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> None:
        """Stop ticking."""
        task, self._task = self._task, None
        await cancel_and_wait(task)
