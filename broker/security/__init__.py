"""Security of the broker's connections: TLS contexts, principals, SASL and ACLs.

Sits just above ``broker.config`` and ``broker.tasks``: every layer above (storage to the
server) may use it. See README.md for what each module owns.
"""
