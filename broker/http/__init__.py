"""The broker's HTTP listener: metrics, health checks and the web console."""
