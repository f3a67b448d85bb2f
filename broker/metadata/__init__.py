"""Cluster metadata: records, the immutable image they build, the log, and the controller."""
