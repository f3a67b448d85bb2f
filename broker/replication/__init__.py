"""Partition replicas: leaders, followers, the ISR, the high watermark and the commit path."""
