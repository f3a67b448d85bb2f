"""Partition replicas: leader state, high watermark, the commit path (one replica for now)."""
