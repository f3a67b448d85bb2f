"""Broker settings: Kafka names and defaults, files, environment, overrides, errors; and the
topic-config registry built on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.config import (
    BrokerConfig,
    ConfigError,
    ListenerConfig,
    TlsSettings,
    load_config,
    parse_properties,
)
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

pytestmark = pytest.mark.timeout(30)


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
        ("listeners", "SSL://h:1", "listener SSL uses TLS but has no keystore"),
        ("listeners", "NOPE://h:1", "NOPE has no security protocol"),
        ("listeners", "PLAINTEXT://h:1,plaintext://h:2", "PLAINTEXT appears twice"),
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


def test_default_listener_is_one_plaintext_listener_on_loopback() -> None:
    c = load_config()
    assert c.client_listeners == [ListenerConfig("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092)]
    assert c.listener == c.inter_broker_listener == c.listener_named("plaintext")
    assert str(c.listener) == "PLAINTEXT://127.0.0.1:9092"
    assert not c.listener.uses_tls and not c.listener.uses_sasl
    assert c.sasl_mechanisms_for("PLAINTEXT") == ("SCRAM-SHA-256", "SCRAM-SHA-512")
    assert (c.authorizer_enabled, c.controller_uses_tls, c.super_user_set) == (
        False,
        False,
        frozenset(),
    )
    assert c.connections_max_reauth_ms == 0
    assert c.sasl_server_max_receive_size == 524288
    assert c.connection_failed_authentication_delay_ms == 100
    with pytest.raises(KeyError):
        c.listener_named("SSL")


def test_several_listeners_and_their_endpoints() -> None:
    c = load_config(
        None,
        {
            "listeners": "PLAINTEXT://:0,sasl_plaintext://0.0.0.0:9094,INTERNAL://[::1]:9095",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
            "INTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "advertised.listeners": "SASL_PLAINTEXT://kafka.example:0,INTERNAL://:19095",
            "inter.broker.listener.name": "internal",
            "listener.name.sasl_plaintext.sasl.enabled.mechanisms": "plain, SCRAM-SHA-512",
        },
    )
    assert [(lc.name, lc.security_protocol, lc.host, lc.port) for lc in c.client_listeners] == [
        ("PLAINTEXT", "PLAINTEXT", "", 0),
        ("SASL_PLAINTEXT", "SASL_PLAINTEXT", "0.0.0.0", 9094),
        ("INTERNAL", "SASL_PLAINTEXT", "::1", 9095),
    ]
    assert str(c.listener_named("internal")) == "INTERNAL://[::1]:9095"
    assert c.inter_broker_listener.name == "INTERNAL"
    assert c.listener_named("INTERNAL").uses_sasl
    assert (c.host, c.port) == ("", 0)
    assert c.advertised(5555) == ("127.0.0.1", 5555)
    assert c.advertised_endpoint("PLAINTEXT", 1) == ("127.0.0.1", 1)
    assert c.advertised_endpoint("sasl_plaintext", 2) == ("kafka.example", 2)
    assert c.advertised_endpoint("INTERNAL", 3) == ("127.0.0.1", 19095)
    assert c.sasl_mechanisms_for("SASL_PLAINTEXT") == ("PLAIN", "SCRAM-SHA-512")
    assert c.sasl_mechanisms_for("INTERNAL") == ("SCRAM-SHA-256", "SCRAM-SHA-512")
    assert "listener.name.sasl_plaintext.sasl.enabled.mechanisms" in c.explicitly_set


def test_a_controller_listener_in_listeners_is_not_a_client_listener() -> None:
    c = load_config(None, {"listeners": "CONTROLLER://:9093,PLAINTEXT://:9092"})
    assert [lc.name for lc in c.client_listeners] == ["PLAINTEXT"]
    with pytest.raises(ConfigError, match="needs a client listener"):
        load_config(None, {"listeners": "CONTROLLER://:9093"})


def test_tls_settings_global_and_per_listener(tmp_path: Path) -> None:
    c = load_config(
        None,
        {
            "listeners": "SSL://:0,SASL_SSL://:0",
            "ssl.keystore.location": str(tmp_path / "broker.pem"),
            "ssl.keystore.key": str(tmp_path / "broker.key"),
            "ssl.key.password": "secret",
            "ssl.truststore.location": str(tmp_path / "ca.crt"),
            "ssl.client.auth": "required",
            "ssl.enabled.protocols": "TLSv1.3",
            "ssl.cipher.suites": "ECDHE+AESGCM",
            "listener.name.sasl_ssl.ssl.keystore.certificate.chain": "-----BEGIN CERT…",
            "listener.name.sasl_ssl.ssl.keystore.key": "-----BEGIN KEY…",
        },
    )
    ssl_ = c.tls_settings_for("ssl")
    assert ssl_ == TlsSettings(
        keystore_location=tmp_path / "broker.pem",
        keystore_certificate_chain=None,
        keystore_key=str(tmp_path / "broker.key"),
        key_password="secret",
        truststore_location=tmp_path / "ca.crt",
        truststore_certificates=None,
        client_auth="required",
        enabled_protocols=("TLSv1.3",),
        cipher_suites="ECDHE+AESGCM",
        endpoint_identification_algorithm="https",
    )
    sasl_ssl = c.tls_settings_for("SASL_SSL")
    assert sasl_ssl.keystore_location is None
    assert sasl_ssl.keystore_certificate_chain == "-----BEGIN CERT…"
    assert (sasl_ssl.keystore_key, sasl_ssl.key_password) == ("-----BEGIN KEY…", None)
    # KIP-684: the global ssl.client.auth is not a SASL_SSL listener's...
    assert sasl_ssl.client_auth == "none"
    # ...unless set with its prefix.
    prefixed = load_config(
        None,
        {
            "listeners": "SASL_SSL://:0",
            "ssl.keystore.location": str(tmp_path / "broker.pem"),
            "ssl.truststore.location": str(tmp_path / "ca.crt"),
            "listener.name.sasl_ssl.ssl.client.auth": "requested",
        },
    )
    assert prefixed.tls_settings_for("SASL_SSL").client_auth == "requested"
    assert sasl_ssl.truststore_location == tmp_path / "ca.crt"
    assert c.listener_named("SASL_SSL").uses_tls and c.listener_named("SASL_SSL").uses_sasl
    # Secrets are never printed.
    settings = c.kafka_settings()
    assert settings["ssl.key.password"] is None
    assert settings["ssl.keystore.key"] is None
    assert settings["listener.name.sasl_ssl.ssl.keystore.key"] is None
    assert settings["listener.name.sasl_ssl.ssl.keystore.certificate.chain"] == "-----BEGIN CERT…"


def test_per_listener_settings_from_a_file_join_the_overrides(tmp_path: Path) -> None:
    f = tmp_path / "server.properties"
    f.write_text(
        "listeners=SASL_PLAINTEXT://:0\n"
        "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN\n"
        "listener.name.sasl_plaintext.ssl.client.auth=requested\n"
    )
    c = load_config(f, {"listener.name.sasl_plaintext.ssl.client.auth": "required"})
    assert c.listener_overrides == {
        "SASL_PLAINTEXT": {"sasl.enabled.mechanisms": "PLAIN", "ssl.client.auth": "required"}
    }


def test_security_switches() -> None:
    c = load_config(
        None,
        {
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": "User:admin; User:broker",
            "allow.everyone.if.no.acl.found": "true",
        },
    )
    assert c.authorizer_enabled
    assert c.super_user_set == {"User:admin", "User:broker"}
    assert c.allow_everyone_if_no_acl_found
    assert load_config(None, {"authorizer.class.name": "samsa"}).authorizer_enabled


def test_mutual_tls_on_the_controller_port(tmp_path: Path) -> None:
    ssl_map = "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL"
    with pytest.raises(ConfigError, match="listener CONTROLLER uses TLS but has no keystore"):
        load_config(None, {"listener.security.protocol.map": ssl_map})
    with pytest.raises(ConfigError, match="has no truststore"):
        load_config(
            None,
            {
                "listener.security.protocol.map": ssl_map,
                "listener.name.controller.ssl.keystore.location": str(tmp_path / "c.pem"),
            },
        )
    c = load_config(
        None,
        {
            "listener.security.protocol.map": ssl_map,
            "ssl.keystore.location": str(tmp_path / "c.pem"),
            "ssl.truststore.location": str(tmp_path / "ca.crt"),
        },
    )
    assert c.controller_uses_tls
    assert c.tls_settings_for("CONTROLLER").keystore_location == tmp_path / "c.pem"
    with pytest.raises(ConfigError, match="PLAINTEXT or SSL"):
        load_config(
            None, {"listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:SASL_SSL"}
        )


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"listeners": "SASL_SSL://:0"}, "listener SASL_SSL uses TLS but has no keystore"),
        (
            {"listeners": "SSL://:0", "ssl.keystore.certificate.chain": "x"},
            "listener SSL uses TLS but has no keystore",
        ),
        (
            {"listeners": "SASL_PLAINTEXT://:0", "sasl.enabled.mechanisms": ""},
            "listener SASL_PLAINTEXT uses SASL but sasl.enabled.mechanisms is empty",
        ),
        ({"sasl.enabled.mechanisms": "GSSAPI"}, "unknown SASL mechanism 'GSSAPI'"),
        ({"sasl.mechanism.inter.broker.protocol": "OAUTHBEARER"}, "unknown SASL mechanism"),
        (
            {
                "listeners": "SASL_PLAINTEXT://:0",
                "sasl.enabled.mechanisms": "PLAIN",
                "controller.quorum.voters": "1@h:9093",
            },
            "SCRAM-SHA-512 is not enabled on the inter-broker listener SASL_PLAINTEXT",
        ),
        (
            {"listeners": "SASL_PLAINTEXT://:0", "controller.quorum.voters": "1@h:9093"},
            "set inter.broker.sasl.username and inter.broker.sasl.password",
        ),
        ({"inter.broker.listener.name": "SSL"}, "inter.broker.listener.name SSL is not one"),
        ({"advertised.listeners": "SSL://h:1"}, "advertised.listeners: SSL is not one"),
        ({"listener.security.protocol.map": "PLAINTEXT:TLS"}, "the protocol is one of"),
        ({"listener.security.protocol.map": "PLAINTEXT:PLAINTEXT"}, "controller listener"),
        ({"ssl.keystore.type": "JKS"}, "ssl.keystore.type: only PEM is supported"),
        ({"ssl.truststore.type": "PKCS12"}, "ssl.truststore.type: only PEM is supported"),
        ({"ssl.client.auth": "always"}, "ssl.client.auth"),
        ({"ssl.enabled.protocols": "TLSv1.1"}, "ssl.enabled.protocols"),
        ({"authorizer.class.name": "com.acme.Authorizer"}, "authorizer 'com.acme.Authorizer'"),
        ({"super.users": "admin"}, "super user 'admin' is not of the form User:name"),
        ({"listener.name.plaintext.sasl.jaas.config": "x"}, "cannot be set per listener"),
        ({"listener.name.plaintext": "x"}, "listener.name.<listener>.<setting>"),
        ({"listener.name.other.ssl.client.auth": "none"}, "there is no listener OTHER"),
        ({"listener.name.plaintext.ssl.client.auth": "yes"}, "none, requested or required"),
        ({"listener.name.plaintext.ssl.keystore.type": "JKS"}, "only PEM"),
        ({"listener.name.plaintext.sasl.enabled.mechanisms": "X"}, "unknown SASL mechanism"),
    ],
)
def test_invalid_security_settings(settings: dict[str, object], match: str) -> None:
    with pytest.raises(ConfigError, match=match) as caught:
        load_config(None, settings)
    assert "\n" not in str(caught.value)


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
