"""Samsa's private extensions of the Kafka protocol: their API keys and who may see them.

Kafka assigns API keys in sequence (0 to the low 90s as of Kafka 4.1) and error codes likewise
(-1 to 133). Samsa's own APIs and errors take numbers far above both, so that no future Kafka
API or error can ever collide with them, while staying inside the int16 the wire gives them.

Stock Kafka clients never see these APIs: the broker lists them in ApiVersions only when the
request names Samsa's client in ``client_software_name`` (ApiVersions v3+), and a client learns
of them only from there. Kafka's own clients would ignore an unknown key, but they do not even
have to: they are never shown one.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CONDITIONAL_PRODUCE_KEY",
    "PRIVATE_API_KEYS",
    "SAMSA_CLIENT_SOFTWARE_NAME",
]

#: Conditional append (KIP-27's "conditional publish", which Kafka never shipped): a produce
#: that succeeds only if the partition's log end offset equals the expected offset. 32000 is
#: far above Kafka's sequentially assigned keys and below int16's maximum (32767).
CONDITIONAL_PRODUCE_KEY: Final = 32000

#: Every Samsa-private API key (advertised to Samsa's client only).
PRIVATE_API_KEYS: Final = frozenset({CONDITIONAL_PRODUCE_KEY})

#: The ``client_software_name`` Samsa's client sends in ApiVersions; the broker shows private
#: APIs to clients that send it.
SAMSA_CLIENT_SOFTWARE_NAME: Final = "samsa-python"
