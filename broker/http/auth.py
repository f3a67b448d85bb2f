"""``ConsoleAuth``: who may use the HTTP listener when the Kafka listeners require a login.

When any client listener's security protocol is SASL_PLAINTEXT or SASL_SSL, every route except
``/health/*`` (and ``/metrics`` unless ``http.metrics.require.auth``) asks for HTTP Basic
credentials of a SCRAM user of the metadata image: the same user and password a Kafka client
logs in with. The password is checked as a SCRAM login checks it (PBKDF2 of the credential's
salt and iterations), never on the event loop: on ``CHECK_THREADS`` threads of its own, with at
most ``MAX_PENDING_CHECKS`` waiting, so that a flood of wrong passwords costs the broker a
bounded share of one core and never stalls the Kafka port. A success is remembered for
``CACHE_TTL_S`` (keyed by a salted hash of user and password, and only while the user's
credential is unchanged), so that the console's polling does not cost a PBKDF2 per request.

Without credentials the answer is 401 at once (the browser then asks for them); with wrong
ones it is 401 after ``connection.failed.authentication.delay.ms``, as a failed Kafka login.
The principal (``User:name``, or ``User:ANONYMOUS`` where no login is needed) is put on the
request under ``PRINCIPAL_KEY``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from aiohttp import web

from broker.config import BrokerConfig
from protocol.scram import ScramCredential, credential_from_password, verify_password

__all__ = ["ANONYMOUS", "ConsoleAuth", "PasswordCheckPool"]

log = logging.getLogger("samsa.http")

ANONYMOUS: Final = "User:ANONYMOUS"
#: Threads checking console passwords: one, so that a flood of wrong passwords costs at most
#: one core's worth of PBKDF2 (hashlib releases the GIL while it runs) and the event loop,
#: serving Kafka, keeps the other.
CHECK_THREADS: Final = 1
#: Checks waiting or running at once; past it a login is answered 503 unchecked (after the
#: failure delay). A person at a browser needs one; the bound keeps a flood's queue (and its
#: memory) small.
MAX_PENDING_CHECKS: Final = 32
#: How long a checked user and password stay accepted without a new PBKDF2.
CACHE_TTL_S: Final = 60.0
#: Remembered logins at most (least recently used go first): each is a few hundred bytes.
MAX_CACHED_LOGINS: Final = 1024
#: Longest ``Authorization`` value read (aiohttp's field limit bounds it too).
MAX_AUTHORIZATION_CHARS: Final = 4096
#: PBKDF2 iterations of the check made for a user that does not exist (Kafka's default).
UNKNOWN_USER_ITERATIONS: Final = 4096
#: The realm browsers show when they ask for credentials.
REALM: Final = "Samsa"
#: Where a request keeps its principal (``User:name``; ``User:ANONYMOUS`` without a login).
PRINCIPAL_KEY: Final = web.RequestKey("principal", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PasswordCheckPool:
    """``verify_password`` on a small thread pool, with a bound on checks pending."""

    def __init__(self, threads: int = CHECK_THREADS, max_pending: int = MAX_PENDING_CHECKS):
        self.threads = threads
        self.max_pending = max_pending
        self.pending = 0
        """Checks waiting or running."""
        self.submitted = 0
        """Checks submitted since the start (each one PBKDF2)."""
        self._executor: ThreadPoolExecutor | None = None

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="samsa-http-login")

    def submit(self, credential: ScramCredential, password: str) -> asyncio.Future[bool] | None:
        """The check's future; None (nothing runs) when the pool is full or stopped."""
        executor = self._executor
        if executor is None or self.pending >= self.max_pending:
            return None
        future = asyncio.get_running_loop().run_in_executor(
            executor, verify_password, credential, password
        )
        self.pending += 1
        self.submitted += 1
        future.add_done_callback(self._done)
        return future

    def _done(self, _: asyncio.Future[bool]) -> None:
        self.pending -= 1

    def stop(self) -> None:
        """Cancel the checks not started; those running finish on their thread."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


class ConsoleAuth:
    """The HTTP listener's authentication middleware (``middleware``)."""

    def __init__(
        self,
        config: BrokerConfig,
        credentials: Callable[[], Mapping[tuple[str, str], ScramCredential] | None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.required = any(listener.uses_sasl for listener in config.client_listeners)
        """Whether any route needs credentials (a client listener uses SASL)."""
        self.metrics_require_auth = config.http_metrics_require_auth
        self.failure_delay_s = config.connection_failed_authentication_delay_ms / 1000
        self.checks = PasswordCheckPool()
        self.failures = 0
        """Logins refused (wrong user or password)."""
        self._credentials = credentials
        self._clock = clock
        self._key_salt = os.urandom(16)
        # Checked for users that do not exist, so that a wrong user name costs what a wrong
        # password costs (Kafka's default iterations): the answer's timing tells no one which
        # users exist.
        self._unknown_user = credential_from_password(
            "SCRAM-SHA-256", os.urandom(16).hex(), os.urandom(16), UNKNOWN_USER_ITERATIONS
        )
        self._cache: OrderedDict[bytes, tuple[str, ScramCredential, float]] = OrderedDict()

    def start(self) -> None:
        self.checks.start()

    def stop(self) -> None:
        self.checks.stop()

    def is_open(self, path: str) -> bool:
        """Whether ``path`` is served without credentials."""
        if not self.required or path.startswith("/health/"):
            return True
        return path == "/metrics" and not self.metrics_require_auth

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.is_open(request.path):
            request[PRINCIPAL_KEY] = ANONYMOUS
            return await handler(request)
        login = _basic_credentials(request.headers.get("Authorization"))
        if login is None:
            return _unauthorized("credentials required")
        user, password = login
        verdict = await self._check(user, password)
        if verdict is None:
            # Unchecked, but answered no sooner than a wrong password: a flood slows down.
            await asyncio.sleep(self.failure_delay_s)
            return web.json_response(
                {"error": "TOO_MANY_LOGINS", "message": "too many logins in progress"},
                status=503,
                headers={"Retry-After": "1"},
            )
        if not verdict:
            self.failures += 1
            await asyncio.sleep(self.failure_delay_s)
            return _unauthorized("wrong user name or password")
        request[PRINCIPAL_KEY] = f"User:{user}"
        return await handler(request)

    async def _check(self, user: str, password: str) -> bool | None:
        """True or False, or None when too many checks are pending."""
        credentials = self._credentials()
        credential = _credential_of(credentials, user) if credentials is not None else None
        if credential is None:
            unknown = self.checks.submit(self._unknown_user, password)
            if unknown is None:
                return None
            await unknown
            return False
        key = hashlib.sha256(
            self._key_salt + user.encode() + b"\0" + password.encode(errors="surrogatepass")
        ).digest()
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None:
            cached_user, cached_credential, expires = cached
            if expires > now and cached_credential is credential and cached_user == user:
                self._cache.move_to_end(key)
                return True
            del self._cache[key]
        future = self.checks.submit(credential, password)
        if future is None:
            return None
        if not await future:
            return False
        self._cache[key] = (user, credential, now + CACHE_TTL_S)
        while len(self._cache) > MAX_CACHED_LOGINS:
            self._cache.popitem(last=False)
        return True


def _credential_of(
    credentials: Mapping[tuple[str, str], ScramCredential], user: str
) -> ScramCredential | None:
    """The user's SCRAM-SHA-256 credential, else its SCRAM-SHA-512 one."""
    for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
        found = credentials.get((user, mechanism))
        if found is not None:
            return found
    return None


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic …`` value; None if absent or malformed."""
    if header is None or len(header) > MAX_AUTHORIZATION_CHARS:
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    if not colon or not user:
        return None
    return user, password


def _unauthorized(message: str) -> web.Response:
    return web.json_response(
        {"error": "SASL_AUTHENTICATION_FAILED", "message": message},
        status=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )
