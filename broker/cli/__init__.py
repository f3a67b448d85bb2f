"""The broker's nouns of the ``samsa`` command: ``samsa broker …`` (run a broker),
``samsa cluster …`` (start local clusters, show one), ``samsa tls …`` (development
certificates), ``samsa top`` (throughput and lag from the brokers' metrics) and ``samsa fault``
(fault injection over a broker's admin channel). They join the
root group and the admin nouns that ``client.cli`` defines; the ``samsa`` script is this
package's ``main``.
"""

from __future__ import annotations

import importlib
from typing import Final

from client.cli import CliError, main

__all__ = ["CliError", "main"]

#: The broker's nouns: each module ``broker.cli.<noun>`` defines the click command or group
#: ``<noun>``.
_NOUNS: Final = ("broker", "cluster", "tls", "top", "fault")

for _noun in _NOUNS:
    main.add_command(getattr(importlib.import_module(f"broker.cli.{_noun}"), _noun))
