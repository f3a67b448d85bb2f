"""ElectLeaders (Kafka's API key 43): leader elections an operator asks for.

What ``kafka-leader-election.sh`` and the admin clients' ``elect_leaders`` send. *Preferred*
(type 0, the only one in v0) gives each partition's leadership back to its first replica, as
the controller's own imbalance check does every ``leader.imbalance.check.interval.seconds``;
it is how an operator rebalances at once after a restart. *Unclean* (type 1) gives a partition
without an active leader to an in-sync replica, else to any active replica, losing what only
the lost ISR members had: the operator's call when they will not come back.

The elections run on the active controller (forwarded there from any broker,
``broker.metadata.placement.plan_elections``), and the answer comes once this broker's image
shows them. ALTER on the Cluster is required when ACLs are on (CLUSTER_AUTHORIZATION_FAILED for
the request, as Kafka answers). A null partition list means every partition; then only the
partitions that needed an election are answered for.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from broker.handlers.auth import CLUSTER_NAME, allows
from broker.handlers.base import BrokerServices, RequestContext, api_handler
from broker.metadata.placement import PREFERRED_ELECTION, UNCLEAN_ELECTION, ElectionResult
from protocol.acl import AclOperation, ResourceType
from protocol.errors import ErrorCode
from protocol.messages import ElectLeadersRequest, ElectLeadersResponse

__all__ = ["HANDLERS", "elect_leaders_error", "handle_elect_leaders"]

_Topic = ElectLeadersResponse.ReplicaElectionResult
_Partition = ElectLeadersResponse.ReplicaElectionResult.PartitionResult


def handle_elect_leaders(
    services: BrokerServices, ctx: RequestContext, request: ElectLeadersRequest
) -> Awaitable[ElectLeadersResponse]:
    """Run the elections on the active controller; answer per partition."""
    return _elect(services, ctx, request)


async def _elect(
    services: BrokerServices, ctx: RequestContext, request: ElectLeadersRequest
) -> ElectLeadersResponse:
    authorizer = services.authorizer_for_image()
    if authorizer is not None and not allows(
        authorizer, ctx, AclOperation.ALTER, ResourceType.CLUSTER, CLUSTER_NAME
    ):
        return elect_leaders_error(request, ctx.version, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
    if request.election_type not in (PREFERRED_ELECTION, UNCLEAN_ELECTION):
        return elect_leaders_error(request, ctx.version, ErrorCode.INVALID_REQUEST)
    asked = (
        None
        if request.topic_partitions is None
        else [(t.topic, p) for t in request.topic_partitions for p in t.partitions]
    )
    results = await services.controller.elect_leaders(request.election_type, asked)
    return ElectLeadersResponse(
        throttle_time_ms=0, error_code=ErrorCode.NONE, replica_election_results=_by_topic(results)
    )


def _by_topic(results: list[ElectionResult]) -> list[_Topic]:
    """The results grouped by topic, topics in the order they first appear."""
    topics: dict[str, _Topic] = {}
    for r in results:
        topic = topics.get(r.topic)
        if topic is None:
            topic = topics[r.topic] = _Topic(topic=r.topic, partition_result=[])
        topic.partition_result.append(
            _Partition(partition_id=r.partition, error_code=r.error, error_message=r.message)
        )
    return list(topics.values())


def elect_leaders_error(
    request: ElectLeadersRequest, version: int, code: ErrorCode
) -> ElectLeadersResponse:
    """The request refused whole: the top-level error (v1+) and every partition asked for
    with it (none when it asked for every partition), as Kafka answers."""
    topics = [
        _Topic(
            topic=t.topic,
            partition_result=[
                _Partition(partition_id=p, error_code=code, error_message=None)
                for p in t.partitions
            ],
        )
        for t in request.topic_partitions or ()
    ]
    return ElectLeadersResponse(
        throttle_time_ms=0, error_code=code, replica_election_results=topics
    )


#: The APIs served here and the versions advertised (``build_dispatch_table`` gathers them).
HANDLERS: Final = (
    api_handler(ElectLeadersRequest, 0, 2, handle_elect_leaders, elect_leaders_error),
)
