"""The controller port over mutual TLS: messages and RPCs cross between two endpoints; peers
without a certificate, with an untrusted one, or speaking plain TCP are refused, counted, and
the endpoint keeps serving."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import pytest
from support.certs import Issued, client_context, issue, make_ca, server_context
from support.ports import free_ports
from support.waiting import eventually

from broker.config import BrokerConfig, ConfigError, load_config
from broker.raft.messages import Message, VoteResponse
from broker.raft.tcp import ControllerEndpoint
from broker.security.controller_tls import controller_tls

pytestmark = pytest.mark.timeout(60)

DEADLINE_S = 15.0


class Inbox:
    """A ``MessageSink`` that keeps what it gets."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def deliver(self, message: Message) -> bool:
        self.messages.append(message)
        return True


async def echo(op: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"op": op, "got": body}


def vote(sender: int, receiver: int, term: int = 1) -> VoteResponse:
    return VoteResponse(term=term, sender=sender, receiver=receiver, granted=True)


@pytest.fixture
def ca() -> Issued:
    return make_ca()


def mutual_server(issued: Issued, ca: Issued) -> ssl.SSLContext:
    """The server side of the controller port: a client certificate from ``ca`` required."""
    return server_context(issued, client_ca=ca)


async def test_raft_messages_and_rpcs_cross_over_mutual_tls(ca: Issued) -> None:
    ports = free_ports(2)
    addresses = {1: ("127.0.0.1", ports[0]), 2: ("127.0.0.1", ports[1])}
    certs = {i: issue(ca, f"controller-{i}") for i in addresses}
    endpoints = {
        i: ControllerEndpoint(
            i,
            *addresses[i],
            addresses,
            rpc_handler=echo,
            ssl_server=mutual_server(certs[i], ca),
            ssl_client=client_context(ca, certs[i]),
        )
        for i in addresses
    }
    inboxes = {i: Inbox() for i in addresses}
    for i, endpoint in endpoints.items():
        endpoint.sink = inboxes[i]
        await endpoint.start()
    try:
        endpoints[1].transport().send(vote(1, 2))
        endpoints[2].transport().send(vote(2, 1, term=2))
        await eventually(lambda: inboxes[2].messages == [vote(1, 2)], DEADLINE_S, "1 -> 2")
        await eventually(lambda: inboxes[1].messages == [vote(2, 1, 2)], DEADLINE_S, "2 -> 1")
        assert await endpoints[1].call(2, "ping", {"a": 1}, 5) == {"op": "ping", "got": {"a": 1}}
        assert all(e.tls_handshake_failures == 0 for e in endpoints.values())
        assert all(link.tls_failures == 0 for e in endpoints.values() for link in e.links.values())
    finally:
        for endpoint in endpoints.values():
            await endpoint.stop()


async def test_peers_without_a_trusted_certificate_are_refused_and_the_port_keeps_serving(
    ca: Issued,
) -> None:
    ports = free_ports(4)
    addresses = {i: ("127.0.0.1", ports[i - 1]) for i in (1, 2, 3, 4)}
    server_cert = issue(ca, "controller-2")
    server = ControllerEndpoint(
        2,
        *addresses[2],
        {2: addresses[2]},
        rpc_handler=echo,
        ssl_server=mutual_server(server_cert, ca),
    )
    inbox = Inbox()
    server.sink = inbox
    await server.start()
    stranger_ca = make_ca("Other CA")
    # 1: a trusted certificate; 3: none at all; 4: one signed by a CA the server does not trust.
    clients = {
        1: client_context(ca, issue(ca, "controller-1")),
        3: client_context(ca),
        4: client_context(ca, issue(stranger_ca, "controller-4")),
    }
    links = {
        i: ControllerEndpoint(i, *addresses[i], {2: addresses[2]}, ssl_client=context)
        for i, context in clients.items()
    }
    for endpoint in links.values():
        await endpoint.start(listen=False)
    try:
        links[3].transport().send(vote(3, 2))
        links[4].transport().send(vote(4, 2))
        await eventually(
            lambda: server.tls_handshake_failures >= 2, DEADLINE_S, "two refused handshakes"
        )
        # A peer speaking plain TCP is refused the same way.
        reader, writer = await asyncio.open_connection(*addresses[2])
        writer.write(b"\x00\x00\x00\x10not a TLS hello")
        await writer.drain()
        async with asyncio.timeout(DEADLINE_S):
            assert await reader.read() == b""
        writer.close()
        await eventually(lambda: server.tls_handshake_failures >= 3, DEADLINE_S, "plain refused")
        # The trusted peer still gets through, messages and RPCs.
        links[1].transport().send(vote(1, 2))
        await eventually(lambda: vote(1, 2) in inbox.messages, DEADLINE_S, "1 -> 2")
        assert await links[1].call(2, "ping", {}, 5) == {"op": "ping", "got": {}}
        assert all(m.sender == 1 for m in inbox.messages)
    finally:
        for endpoint in links.values():
            await endpoint.stop()
        await server.stop()


async def test_a_link_refuses_a_server_whose_certificate_is_not_for_its_host(ca: Issued) -> None:
    [port] = free_ports(1)
    address = ("127.0.0.1", port)
    wrong_host = issue(ca, "controller-2", hosts=("elsewhere.example",))
    server = ControllerEndpoint(2, *address, {2: address}, ssl_server=mutual_server(wrong_host, ca))
    inbox = Inbox()
    server.sink = inbox
    await server.start()
    checking = client_context(ca, issue(ca, "controller-1"))
    assert checking.check_hostname
    client = ControllerEndpoint(1, "127.0.0.1", 0, {2: address}, ssl_client=checking)
    await client.start(listen=False)
    try:
        client.transport().send(vote(1, 2))
        await eventually(lambda: client.links[2].tls_failures > 0, DEADLINE_S, "refused")
        assert inbox.messages == []
    finally:
        await client.stop()
        await server.stop()


def test_contexts_are_what_the_tests_claim(ca: Issued) -> None:
    assert mutual_server(issue(ca, "x"), ca).verify_mode == ssl.CERT_REQUIRED
    assert client_context(ca).check_hostname


# -- the contexts from the broker's settings -----------------------------------------------------


def controller_config(directory: Path, ca: Issued, name: str, **settings: Any) -> BrokerConfig:
    """A node whose controller listener (``controller``, the first of two) is SSL, with its own
    key store and trust store (``listener.name.controller.*``) and ``ssl.client.auth=none``."""
    prefix = "listener.name.controller."
    return load_config(
        None,
        {
            "controller.listener.names": "controller,OTHER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL,OTHER:PLAINTEXT",
            "ssl.client.auth": "none",
            prefix + "ssl.keystore.location": str(issue(ca, name).write_keystore(directory, name)),
            prefix + "ssl.truststore.location": str(ca.write_cert(directory, "ca")),
            **settings,
        },
    )


def test_a_plaintext_controller_port_has_no_contexts() -> None:
    config = load_config(None, {})
    assert not config.controller_uses_tls
    assert controller_tls(config) is None


async def test_the_controller_contexts_make_mutual_tls_whatever_ssl_client_auth_says(
    ca: Issued, tmp_path: Path
) -> None:
    ports = free_ports(2)
    addresses = {i: ("127.0.0.1", ports[i - 1]) for i in (1, 2)}
    contexts = {}
    for i in addresses:
        config = controller_config(tmp_path, ca, f"c-{i}")
        assert config.controller_uses_tls
        built = controller_tls(config)
        assert built is not None
        contexts[i] = built
    assert all(server.verify_mode == ssl.CERT_REQUIRED for server, _ in contexts.values())
    assert all(client.check_hostname for _, client in contexts.values())
    endpoints = {
        i: ControllerEndpoint(
            i, *addresses[i], addresses, ssl_server=contexts[i][0], ssl_client=contexts[i][1]
        )
        for i in addresses
    }
    inbox = Inbox()
    endpoints[2].sink = inbox
    anonymous = ControllerEndpoint(
        3, "127.0.0.1", 0, {2: addresses[2]}, ssl_client=client_context(ca)
    )
    for endpoint in [*endpoints.values(), anonymous]:
        await endpoint.start(listen=endpoint is not anonymous)
    try:
        endpoints[1].transport().send(vote(1, 2))
        anonymous.transport().send(vote(3, 2))
        await eventually(lambda: vote(1, 2) in inbox.messages, DEADLINE_S, "1 -> 2")
        await eventually(lambda: endpoints[2].tls_handshake_failures > 0, DEADLINE_S, "refused")
        assert all(m.sender == 1 for m in inbox.messages)
    finally:
        for endpoint in [*endpoints.values(), anonymous]:
            await endpoint.stop()


def test_a_controller_listener_without_a_truststore_is_refused(ca: Issued, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CONTROLLER uses mutual TLS but has no truststore"):
        controller_config(
            tmp_path, ca, "c-1", **{"listener.name.controller.ssl.truststore.location": ""}
        )


async def test_silent_peers_time_out_and_handshakes_in_progress_are_bounded(
    ca: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("broker.raft.tcp.TLS_HANDSHAKE_TIMEOUT_S", 0.5)
    monkeypatch.setattr("broker.raft.tcp.MAX_TLS_HANDSHAKES", 1)
    [port] = free_ports(1)
    address = ("127.0.0.1", port)
    server = ControllerEndpoint(
        2, *address, {2: address}, ssl_server=mutual_server(issue(ca, "c-2"), ca)
    )
    await server.start()
    try:
        silent_reader, silent_writer = await asyncio.open_connection(*address)
        await eventually(lambda: server._handshakes_in_progress == 1, DEADLINE_S, "handshaking")
        # Beyond the bound a connection is closed at once.
        reader, writer = await asyncio.open_connection(*address)
        async with asyncio.timeout(DEADLINE_S):
            assert await reader.read() == b""
        writer.close()
        assert server.tls_handshake_failures == 1
        # The silent one is closed when its handshake times out.
        async with asyncio.timeout(DEADLINE_S):
            assert await silent_reader.read() == b""
        silent_writer.close()
        await eventually(lambda: server.tls_handshake_failures == 2, DEADLINE_S, "timed out")
        assert server._handshakes_in_progress == 0
    finally:
        await server.stop()
