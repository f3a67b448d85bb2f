"""Mutual TLS on the controller port (Raft and the controller RPCs between nodes).

When the controller listener (the first of ``controller.listener.names``) maps to SSL in
``listener.security.protocol.map`` (``BrokerConfig.controller_uses_tls``), every connection
on the controller port is mutual TLS: the server side demands a certificate signed by the
trust store (``ssl.client.auth=required`` whatever the setting says: only nodes of the cluster
talk there), the client side presents this node's certificate and checks the peer's, and its
host name when ``ssl.endpoint.identification.algorithm`` is ``https``. Both contexts come from
that listener's ``ssl.*`` settings (with its ``listener.name.<name>.`` overrides).
"""

from __future__ import annotations

import dataclasses
import ssl

from broker.config import BrokerConfig
from broker.security.tls import client_context, server_context

__all__ = ["controller_listener_name", "controller_tls"]


def controller_listener_name(config: BrokerConfig) -> str:
    """The controller listener: the first of ``controller.listener.names``, upper case."""
    return config.controller_listener_names.split(",")[0].strip().upper()


def controller_tls(config: BrokerConfig) -> tuple[ssl.SSLContext, ssl.SSLContext] | None:
    """``(server, client)`` contexts for the controller port, None when it is plain TCP.

    Raises the TLS builder's error (a ``ValueError``, one line) when the key store or trust
    store cannot be loaded.
    """
    if not config.controller_uses_tls:
        return None
    settings = config.tls_settings_for(controller_listener_name(config))
    server = server_context(dataclasses.replace(settings, client_auth="required"))
    return server, client_context(settings)
