"""Embedded mode: ``Broker.embedded``, ``Broker.embedded_in_thread`` and the pytest plugin."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from broker import Broker
from protocol.codec import decode_response, encode_request, join_frame
from protocol.headers import RequestHeader
from protocol.messages import ApiVersionsRequest


def _sync_api_versions(bootstrap: str) -> int:
    host, _, port = bootstrap.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(join_frame(encode_request(RequestHeader(18, 0, 1, "sync"), ApiVersionsRequest())))
        size = struct.unpack(">i", s.recv(4, socket.MSG_WAITALL))[0]
        frame = s.recv(size, socket.MSG_WAITALL)
    _, body = decode_response(18, 0, memoryview(frame))
    return body.error_code  # type: ignore[attr-defined, no-any-return]


async def test_embedded_uses_a_temporary_directory_and_removes_it() -> None:
    async with Broker.embedded() as broker:
        data = broker.data_dirs[0]
        assert data.exists() and broker.port > 0
        assert broker.bootstrap_servers == f"127.0.0.1:{broker.port}"
        assert broker.config.log_flush_policy == "none"
    assert not data.exists()


async def test_embedded_keeps_a_given_directory(tmp_path: Path) -> None:
    async with Broker.embedded(tmp_path, num_partitions=3) as broker:
        assert broker.config.num_partitions == 3
        assert broker.config.log_flush_policy == "group"
    assert (tmp_path / "meta.properties").exists()


def test_embedded_in_thread_serves_synchronous_code() -> None:
    started = time.monotonic()
    settings: dict[str, Any] = {"num.partitions": 2}
    with Broker.embedded_in_thread(**settings) as broker:
        assert time.monotonic() - started < 5
        assert _sync_api_versions(broker.bootstrap_servers) == 0
        data = broker.data_dirs[0]
    assert not data.exists()


def test_embedded_in_thread_reports_start_errors(tmp_path: Path) -> None:
    from broker.config import ConfigError

    with pytest.raises(ConfigError), Broker.embedded_in_thread(tmp_path, bogus_setting=1):
        pass


def test_the_samsa_broker_fixture(samsa_broker: Broker) -> None:
    assert _sync_api_versions(samsa_broker.bootstrap_servers) == 0


def test_the_plugin_in_a_users_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent("""
        import pytest

        def test_plain(samsa_broker):
            assert samsa_broker.bootstrap_servers.startswith("127.0.0.1:")

        @pytest.mark.samsa_config(num_partitions=4)
        def test_configured(samsa_broker):
            assert samsa_broker.config.num_partitions == 4
    """)
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.getcwd(), *sys.path]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
