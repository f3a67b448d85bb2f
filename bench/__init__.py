"""Samsa's benchmark harness: ``python -m bench`` runs a chosen set of scenarios against Samsa,
the produce-only sink (the ceiling for a Python broker here), this machine's loopback and disk
limits, and peer brokers (NATS JetStream, RabbitMQ streams), and writes a Markdown report, PNG
plots and raw JSON into a results folder. See ``bench/README.md``.

The older single-purpose scripts (``broker_bench.py``, ``client_bench.py``, ``protocol_bench.py``,
``storage_bench.py``) still run on their own; the harness imports what it shares with them.
"""
