"""How this broker secures its own connections to other brokers (the follower fetchers).

``inter_broker_security(config)`` turns the inter-broker listener's settings into the client's
``ClientSecurity``:

- the listener's security protocol (``inter.broker.listener.name``, else the first listener,
  looked up in ``listener.security.protocol.map``);
- for SSL and SASL_SSL a client TLS context from the listener's ``ssl.*`` settings (with its
  ``listener.name.<name>.`` overrides): the trust store checks the leader's certificate, the
  broker's own key store is presented as its client certificate (so that listeners with
  ``ssl.client.auth=required`` accept brokers by mutual TLS), and the host name is checked when
  ``ssl.endpoint.identification.algorithm`` is ``https`` (Kafka's default);
- for SASL_PLAINTEXT and SASL_SSL the mechanism ``sasl.mechanism.inter.broker.protocol`` (it
  must be enabled on that listener, as Kafka requires) with ``inter.broker.sasl.username`` and
  ``inter.broker.sasl.password``.

Settings that cannot work are refused at start-up with one line (``ConfigError``), not at the
first fetch.
"""

from __future__ import annotations

from broker.config import BrokerConfig, ConfigError
from broker.security.tls import client_context
from client.security import ClientSecurity

__all__ = ["hostname_checked", "inter_broker_security"]

#: ``ssl.endpoint.identification.algorithm`` values that turn the host-name check off (Kafka:
#: empty; librdkafka spells it ``none``).
_NO_HOSTNAME_CHECK = frozenset({"", "none"})


def hostname_checked(algorithm: str) -> bool:
    """Whether ``ssl.endpoint.identification.algorithm`` asks for a host-name check."""
    return algorithm.strip().lower() not in _NO_HOSTNAME_CHECK


def inter_broker_security(config: BrokerConfig) -> ClientSecurity:
    """The security of this broker's connections to the others' inter-broker listener.

    Raises ``ConfigError`` (a ``ValueError``, one line) when a SASL listener has no
    credentials or does not enable the inter-broker mechanism, and the TLS builder's error
    (a ``ValueError``) when the key store or trust store cannot be loaded.
    """
    listener = config.inter_broker_listener
    protocol = listener.security_protocol
    ssl_context = None
    check_hostname = True
    if listener.uses_tls:
        settings = config.tls_settings_for(listener.name)
        ssl_context = client_context(settings)
        check_hostname = hostname_checked(settings.endpoint_identification_algorithm)
    if not listener.uses_sasl:
        return ClientSecurity(
            protocol=protocol, ssl_context=ssl_context, check_hostname=check_hostname
        )
    mechanism = config.sasl_mechanism_inter_broker_protocol
    enabled = config.sasl_mechanisms_for(listener.name)
    if mechanism not in enabled:
        raise ConfigError(
            f"sasl.mechanism.inter.broker.protocol {mechanism} is not enabled on the "
            f"inter-broker listener {listener.name} ({', '.join(enabled) or 'none'})"
        )
    username = config.inter_broker_sasl_username
    password = config.inter_broker_sasl_password
    if not username or password is None:
        raise ConfigError(
            f"the inter-broker listener {listener.name} is {protocol}: "
            "inter.broker.sasl.username and inter.broker.sasl.password are required"
        )
    return ClientSecurity(
        protocol=protocol,
        ssl_context=ssl_context,
        check_hostname=check_hostname,
        sasl_mechanism=mechanism,
        sasl_username=username,
        sasl_password=password,
    )
