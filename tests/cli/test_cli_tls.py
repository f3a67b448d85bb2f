"""``samsa tls init``: the files it makes, their modes, the settings it prints (which load into a
broker config and a working TLS context), and its refusal to overwrite."""

from __future__ import annotations

import socket
import ssl
import stat
from pathlib import Path
from typing import Any

import pytest
from cli.cli_support import run_samsa
from click.testing import CliRunner
from support.certs import handshake

from broker.cli import main
from broker.config import load_config, parse_properties
from broker.security.principal import distinguished_name
from broker.security.tls import server_context

pytestmark = pytest.mark.timeout(60)


def _init(*args: str) -> str:
    result = CliRunner().invoke(main, ["tls", "init", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _handshake(context: ssl.SSLContext, client: ssl.SSLContext, hostname: str) -> dict[str, Any]:
    """Handshake over a socket pair; the client certificate the server saw."""
    out = handshake(context, client, hostname)
    assert out.ok, out
    assert out.client_peercert is not None
    return out.client_peercert


def test_init_makes_certificates_a_broker_and_client_can_use(tmp_path: Path) -> None:
    out = _init(
        str(tmp_path / "tls"),
        "--hostname",
        "kafka.test",
        "--client",
        "alice",
        "--client",
        "bob",
        "--days",
        "30",
    )
    directory = (tmp_path / "tls").absolute()
    for name in ("ca", "broker", "alice", "bob"):
        assert (directory / f"{name}.crt").is_file()
        key_mode = stat.S_IMODE((directory / f"{name}.key").stat().st_mode)
        assert key_mode == 0o600, (name, oct(key_mode))
    assert not (directory / "client.crt").exists()

    # The printed broker settings load as a broker config...
    broker_part, _, client_part = out.partition("# Client settings")
    printed = parse_properties(broker_part)
    assert printed["listeners"] == "SSL://0.0.0.0:9093"
    assert printed["advertised.listeners"] == "SSL://kafka.test:9093"
    assert printed["ssl.truststore.location"] == str(directory / "ca.crt")
    config = load_config(None, printed)
    listener = config.listener_named("SSL")
    assert listener.uses_tls
    settings = config.tls_settings_for("SSL")
    assert settings.client_auth == "required"

    # ...whose TLS context serves a client holding the printed client settings.
    client_settings = parse_properties(client_part.partition("\n")[2])
    assert client_settings["security.protocol"] == "SSL"
    client = ssl.create_default_context(cafile=client_settings["ssl.ca.location"])
    client.load_cert_chain(
        client_settings["ssl.certificate.location"], client_settings["ssl.key.location"]
    )
    seen = _handshake(server_context(settings), client, "kafka.test")
    assert distinguished_name(seen) == "CN=alice"
    # The broker's certificate names this machine, localhost and the loopback addresses too.
    for hostname in ("localhost", socket.gethostname()):
        _handshake(server_context(settings), client, hostname)


def test_init_defaults_to_one_client_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = _init(str(tmp_path))
    assert "listeners=SSL://localhost:9093" in out
    assert f"ssl.certificate.location={tmp_path / 'client.crt'}" in out
    before = (tmp_path / "ca.crt").read_bytes()

    done = run_samsa("tls", "init", str(tmp_path))
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert err.strip() == f"samsa: error: {tmp_path / 'ca.crt'} exists (--force overwrites it)"
    assert (tmp_path / "ca.crt").read_bytes() == before

    _init(str(tmp_path), "--force")
    assert (tmp_path / "ca.crt").read_bytes() != before
    assert stat.S_IMODE((tmp_path / "ca.key").stat().st_mode) == 0o600


def test_init_refuses_a_client_named_like_another_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tls", "init", str(tmp_path), "--client", "ca"])
    assert result.exit_code == 2
    assert "cannot name a client file" in result.output
