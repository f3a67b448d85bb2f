"""Fault injection's pure core: what can go wrong (``FaultSpec``), the armed faults and their
decisions (``FaultPlan``), and seeded chaos (``ChaosSchedule``). No IO and no clock reads:
the connection, the accept loop and the broker's fault control drive it."""

from broker.faults.chaos import CHAOS_KINDS, DEFAULT_CHAOS_APIS, ChaosFault, ChaosSchedule
from broker.faults.plan import MAX_ACTIVE_FAULTS, Fault, FaultPlan, Firing, RequestFaults
from broker.faults.spec import FaultKind, FaultSpec, FaultSpecError, When

__all__ = [
    "CHAOS_KINDS",
    "DEFAULT_CHAOS_APIS",
    "MAX_ACTIVE_FAULTS",
    "ChaosFault",
    "ChaosSchedule",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultSpec",
    "FaultSpecError",
    "Firing",
    "RequestFaults",
    "When",
]
