"""The fault-injection admin channel: ``/api/faults`` on the HTTP listener, what ``samsa fault``
uses to make the broker fail on purpose for a test of an application in any language.

Served only with ``faults.admin.enable=true``; without it the routes do not exist (404, as any
unknown path) and nothing outside the process can arm a fault. Routes:

- ``GET /api/faults``: the armed faults, the recently ended ones, the last firings
  (``?limit=N``, 100 by default), the chaos run and the counters;
- ``POST /api/faults`` with a fault (``FaultSpec``'s fields: ``{"kind": "error", "api":
  "Produce", "error": "NOT_LEADER_OR_FOLLOWER", "when": "after", "count": 2}``): armed, and an
  action (``rebalance``, ``expire``, ``move-leader``, ``bump-epoch``, ``pause``) carried out
  before the answer; 201 with the fault;
- ``DELETE /api/faults`` (every fault, and the chaos run) or ``DELETE /api/faults/{id}``;
- ``POST /api/faults/chaos`` ``{"seed", "rate_per_s"?, "kinds"?, "apis"?, "duration_ms"?}``,
  ``DELETE /api/faults/chaos``;
- ``POST /api/faults/resume`` ``{"topic", "partition"}``: a paused partition resumes.

Changes need the header ``X-Samsa-Faults: 1`` (403 otherwise; a cross-site form cannot send
it) and, with a body, ``Content-Type: application/json`` (415). When a Kafka listener uses
SASL, the HTTP login applies (``auth.py``) and the user must be one of ``super.users`` (403
otherwise). Errors are ``{"error", "message"}`` with a one-line message: 400 ``INVALID_FAULT``
(the spec), ``INVALID_JSON``; 409 ``FAULT_FAILED`` (an action that could not be carried out:
an unknown group, a partition this broker does not lead); 404 ``FAULT_NOT_FOUND`` (no such
armed fault); 504 ``REQUEST_TIMED_OUT``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, Protocol

from aiohttp import web

from broker.faults import Fault, FaultKind, FaultSpec, FaultSpecError
from broker.faults.plan import MAX_HISTORY
from broker.http.auth import ANONYMOUS, PRINCIPAL_KEY
from broker.http.console_common import ApiError, fail, json_error, ok
from broker.http.metrics import FaultCounters

__all__ = ["ACTION_TIMEOUT_S", "DEFAULT_HISTORY", "FAULTS_HEADER", "FaultAdmin", "setup"]

log = logging.getLogger("samsa.http")

#: The header every change carries (a cross-site form cannot set it).
FAULTS_HEADER: Final = "X-Samsa-Faults"
#: Firings listed by ``GET /api/faults`` unless ``?limit=`` says otherwise.
DEFAULT_HISTORY: Final = 100
#: Longest an action (a rebalance, a leader's move) may take before the answer is 504: a few
#: metadata rounds; far below the listener's own request timeout.
ACTION_TIMEOUT_S: Final = 10.0


class FaultAdmin(FaultCounters, Protocol):
    """What the channel needs of the broker's fault control (``Broker.faults`` is one)."""

    async def apply(self, spec: FaultSpec, source: str = "api") -> Fault: ...
    def clear(self, fault_id: int | None = None) -> list[Fault]: ...
    def resume(self, topic: str, partition: int) -> None: ...
    def chaos(
        self,
        seed: int,
        rate_per_s: float = 1.0,
        kinds: Sequence[FaultKind | str] = ...,
        apis: Sequence[str] = ...,
        duration_ms: int | None = None,
    ) -> None: ...
    def stop_chaos(self) -> None: ...
    def chaos_status(self) -> dict[str, Any] | None: ...


Route = Callable[[web.Request], Awaitable[Any]]


def setup(
    app: web.Application,
    faults: FaultAdmin,
    *,
    login_required: bool,
    super_users: frozenset[str],
) -> None:
    """Add the ``/api/faults`` routes to ``app`` (call it before the console's catch-all)."""

    def handler(fn: Route, *, change: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def wrapped(request: web.Request) -> web.Response:
            try:
                _authorize(request, login_required, super_users)
                if change and request.headers.get(FAULTS_HEADER) != "1":
                    fail(
                        403, "MISSING_FAULTS_HEADER", f"changes need the {FAULTS_HEADER}: 1 header"
                    )
                result = await fn(request)
            except ApiError as exc:
                return json_error(exc)
            except FaultSpecError as exc:
                return json_error(ApiError(400, "INVALID_FAULT", str(exc)))
            except TimeoutError:
                return json_error(ApiError(504, "REQUEST_TIMED_OUT", "the fault took too long"))
            except ValueError as exc:  # the fault control's FaultActionError
                return json_error(ApiError(409, "FAULT_FAILED", str(exc)))
            except Exception:
                log.exception("fault admin %s %s failed", request.method, request.path)
                return json_error(ApiError(500, "UNKNOWN_SERVER_ERROR", "internal error (logged)"))
            if isinstance(result, web.Response):
                return result
            return ok(result)

        return wrapped

    async def listing(request: web.Request) -> Any:
        limit = _limit(request)
        plan = faults.plan
        return {
            "armed": [f.to_json() for f in plan.armed()],
            "ended": [f.to_json() for f in plan.ended()],
            "history": [f.to_json() for f in plan.history(limit)],
            "chaos": faults.chaos_status(),
            "injected_total": [
                {"kind": kind, "api": api or None, "count": count}
                for (kind, api), count in sorted(plan.injected_total.items())
            ],
        }

    async def arm(request: web.Request) -> Any:
        spec = FaultSpec.from_json(await _body(request))
        async with asyncio.timeout(ACTION_TIMEOUT_S):
            fault = await faults.apply(spec)
        return ok({"fault": fault.to_json()}, status=201)

    async def clear_all(_: web.Request) -> Any:
        return {"cleared": [f.to_json() for f in faults.clear()]}

    async def clear_one(request: web.Request) -> Any:
        fault_id = int(request.match_info["id"])
        cleared = faults.clear(fault_id)
        if not cleared:
            fail(404, "FAULT_NOT_FOUND", f"no armed fault {fault_id}")
        return {"cleared": [f.to_json() for f in cleared]}

    async def start_chaos(request: web.Request) -> Any:
        body = await _body(request)
        if not isinstance(body, dict):
            raise FaultSpecError("chaos settings are a JSON object")
        known = {"seed", "rate_per_s", "kinds", "apis", "duration_ms"}
        unknown = sorted(str(k) for k in body if k not in known)
        if unknown:
            raise FaultSpecError(f"unknown chaos field(s): {', '.join(unknown)}")
        if "seed" not in body:
            raise FaultSpecError("chaos needs a seed")
        settings: dict[str, Any] = {"seed": body["seed"]}
        rate = body.get("rate_per_s")
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, int | float):
                raise FaultSpecError("rate_per_s must be a number")
            settings["rate_per_s"] = float(rate)
        for name in ("kinds", "apis"):
            value = body.get(name)
            if value is not None:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise FaultSpecError(f"{name} must be a list of names")
                settings[name] = value
        if body.get("duration_ms") is not None:
            settings["duration_ms"] = body["duration_ms"]
        faults.chaos(**settings)
        return ok({"chaos": faults.chaos_status()}, status=201)

    async def stop_chaos(_: web.Request) -> Any:
        faults.stop_chaos()
        return {"chaos": None}

    async def resume(request: web.Request) -> Any:
        body = await _body(request)
        if not isinstance(body, dict) or set(body) != {"topic", "partition"}:
            raise FaultSpecError('resume takes {"topic": NAME, "partition": N}')
        topic, partition = body["topic"], body["partition"]
        if not isinstance(topic, str) or isinstance(partition, bool):
            raise FaultSpecError("topic is a string and partition a whole number")
        if not isinstance(partition, int):
            raise FaultSpecError("topic is a string and partition a whole number")
        faults.resume(topic, partition)
        return {"resumed": f"{topic}-{partition}"}

    app.router.add_get("/api/faults", handler(listing, change=False))
    app.router.add_post("/api/faults", handler(arm, change=True))
    app.router.add_delete("/api/faults", handler(clear_all, change=True))
    app.router.add_post("/api/faults/chaos", handler(start_chaos, change=True))
    app.router.add_delete("/api/faults/chaos", handler(stop_chaos, change=True))
    app.router.add_post("/api/faults/resume", handler(resume, change=True))
    app.router.add_delete(r"/api/faults/{id:\d{1,9}}", handler(clear_one, change=True))


def _authorize(request: web.Request, login_required: bool, super_users: frozenset[str]) -> None:
    """With a login (a SASL listener), only super users may see or change faults."""
    if not login_required:
        return
    principal = str(request.get(PRINCIPAL_KEY, ANONYMOUS))
    if principal not in super_users:
        fail(403, "FAULTS_NOT_AUTHORIZED", f"{principal} is not a super user (super.users)")


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "").strip()
    if not raw:
        return DEFAULT_HISTORY
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_HISTORY:
        fail(400, "INVALID_REQUEST", f"limit must be a whole number in 0..{MAX_HISTORY}")
    return int(raw)


async def _body(request: web.Request) -> Any:
    """The request's JSON (415 without a JSON content type, 400 when it is not JSON)."""
    if request.content_type != "application/json":
        fail(415, "UNSUPPORTED_MEDIA_TYPE", "changes take Content-Type: application/json")
    raw = await request.read()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        fail(400, "INVALID_JSON", "the body is not valid JSON")
