"""The network layer's pure rules: the request-bytes budget, per-address quotas, the connection
creation rate, the eviction order, the rate-limited log, the SASL gate and the settings behind
them."""

from __future__ import annotations

import logging

import pytest

from broker.config import ConfigError, load_config, parse_ip_overrides
from broker.security.sasl import PasswordCheck
from broker.server.authn import MIN_REAUTH_INTERVAL_MS, GateVerdict, SaslGate
from broker.server.budget import RequestBytesBudget, Waiter
from broker.server.closes import RateLimitedLog
from broker.server.limits import (
    ConnectionQuotas,
    ConnectionRateLimiter,
    EvictionOrder,
    normalise_ip,
)
from protocol.messages import SaslAuthenticateRequest, SaslHandshakeRequest
from protocol.scram import (
    ScramCredential,
    credential_from_password,
    format_plain,
    verify_password,
)

# -- the budget ------------------------------------------------------------------------------


def _waiter(
    budget: RequestBytesBudget, name: str, least: int, wanted: int, log: list[tuple[str, int]]
) -> Waiter:
    waiter = Waiter(least, wanted, lambda n: log.append((name, n)))
    budget.wait(waiter)
    return waiter


def test_budget_grants_waiters_first_come_first_served() -> None:
    budget = RequestBytesBudget(1000)
    budget.charge(1000)
    granted: list[tuple[str, int]] = []
    _waiter(budget, "a", 300, 600, granted)
    _waiter(budget, "b", 100, 100, granted)
    assert budget.waiting == 2 and granted == []
    budget.release(200)  # not enough for a's least: b must not jump the queue
    assert granted == []
    assert budget.headroom() == 0  # nor may a newcomer take it
    budget.release(200)  # 400 free: a gets what there is (at least its least)
    assert granted == [("a", 400)]
    budget.release(100)
    assert granted == [("a", 400), ("b", 100)]
    assert budget.used_bytes == 1000  # 500 released, 500 granted
    assert budget.peak_bytes == 1000


def test_budget_never_charges_past_its_limit() -> None:
    budget = RequestBytesBudget(1000)
    granted: list[tuple[str, int]] = []
    budget.charge(budget.headroom())
    for i in range(10):
        _waiter(budget, str(i), 150, 400, granted)
    for _ in range(20):
        budget.release(90)
        assert budget.used_bytes <= 1000
    assert budget.peak_bytes == 1000
    assert [name for name, _ in granted] == [str(i) for i in range(len(granted))]


def test_a_cancelled_waiter_lets_the_next_one_through() -> None:
    budget = RequestBytesBudget(100)
    budget.charge(80)
    granted: list[tuple[str, int]] = []
    first = _waiter(budget, "first", 50, 50, granted)
    _waiter(budget, "second", 20, 20, granted)
    assert granted == []
    budget.cancel(first)
    assert granted == [("second", 20)]


def test_an_unbounded_budget_only_counts() -> None:
    budget = RequestBytesBudget(None)
    budget.charge(10**12)
    assert budget.headroom() > 10**15
    budget.release(10**12)
    assert budget.used_bytes == 0 and budget.peak_bytes == 10**12


# -- quotas, rate, eviction ------------------------------------------------------------------


def test_quotas_per_address_with_overrides() -> None:
    quotas = ConnectionQuotas(10, 2, {"10.0.0.1": 3, "::ffff:10.0.0.2": 0})
    assert quotas.limit_for("10.0.0.1") == 3
    assert quotas.limit_for("10.0.0.2") == 0 and quotas.ip_full("10.0.0.2")
    for _ in range(2):
        assert not quotas.ip_full("10.0.0.9")
        quotas.add("10.0.0.9")
    assert quotas.ip_full("10.0.0.9")
    quotas.remove("10.0.0.9")
    assert not quotas.ip_full("10.0.0.9") and quotas.total == 1
    assert normalise_ip("::ffff:127.0.0.1") == "127.0.0.1"
    assert normalise_ip("fe80::1%eth0") == "fe80::1"


def test_creation_rate_allows_a_burst_then_spaces_connections() -> None:
    limiter = ConnectionRateLimiter(5, now=0.0)
    assert [limiter.delay_s(0.0) for _ in range(5)] == [0.0] * 5
    assert limiter.delay_s(0.0) == pytest.approx(0.2)
    assert limiter.delay_s(0.2) == 0.0
    assert limiter.delay_s(0.2) == pytest.approx(0.2)
    accepted = sum(limiter.delay_s(t / 100) == 0.0 for t in range(21, 321))  # 3 seconds
    assert accepted == 15  # 5 a second


def test_eviction_order() -> None:
    order: EvictionOrder[str] = EvictionOrder()
    order.opened("served-long-ago", 0.0)
    order.opened("busy", 0.0)
    order.opened("loris", 1.0)
    order.opened("newcomer", 9.5)
    order.completed("served-long-ago", 2.0)
    order.completed("busy", 3.0)
    busy = {"busy"}

    def is_busy(key: str) -> bool:
        return key in busy

    # Nothing qualifies while everyone was useful within the last 10 s.
    assert order.victim(5.0, 10.0, is_busy) is None
    # Never-served connections first, once old enough; then the least recently served.
    assert order.victim(11.0, 10.0, is_busy) == "loris"
    order.removed("loris")
    assert order.victim(12.5, 10.0, is_busy) == "served-long-ago"
    order.completed("served-long-ago", 12.5)
    assert order.victim(13.5, 10.0, is_busy) is None  # "busy" has requests in flight
    busy.clear()
    assert order.victim(13.5, 10.0, is_busy) == "busy"
    assert order.victim(19.6, 10.0, is_busy) == "newcomer"
    assert len(order) == 3


# -- the rate-limited log --------------------------------------------------------------------


def test_rate_limited_log(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    limited = RateLimitedLog(
        logging.getLogger("test.limited"), max_lines=3, interval_s=10.0, clock=lambda: now[0]
    )
    with caplog.at_level(logging.INFO, logger="test.limited"):
        logged = [limited.log(logging.WARNING, "bad client %d", i) for i in range(50)]
        assert logged == [True] * 3 + [False] * 47
        assert len(caplog.records) == 3
        now[0] = 5.0
        limited.flush()
        assert len(caplog.records) == 3  # the interval has not ended
        now[0] = 10.5
        limited.flush()
        assert "suppressed 47 more lines" in caplog.records[-1].getMessage()
        assert limited.log(logging.WARNING, "bad client again")
    assert limited.suppressed_total == 47


# -- settings --------------------------------------------------------------------------------


def test_network_limit_settings() -> None:
    config = load_config()
    assert config.queued_max_request_bytes == 256 * 1024 * 1024
    assert config.queued_max_request_bytes >= 2 * config.socket_request_max_bytes
    assert config.max_connections_per_ip == 2_147_483_647
    assert config.max_connection_creation_rate == 2_147_483_647
    assert 30_000 <= config.connections_max_request_read_ms <= 60_000
    assert parse_ip_overrides("127.0.0.1:3, host.example:4,[::1]:5") == {
        "127.0.0.1": 3,
        "host.example": 4,
        "::1": 5,
    }
    assert load_config(overrides={"queued.max.request.bytes": -1}).queued_max_request_bytes == -1


@pytest.mark.parametrize(
    "overrides",
    [
        {"queued.max.request.bytes": 1024 * 1024},  # below one largest frame
        {"queued.max.request.bytes": 0},
        {"max.connections.per.ip": 0},  # admits nobody
        {"max.connections.per.ip.overrides": "127.0.0.1"},
        {"max.connections.per.ip.overrides": "127.0.0.1:many"},
        {"max.connection.creation.rate": 0},
    ],
)
def test_bad_network_limit_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        load_config(overrides=overrides)


# -- the SASL gate -----------------------------------------------------------------------------

_ALICE = credential_from_password("SCRAM-SHA-512", "secret", b"salt-of-alice", 4096)


def _lookup(user: str, mechanism: str) -> ScramCredential | None:
    return _ALICE if (user, mechanism) == ("alice", "SCRAM-SHA-512") else None


def _gate(reauth_ms: int = 0) -> SaslGate:
    return SaslGate(
        ("PLAIN", "SCRAM-SHA-512"), _lookup, reauth_ms=reauth_ms, fake_salt_key=b"k" * 32
    )


def _plain_login(gate: SaslGate, now_ms: int, password: str = "secret") -> bool:
    assert gate.check(17, now_ms) is GateVerdict.HANDSHAKE
    assert gate.handshake(SaslHandshakeRequest(mechanism="PLAIN"), now_ms).failure is None
    assert gate.check(36, now_ms) is GateVerdict.AUTHENTICATE
    request = SaslAuthenticateRequest(auth_bytes=format_plain("alice", password))
    check = gate.authenticate(request, now_ms, "n" * 32)
    assert isinstance(check, PasswordCheck)  # PLAIN's check runs off the event loop
    ok = verify_password(check.credential, check.password)
    return gate.finish_password_check(ok, now_ms).authenticated


@pytest.mark.timeout(10)
def test_sasl_gate_lets_only_sasl_and_api_versions_through_before_login() -> None:
    gate = _gate()
    assert gate.check(18, 0) is GateVerdict.SERVE  # ApiVersions
    assert gate.check(3, 0) is GateVerdict.CLOSE  # Metadata
    assert "unexpected Metadata request" in gate.close_reason
    assert gate.check(36, 0) is GateVerdict.CLOSE  # SaslAuthenticate before the handshake
    assert _plain_login(gate, 0)
    assert gate.principal == "User:alice"
    assert gate.check(3, 10**9) is GateVerdict.SERVE  # no session lifetime
    assert gate.check(17, 0) is GateVerdict.SERVE  # no re-authentication: the handler refuses


@pytest.mark.timeout(10)
def test_sasl_gate_failure_closes() -> None:
    gate = _gate()
    assert not _plain_login(gate, 0, password="wrong")
    assert gate.user == "alice"
    assert gate.check(36, 0) is GateVerdict.CLOSE


@pytest.mark.timeout(10)
def test_sasl_gate_session_expiry_and_reauthentication() -> None:
    gate = _gate(reauth_ms=5000)
    assert _plain_login(gate, 1000)
    assert gate.session_expires_ms == 6000
    assert gate.check(3, 5999) is GateVerdict.SERVE
    assert gate.check(3, 6000) is GateVerdict.EXPIRED
    assert _plain_login(gate, 6000)  # an expired session may re-authenticate
    assert gate.session_expires_ms == 11000
    # Not twice within a second: that handshake goes to the handler (ILLEGAL_SASL_STATE).
    assert gate.check(17, 6000 + MIN_REAUTH_INTERVAL_MS - 1) is GateVerdict.SERVE
    assert gate.check(17, 6000 + MIN_REAUTH_INTERVAL_MS) is GateVerdict.HANDSHAKE


@pytest.mark.timeout(10)
def test_sasl_gate_fake_salt_is_stable_per_user_and_differs_between_users() -> None:
    gate = _gate()
    gate.handshake(SaslHandshakeRequest(mechanism="SCRAM-SHA-512"), 0)
    assert gate.fake_salt("mallory") == gate.fake_salt("mallory")
    assert gate.fake_salt("mallory") != gate.fake_salt("trudy")
