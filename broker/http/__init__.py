"""The broker's HTTP listener and what it serves: /metrics, health, the console."""
