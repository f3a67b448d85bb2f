"""The inter-broker user's SCRAM credential: the active controller creates it when the metadata
has none (never replacing one), and a broker registers only once it is there and its own
password matches it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from support.memory_metadata_log import MemoryLog

from broker.config import BrokerConfig, load_config
from broker.metadata.controller import Controller
from broker.metadata.image import MetadataImage
from broker.metadata.quorum import BrokerLifecycle, handle_rpc
from broker.metadata.records import UserScramCredentialRecord
from broker.metadata.security_planner import (
    InterBrokerUser,
    inter_broker_scram_user,
    plan_inter_broker_credential,
)
from protocol.scram import MIN_ITERATIONS, credential_from_password, verify_password

pytestmark = pytest.mark.timeout(30)

KEY = ("broker", "SCRAM-SHA-512")


def _config(**extra: Any) -> BrokerConfig:
    settings: dict[str, Any] = {
        "log.dirs": "/nonexistent",
        "node.id": 1,
        "listeners": "CLIENT://127.0.0.1:0,BROKER://127.0.0.1:0",
        "listener.security.protocol.map": (
            "CLIENT:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"
        ),
        "inter.broker.listener.name": "BROKER",
        "controller.quorum.voters": "1@127.0.0.1:9999",
        "inter.broker.sasl.username": "broker",
        "inter.broker.sasl.password": "secret",
    }
    settings.update(extra)
    return load_config(None, settings)


def test_the_inter_broker_user_is_the_scram_user_of_a_sasl_inter_broker_listener() -> None:
    assert inter_broker_scram_user(_config()) == InterBrokerUser(
        "broker", "SCRAM-SHA-512", "secret"
    )
    plaintext = _config(
        **{
            "listener.security.protocol.map": (
                "CLIENT:SASL_PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT"
            )
        }
    )
    assert inter_broker_scram_user(plaintext) is None
    plain = _config(
        **{
            "sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "PLAIN",
        }
    )
    assert inter_broker_scram_user(plain) is None
    alone = load_config(None, {"log.dirs": "/nonexistent"})
    assert inter_broker_scram_user(alone) is None


def test_the_credential_is_planned_only_when_missing() -> None:
    who = InterBrokerUser("broker", "SCRAM-SHA-512", "secret")
    [record] = plan_inter_broker_credential(MetadataImage.empty(), who, b"s" * 32, MIN_ITERATIONS)
    assert isinstance(record, UserScramCredentialRecord)
    image = MetadataImage.empty().apply(0, [record])
    assert verify_password(image.scram_credentials[KEY], "secret")
    other = InterBrokerUser("broker", "SCRAM-SHA-512", "another")
    assert plan_inter_broker_credential(image, other, b"t" * 32, MIN_ITERATIONS) == []


async def test_the_active_controller_creates_it_once_and_never_replaces_it() -> None:
    log = MemoryLog()
    controller = Controller(log, MetadataImage.empty(), _config())
    await controller.control_tick()
    credential = controller.image.scram_credentials[KEY]
    assert verify_password(credential, "secret") and credential.iterations == MIN_ITERATIONS
    batches = len(log.batches)
    await controller.control_tick()
    assert len(log.batches) == batches
    # Another node's differing password does not overwrite it.
    other = Controller(log, controller.image, _config(**{"inter.broker.sasl.password": "x"}))
    await other.control_tick()
    assert other.image.scram_credentials[KEY] is credential


class Router:
    def __init__(self, active: Controller) -> None:
        self.active = active
        self.ops: list[str] = []

    async def call(self, op: str, body: dict[str, Any], timeout_s: float = 10.0) -> dict[str, Any]:
        self.ops.append(op)
        return await handle_rpc(self.active, op, body)

    async def wait_for_offset(self, offset: int) -> None:
        return None


def _credential_record(password: str) -> UserScramCredentialRecord:
    c = credential_from_password("SCRAM-SHA-512", password, b"salt" * 8, MIN_ITERATIONS)
    return UserScramCredentialRecord(*KEY, c.salt, c.stored_key, c.server_key, c.iterations)


async def test_a_broker_registers_only_with_a_matching_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = _config(**{"node.id": 2})
    active = Controller(MemoryLog(), MetadataImage.empty(), config)
    router = Router(active)
    lifecycle = BrokerLifecycle(active, router, config, "h", 9093)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, "samsa.quorum"):
        assert await lifecycle._beat() is None  # no credential yet
        await active._commit([_credential_record("wrong")])
        assert await lifecycle._beat() is None
        assert await lifecycle._beat() is None
    assert router.ops == [] and 2 not in active.image.brokers
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, "the mismatch is logged once"
    assert "does not match" in errors[0] and "broker 2 does not register" in errors[0]
    await active._commit([_credential_record("secret")])  # an operator fixed it
    answer = await lifecycle._beat()
    assert answer is not None and router.ops[0] == "register" and 2 in active.image.brokers
