"""The group handlers' pure parts: error responses encode at every advertised version, the
client host as Kafka shows it, the dispatch table's group entries, the answer of every group API
while no coordinator runs."""

from __future__ import annotations

from typing import cast

import pytest

from broker.config import load_config
from broker.group.driver import offsets_topic_configs
from broker.handlers import build_dispatch_table, groups
from broker.handlers.base import BrokerServices, RequestContext
from broker.handlers.groups import client_host
from protocol.errors import ErrorCode
from protocol.headers import RequestHeader
from protocol.messages import (
    DeleteGroupsRequest,
    DescribeGroupsRequest,
    FindCoordinatorRequest,
    HeartbeatRequest,
    JoinGroupRequest,
    LeaveGroupRequest,
    ListGroupsRequest,
    Message,
    OffsetCommitRequest,
    OffsetDeleteRequest,
    OffsetFetchRequest,
    SyncGroupRequest,
    TxnOffsetCommitRequest,
)

_Commit = OffsetCommitRequest.OffsetCommitRequestTopic
REQUESTS: dict[int, Message] = {
    8: OffsetCommitRequest(
        group_id="g",
        topics=[
            _Commit(
                name="t",
                partitions=[
                    _Commit.OffsetCommitRequestPartition(partition_index=0, committed_offset=1)
                ],
            )
        ],
    ),
    9: OffsetFetchRequest(
        group_id="g",
        topics=[OffsetFetchRequest.OffsetFetchRequestTopic(name="t", partition_indexes=[0, 1])],
    ),
    10: FindCoordinatorRequest(key="g"),
    11: JoinGroupRequest(group_id="g", member_id="m", protocol_type="consumer"),
    12: HeartbeatRequest(group_id="g", member_id="m"),
    13: LeaveGroupRequest(group_id="g", member_id="m"),
    14: SyncGroupRequest(group_id="g", member_id="m"),
    15: DescribeGroupsRequest(groups=["a", "b"]),
    16: ListGroupsRequest(),
    42: DeleteGroupsRequest(groups_names=["a", "b"]),
    47: OffsetDeleteRequest(group_id="g"),
    28: TxnOffsetCommitRequest(
        transactional_id="tx",
        group_id="g",
        producer_id=1,
        topics=[
            TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic(
                name="t",
                partitions=[
                    TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition(
                        partition_index=0, committed_offset=1
                    )
                ],
            )
        ],
    ),
}


def test_group_apis_are_in_the_dispatch_table() -> None:
    table = build_dispatch_table()
    assert {k: (table[k].min_version, table[k].max_version) for k in REQUESTS} == {
        8: (2, 9),
        9: (1, 7),
        10: (0, 3),
        11: (0, 7),
        12: (0, 4),
        13: (0, 4),
        14: (0, 5),
        15: (0, 5),
        16: (0, 5),
        42: (0, 2),
        47: (0, 0),
        28: (0, 3),
    }


def test_group_entries_are_keyed_by_their_request_classes() -> None:
    assert {h.api_key for h in groups.HANDLERS} == {type(r).API_KEY for r in REQUESTS.values()}
    table = build_dispatch_table()
    assert all(table[h.api_key] is h for h in groups.HANDLERS)


def test_group_handlers_are_named_after_their_apis() -> None:
    table = build_dispatch_table()
    assert table[11].handle.__name__ == "handle_join_group"
    assert table[47].handle.__name__ == "handle_offset_delete"
    assert table[10].handle.__name__ == "handle_find_coordinator"


class _NoCoordinator:
    """The services a group handler reads before it reaches the coordinator: none runs."""

    group_coordinator = None

    def authorizer_for_image(self) -> None:
        """Authorization is off."""
        return None


@pytest.mark.parametrize("api_key", sorted(REQUESTS))
def test_without_a_coordinator_every_group_api_answers_coordinator_not_available(
    api_key: int,
) -> None:
    handler = build_dispatch_table()[api_key]
    services = cast(BrokerServices, _NoCoordinator())
    for version in range(handler.min_version, handler.max_version + 1):
        header = RequestHeader(api_key=api_key, api_version=version, correlation_id=1)
        ctx = RequestContext(header, peer="127.0.0.1:50123")
        answer = handler.handle(services, ctx, REQUESTS[api_key])
        assert isinstance(answer, Message)
        expected = handler.error_response(
            REQUESTS[api_key], version, ErrorCode.COORDINATOR_NOT_AVAILABLE
        )
        assert answer.encode(version) == expected.encode(version)


@pytest.mark.parametrize("api_key", sorted(REQUESTS))
def test_error_responses_encode_at_every_version(api_key: int) -> None:
    handler = build_dispatch_table()[api_key]
    for version in range(handler.min_version, handler.max_version + 1):
        response = handler.error_response(
            REQUESTS[api_key], version, ErrorCode.COORDINATOR_NOT_AVAILABLE
        )
        data = response.encode(version)
        back = type(response).decode(data, version)
        assert back.encode(version) == data


@pytest.mark.parametrize(
    ("peer", "shown"),
    [("127.0.0.1:50123", "/127.0.0.1"), ("::1:50123", "/::1"), ("", "/")],
)
def test_client_host_is_shown_as_kafka_does(peer: str, shown: str) -> None:
    assert client_host(peer) == shown


def test_consumer_offsets_topic_configs() -> None:
    assert offsets_topic_configs(load_config()) == {
        "cleanup.policy": "compact",
        "segment.bytes": str(100 * 1024 * 1024),
    }
    custom = load_config(None, {"offsets.topic.segment.bytes": 1048576})
    assert offsets_topic_configs(custom)["segment.bytes"] == "1048576"
