"""The IO half of the group coordinator: the asyncio driver around ``broker.group``'s pure core.

* ``GroupCoordinator`` (``driver.py``): applies the core's outcomes — appends to
  ``__consumer_offsets`` through the produce path, parked requests, timers, loading and
  unloading as leadership of ``__consumer_offsets`` partitions moves, offset expiry.
* ``group_lag`` (``lag.py``): committed offset, log end offset, lag and commit time per
  partition of a group.

``broker/group`` stays free of IO (a test enforces it); everything with asyncio, threads,
clocks or storage lives here. See ``broker/group/README.md``.
"""

from broker.group_coordinator.driver import GroupCoordinator, offsets_topic_configs
from broker.group_coordinator.lag import PartitionLag, group_lag

__all__ = ["GroupCoordinator", "PartitionLag", "group_lag", "offsets_topic_configs"]
