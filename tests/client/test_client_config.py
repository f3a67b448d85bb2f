"""Client configuration: both spellings, unknown keys with suggestions, validation."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from client import ConfigError, ConsumerConfig, Producer, ProducerConfig
from client.config import AdminConfig, dotted, normalize_key
from client.errors import SerializationError
from protocol.records import Compression


def test_dotted_and_snake_case_name_the_same_option() -> None:
    a = ProducerConfig.build({"linger.ms": 7, "batch.size": 100})
    b = ProducerConfig.build(linger_ms=7, batch_size=100)
    c = ProducerConfig.build(**{"linger.ms": 7}, batch_size=100)
    assert a == b == c
    assert a.linger_ms == 7
    assert normalize_key("max.in.flight.requests.per.connection") == (
        "max_in_flight_requests_per_connection"
    )
    assert dotted("linger_ms") == "linger.ms"


def test_mapping_and_keywords_combine() -> None:
    config = ConsumerConfig.build({"group.id": "g"}, auto_offset_reset="earliest")
    assert config.group_id == "g"
    assert config.auto_offset_reset == "earliest"


def test_same_option_in_both_spellings_is_refused() -> None:
    with pytest.raises(ConfigError, match="name the same option"):
        ProducerConfig.build({"linger.ms": 1}, linger_ms=2)


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("lingr.ms", "'linger.ms'"),
        ("linger", "'linger_ms'"),
        ("batch_sise", "'batch_size'"),
        ("compresion.type", "'compression.type'"),
        ("enable.idempotency", "'enable.idempotence'"),
    ],
)
def test_unknown_key_names_the_closest_valid_keys(key: str, suggestion: str) -> None:
    with pytest.raises(ConfigError) as info:
        ProducerConfig.build({key: 1})
    text = str(info.value)
    assert f"unknown producer option {key!r}" in text
    assert "did you mean" in text and suggestion in text


def test_unknown_key_of_another_client_kind() -> None:
    with pytest.raises(ConfigError, match="unknown consumer option 'acks'"):
        ConsumerConfig.build(acks="all")
    with pytest.raises(ConfigError, match=r"unknown admin option 'group\.id'"):
        AdminConfig.build({"group.id": "x"})


def test_unknown_key_without_a_close_match_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid options:"):
        AdminConfig.build({"zzzzzzzz": 1})


def test_config_error_is_a_value_error_and_is_raised_by_the_clients() -> None:
    with pytest.raises(ValueError, match="linger_ms"):
        Producer(**{"lingerms": 5})


def test_invalid_values_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"'linger\.ms'"):
        ProducerConfig.build({"linger.ms": "soon"})
    with pytest.raises(ConfigError, match="batch_size"):
        ProducerConfig.build(batch_size=-1)
    with pytest.raises(ConfigError, match=r"compression\.type"):
        ProducerConfig.build({"compression.type": "brotli"})
    with pytest.raises(ConfigError, match="acks"):
        ProducerConfig.build(acks=2)


def test_string_values_are_converted() -> None:
    config = ProducerConfig.build({"linger.ms": "10", "enable.idempotence": "false", "acks": "1"})
    assert config.linger_ms == 10
    assert config.enable_idempotence is False
    assert config.acks == 1


def test_kafka_defaults() -> None:
    config = ProducerConfig.build()
    assert config.acks == -1
    assert config.batch_size == 16_384
    assert config.linger_ms == 5
    assert config.enable_idempotence is True
    assert config.compression_type == Compression.NONE
    assert config.max_in_flight_requests_per_connection == 5
    assert config.delivery_timeout_ms == 120_000
    assert config.buffer_memory == 32 * 1024 * 1024
    consumer = ConsumerConfig.build()
    assert consumer.partition_assignment_strategy == ["range", "cooperative-sticky"]
    assert consumer.auto_offset_reset == "latest"
    assert consumer.session_timeout_ms == 45_000


@pytest.mark.parametrize(
    ("value", "expected"), [("all", -1), ("-1", -1), (-1, -1), (0, 0), ("1", 1)]
)
def test_acks_spellings(value: object, expected: int) -> None:
    assert ProducerConfig.build(acks=value, enable_idempotence=False).acks == expected


@pytest.mark.parametrize("name", ["none", "gzip", "snappy", "lz4", "zstd", "ZSTD"])
def test_compression_names(name: str) -> None:
    assert ProducerConfig.build(compression_type=name).compression_type.name == name.upper()


def test_idempotence_by_default_yields_to_explicit_conflicting_settings() -> None:
    assert ProducerConfig.build(acks=1).enable_idempotence is False
    assert (
        ProducerConfig.build(max_in_flight_requests_per_connection=10).enable_idempotence is False
    )
    with pytest.raises(ConfigError, match=r"enable\.idempotence=true needs acks must be all"):
        ProducerConfig.build(acks=1, enable_idempotence=True)


def test_delivery_timeout_must_cover_linger_and_request_timeout() -> None:
    with pytest.raises(ConfigError, match=r"delivery\.timeout\.ms"):
        ProducerConfig.build(delivery_timeout_ms=1000, request_timeout_ms=5000)


def test_consumer_validation() -> None:
    with pytest.raises(ConfigError, match=r"heartbeat\.interval\.ms"):
        ConsumerConfig.build(heartbeat_interval_ms=50_000)
    with pytest.raises(ConfigError, match=r"group\.instance\.id needs group\.id"):
        ConsumerConfig.build(group_instance_id="a")
    with pytest.raises(ConfigError, match="assignors"):
        ConsumerConfig.build(partition_assignment_strategy="sticky")
    config = ConsumerConfig.build(
        partition_assignment_strategy="range, RoundRobin,cooperative-sticky",
        auto_offset_reset="smallest",
    )
    assert config.partition_assignment_strategy == ["range", "roundrobin", "cooperative-sticky"]
    assert config.auto_offset_reset == "earliest"


def test_bootstrap_servers_forms() -> None:
    assert ProducerConfig.build(bootstrap_servers="a:1, b:2").bootstrap_servers == [
        ("a", 1),
        ("b", 2),
    ]
    assert ProducerConfig.build(bootstrap_servers=["a:1"]).bootstrap_servers == [("a", 1)]
    assert ProducerConfig.build(bootstrap_servers="host").bootstrap_servers == [("host", 9092)]
    assert ProducerConfig.build(bootstrap_servers="[::1]:9093").bootstrap_servers == [("::1", 9093)]
    with pytest.raises(ConfigError, match="bootstrap"):
        ProducerConfig.build(bootstrap_servers="a:notaport")
    assert ProducerConfig.build(security_protocol="SSL").security_protocol == "SSL"
    with pytest.raises(ConfigError, match="security"):
        ProducerConfig.build(security_protocol="TLS")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {
                "security.protocol": "sasl_ssl",
                "sasl.mechanism": "scram-sha-256",
                "sasl.username": "a",
                "sasl.password": "p",
            },
            {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256"},
        ),
        ({"sasl.mechanisms": "PLAIN"}, {"sasl_mechanism": "PLAIN"}),
        ({"ssl.truststore.location": "/ca.pem"}, {"ssl_ca_location": "/ca.pem"}),
        (
            {"ssl.keystore.location": "/ks.pem", "ssl.key.password": "k"},
            {"ssl_key_location": "/ks.pem", "ssl_key_password": "k"},
        ),
        (
            {"ssl.certificate.location": "/c.pem", "ssl.key.location": "/k.pem"},
            {"ssl_certificate_location": "/c.pem"},
        ),
        (
            {"ssl.endpoint.identification.algorithm": "none"},
            {"ssl_endpoint_identification_algorithm": ""},
        ),
        (
            {"ssl.endpoint.identification.algorithm": ""},
            {"ssl_endpoint_identification_algorithm": ""},
        ),
        (
            {},
            {
                "security_protocol": "PLAINTEXT",
                "ssl_endpoint_identification_algorithm": "https",
                "sasl_mechanism": None,
            },
        ),
    ],
)
@pytest.mark.timeout(10)
def test_security_options(options: dict[str, str], expected: dict[str, object]) -> None:
    config = AdminConfig.build(options)
    for name, value in expected.items():
        assert getattr(config, name) == value


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"security.protocol": "SASL_PLAINTEXT"},
            "needs sasl.mechanism, sasl.username, sasl.password",
        ),
        (
            {"security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.username": "a"},
            "needs sasl.password",
        ),
        ({"sasl.mechanism": "GSSAPI"}, "GSSAPI is not supported"),
        ({"sasl.mechanism": "OAUTHBEARER"}, "OAUTHBEARER is not supported"),
        ({"sasl.mechanism": "SCRAM-SHA-1"}, "one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
        ({"ssl.endpoint.identification.algorithm": "ldap"}, "'https', 'none'"),
        ({"ssl.certificate.location": "/c.pem"}, "needs ssl.key.location"),
        ({"ssl.truststore.location": "/a", "ssl.ca.location": "/b"}, "name the same option"),
    ],
)
@pytest.mark.timeout(10)
def test_security_options_rejected_in_one_line(options: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        AdminConfig.build(options)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


class Order(BaseModel):
    id: int
    item: str


def test_serializers_by_name_callable_and_model() -> None:
    config = ProducerConfig.build(key_serializer="str", value_serializer="json")
    assert config.key_serializer is not None and config.value_serializer is not None
    assert config.key_serializer("k") == b"k"
    assert json.loads(config.value_serializer({"a": [1]}) or b"") == {"a": [1]}
    assert config.value_serializer(None) is None
    model = ProducerConfig.build(value_serializer=Order).value_serializer
    assert model is not None
    assert json.loads(model(Order(id=1, item="x")) or b"") == {"id": 1, "item": "x"}
    assert json.loads(model({"id": 2, "item": "y"}) or b"") == {"id": 2, "item": "y"}
    with pytest.raises(SerializationError):
        model({"id": "not a number"})
    custom = ProducerConfig.build(value_serializer=lambda v: str(v * 2).encode()).value_serializer
    assert custom is not None and custom(21) == b"42"
    assert ProducerConfig.build(value_serializer="bytes").value_serializer is None
    with pytest.raises(ConfigError, match="serializer"):
        ProducerConfig.build(value_serializer="yaml")
    with pytest.raises(ConfigError, match="serializer"):
        ProducerConfig.build(value_serializer=42)


def test_deserializers_by_name_and_model() -> None:
    config = ConsumerConfig.build(key_deserializer="str", value_deserializer=Order)
    assert config.key_deserializer is not None and config.value_deserializer is not None
    assert config.key_deserializer(b"k") == "k"
    assert config.value_deserializer(b'{"id":3,"item":"z"}') == Order(id=3, item="z")
    with pytest.raises(SerializationError):
        config.value_deserializer(b"{}")
    json_in = ConsumerConfig.build(value_deserializer="json").value_deserializer
    assert json_in is not None and json_in(b"[1,2]") == [1, 2]
    with pytest.raises(SerializationError):
        json_in(b"{not json")


def test_with_options_validates_again() -> None:
    config = ProducerConfig.build(linger_ms=1)
    assert config.with_options(**{"linger.ms": 9}).linger_ms == 9
    with pytest.raises(ConfigError):
        config.with_options(linger_ms=-5)


@pytest.mark.timeout(10)
def test_secrets_are_not_repeated() -> None:
    config = AdminConfig.build(sasl_password="hunter2", ssl_key_password="k3y")
    assert "hunter2" not in repr(config) and "k3y" not in repr(config)
    with pytest.raises(ConfigError) as info:
        AdminConfig.build(sasl_password=["hunter2"])
    assert "hunter2" not in str(info.value) and "sasl_password" in str(info.value)
