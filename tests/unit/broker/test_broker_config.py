"""Broker settings: Kafka names and defaults, files, environment, overrides, errors; and the
topic-config registry built on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.config import BrokerConfig, ConfigError, load_config, parse_properties
from broker.metadata.topic_configs import (
    TOPIC_CONFIGS,
    ConfigSource,
    broker_topic_defaults,
    log_config_for,
    resolve_topic_configs,
    validate_topic_overrides,
)
from broker.storage.config import LogConfig
from protocol.errors import InvalidConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("SAMSA_"):
            monkeypatch.delenv(key)


def test_kafka_defaults() -> None:
    c = load_config()
    assert c.node_id == 1
    assert (c.host, c.port) == ("127.0.0.1", 9092)
    assert c.num_partitions == 1
    assert c.default_replication_factor == 1
    assert c.auto_create_topics_enable is True
    assert c.message_max_bytes == 1048588
    assert c.log_flush_policy == "group"
    assert c.socket_request_max_bytes == 100 * 1024 * 1024
    assert c.queued_max_requests == 500
    assert c.connections_max_idle_ms == 600_000
    assert c.offsets_topic_num_partitions == 50
    assert c.group_initial_rebalance_delay_ms == 3000
    assert c.effective_log_retention_ms == 7 * 24 * 3600 * 1000
    assert c.log_dirs[0].name == "samsa"
    assert c.explicitly_set == frozenset()


def test_overrides_take_kafka_or_python_names() -> None:
    c = load_config(None, {"num.partitions": 3, "log_segment_bytes": "1048576"})
    assert (c.num_partitions, c.log_segment_bytes) == (3, 1048576)
    assert c.explicitly_set == {"num.partitions", "log.segment.bytes"}


def test_unknown_key_is_rejected_with_a_suggestion() -> None:
    with pytest.raises(ConfigError, match=r"unknown config key 'num.partition'.*num\.partitions"):
        load_config(None, {"num.partition": 3})


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("num.partitions", 0, "num.partitions"),
        ("listeners", "localhost:9092", "listeners"),
        ("listeners", "SSL://h:1", "PLAINTEXT"),
        ("log.flush.policy", "sometimes", "log.flush.policy"),
        ("log.cleanup.policy", "shred", "log.cleanup.policy"),
        ("auto.create.topics.enable", "perhaps", "auto.create.topics.enable"),
    ],
)
def test_invalid_values_name_the_setting(key: str, value: object, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_config(None, {key: value})


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMSA_NUM_PARTITIONS", "4")
    monkeypatch.setenv("SAMSA_LOG_DIRS", "/a,/b")
    monkeypatch.setenv("SAMSA_NOT_A_SETTING", "ignored")
    c = load_config()
    assert c.num_partitions == 4
    assert c.log_dirs == [Path("/a"), Path("/b")]
    # Overrides beat the environment.
    assert load_config(None, {"num.partitions": 2}).num_partitions == 2


def test_properties_file(tmp_path: Path) -> None:
    f = tmp_path / "server.properties"
    f.write_text(
        "# a comment\n! another\nnode.id=3\nlog.dirs = /data/a, \\\n  /data/b\n"
        "log.retention.hours: 1\nauto.create.topics.enable=false\n"
    )
    c = load_config(f)
    assert c.node_id == 3
    assert c.log_dirs == [Path("/data/a"), Path("/data/b")]
    assert c.effective_log_retention_ms == 3_600_000
    assert c.auto_create_topics_enable is False
    assert load_config(f, {"node.id": 5}).node_id == 5


def test_toml_and_json_files_may_nest(tmp_path: Path) -> None:
    toml = tmp_path / "samsa.toml"
    toml.write_text('"num.partitions" = 6\n[log]\ndirs = "/x"\n[log.segment]\nbytes = 2048\n')
    c = load_config(toml)
    assert (c.num_partitions, c.log_dirs, c.log_segment_bytes) == (6, [Path("/x")], 2048)
    js = tmp_path / "samsa.json"
    js.write_text('{"node": {"id": 9}, "queued.max.requests": 10}')
    c = load_config(js)
    assert (c.node_id, c.queued_max_requests) == (9, 10)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.properties")
    bad = tmp_path / "bad.toml"
    bad.write_text("= nope")
    with pytest.raises(ConfigError, match="does not parse"):
        load_config(bad)
    typo = tmp_path / "typo.properties"
    typo.write_text("log.dir=/x\n")
    with pytest.raises(ConfigError, match=r"log\.dir"):
        load_config(typo)


def test_parse_properties_separators() -> None:
    assert parse_properties("a=1\nb:2\nc = x=y\nd\n") == {"a": "1", "b": "2", "c": "x=y", "d": ""}


def test_advertised_address() -> None:
    c = load_config(None, {"listeners": "PLAINTEXT://0.0.0.0:0"})
    assert c.advertised(5555) == ("127.0.0.1", 5555)
    c = load_config(None, {"advertised.host": "kafka.example", "listeners": "PLAINTEXT://:0"})
    assert c.advertised(5555) == ("kafka.example", 5555)
    c = load_config(None, {"advertised.listeners": "PLAINTEXT://h:7"})
    assert c.advertised(5555) == ("h", 7)


# -- topic configs ------------------------------------------------------------------------------


def test_every_topic_config_default_matches_storage() -> None:
    defaults = broker_topic_defaults(load_config(), {}, {})
    assert set(defaults) == set(TOPIC_CONFIGS)
    assert log_config_for(defaults) == LogConfig()
    assert all(r.source == ConfigSource.DEFAULT_CONFIG for r in defaults.values())


def test_sources_and_synonyms_in_order_of_strength() -> None:
    config = load_config(None, {"log.retention.ms": 5000})
    defaults = broker_topic_defaults(
        config,
        {"log.segment.bytes": "4096"},
        {
            "log.segment.bytes": "8192",
            "log.cleanup.policy": "compact",
        },
    )
    assert defaults["retention.ms"].source == ConfigSource.STATIC_BROKER_CONFIG
    assert defaults["segment.bytes"].value == "4096"
    assert [s[2] for s in defaults["segment.bytes"].synonyms] == [
        ConfigSource.DYNAMIC_BROKER_CONFIG,
        ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
        ConfigSource.DEFAULT_CONFIG,
    ]
    resolved = resolve_topic_configs(defaults, {"retention.ms": "1"})
    assert resolved["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG
    assert [s[0] for s in resolved["retention.ms"].synonyms] == [
        "retention.ms",
        "log.retention.ms",
        "log.retention.ms",
    ]
    log_config = log_config_for(resolved)
    assert (log_config.retention_ms, log_config.segment_bytes, log_config.compact) == (
        1,
        4096,
        True,
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"retention.ms": "abc"},
        {"segment.bytes": "1"},
        {"no.such": "1"},
        {"min.insync.replicas": "0"},
        {"compression.type": "gzip"},
        {"cleanup.policy": "shred"},
        {"retention.ms": None},
    ],
)
def test_invalid_topic_overrides(overrides: dict[str, str | None]) -> None:
    defaults = broker_topic_defaults(load_config(), {}, {})
    with pytest.raises(InvalidConfigError):
        validate_topic_overrides(defaults, overrides)


def test_valid_overrides_are_normalised() -> None:
    defaults = broker_topic_defaults(load_config(), {}, {})
    assert validate_topic_overrides(defaults, {"cleanup.policy": "delete,compact"}) == {
        "cleanup.policy": "compact,delete"
    }


def test_broker_config_is_frozen() -> None:
    c = load_config()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        c.num_partitions = 5
    assert isinstance(c, BrokerConfig)


VOTERS = "1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095"


@pytest.mark.parametrize(
    ("settings", "roles", "is_broker", "is_controller"),
    [
        ({}, "broker,controller", True, True),
        ({"process.roles": "controller, broker"}, "broker,controller", True, True),
        (
            {"process.roles": "controller", "controller.quorum.voters": VOTERS},
            "controller",
            False,
            True,
        ),
        (
            {"process.roles": "broker", "node.id": 4, "controller.quorum.voters": VOTERS},
            "broker",
            True,
            False,
        ),
    ],
)
def test_process_roles(
    settings: dict[str, object], roles: str, is_broker: bool, is_controller: bool
) -> None:
    c = load_config(None, settings)
    assert (c.process_roles, c.is_broker, c.is_controller) == (roles, is_broker, is_controller)


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"process.roles": "broker"}, "needs controller.quorum.voters"),
        ({"process.roles": "controller"}, "needs controller.quorum.voters"),
        ({"process.roles": "observer"}, "process.roles is broker, controller"),
        ({"process.roles": ""}, "process.roles is broker, controller"),
        (
            {"process.roles": "broker", "node.id": 2, "controller.quorum.voters": VOTERS},
            "is one of controller.quorum.voters, but process.roles=broker",
        ),
    ],
)
def test_process_roles_that_cannot_work(settings: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_config(None, settings)
