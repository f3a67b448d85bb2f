"""The network layer: the listener and the Kafka protocol on each connection."""
