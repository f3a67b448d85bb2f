"""The transaction admin APIs and AddPartitionsToTxn v0-5, byte for byte.

DescribeProducers (61), DescribeTransactions (65) and ListTransactions (66) are flexible from
v0 (compact arrays and strings, a tagged-field byte after each struct). AddPartitionsToTxn v4+
is KIP-890's batched form: a list of transactions, each with ``verify_only``, and a response
with a top-level error code and results by transaction.
"""

from __future__ import annotations

import pytest

from protocol.messages import (
    REQUESTS,
    RESPONSES,
    AddPartitionsToTxnRequest,
    AddPartitionsToTxnResponse,
    DescribeProducersRequest,
    DescribeProducersResponse,
    DescribeTransactionsRequest,
    DescribeTransactionsResponse,
    ListTransactionsRequest,
    ListTransactionsResponse,
    Message,
)

pytestmark = pytest.mark.timeout(30)

_APTReq = AddPartitionsToTxnRequest
_APTResp = AddPartitionsToTxnResponse
_DPResp = DescribeProducersResponse
_DTResp = DescribeTransactionsResponse
_LTResp = ListTransactionsResponse


def _add_partitions_v3() -> AddPartitionsToTxnRequest:
    return _APTReq(
        v3_and_below_transactional_id="tx",
        v3_and_below_producer_id=5,
        v3_and_below_producer_epoch=2,
        v3_and_below_topics=[_APTReq.AddPartitionsToTxnTopic(name="t", partitions=[0, 3])],
    )


def _add_partitions_v4(verify_only: bool) -> AddPartitionsToTxnRequest:
    txn = _APTReq.AddPartitionsToTxnTransaction
    return _APTReq(
        transactions=[
            txn(
                transactional_id="tx",
                producer_id=5,
                producer_epoch=2,
                verify_only=verify_only,
                topics=[txn.AddPartitionsToTxnTopic(name="t", partitions=[1])],
            )
        ]
    )


def _add_partitions_result_v4() -> AddPartitionsToTxnResponse:
    result = _APTResp.AddPartitionsToTxnResult
    topic = result.AddPartitionsToTxnTopicResult
    return _APTResp(
        throttle_time_ms=0,
        error_code=0,
        results_by_transaction=[
            result(
                transactional_id="tx",
                topic_results=[
                    topic(
                        name="t",
                        results_by_partition=[
                            topic.AddPartitionsToTxnPartitionResult(
                                partition_index=1, partition_error_code=48
                            )
                        ],
                    )
                ],
            )
        ],
    )


def _add_partitions_result_v3() -> AddPartitionsToTxnResponse:
    topic = _APTResp.AddPartitionsToTxnTopicResult
    return _APTResp(
        throttle_time_ms=7,
        results_by_topic_v3_and_below=[
            topic(
                name="t",
                results_by_partition=[
                    topic.AddPartitionsToTxnPartitionResult(
                        partition_index=0, partition_error_code=0
                    )
                ],
            )
        ],
    )


def _producers() -> DescribeProducersResponse:
    topic = _DPResp.TopicResponse
    part = topic.PartitionResponse
    return _DPResp(
        throttle_time_ms=0,
        topics=[
            topic(
                name="t",
                partitions=[
                    part(
                        partition_index=2,
                        error_code=0,
                        error_message=None,
                        active_producers=[
                            part.ProducerState(
                                producer_id=9,
                                producer_epoch=1,
                                last_sequence=4,
                                last_timestamp=1000,
                                coordinator_epoch=3,
                                current_txn_start_offset=17,
                            )
                        ],
                    )
                ],
            )
        ],
    )


def _txn_state() -> DescribeTransactionsResponse:
    state = _DTResp.TransactionState
    return _DTResp(
        throttle_time_ms=0,
        transaction_states=[
            state(
                error_code=0,
                transactional_id="tx",
                transaction_state="Ongoing",
                transaction_timeout_ms=60_000,
                transaction_start_time_ms=1000,
                producer_id=5,
                producer_epoch=2,
                topics=[state.TopicData(topic="t", partitions=[0])],
            )
        ],
    )


def _listing() -> ListTransactionsResponse:
    return _LTResp(
        throttle_time_ms=0,
        error_code=0,
        unknown_state_filters=["Bogus"],
        transaction_states=[
            _LTResp.TransactionState(
                transactional_id="tx", producer_id=5, transaction_state="Empty"
            )
        ],
    )


# (case, message, version, body bytes as hex)
CASES: list[tuple[str, Message, int, str]] = [
    (
        "AddPartitionsToTxn request v2 (not flexible)",
        _add_partitions_v3(),
        2,
        "00027478"  # transactional id "tx"
        "0000000000000005"  # producer id
        "0002"  # producer epoch
        "00000001"
        "00017400000002"  # one topic "t", two partitions
        "0000000000000003",
    ),
    (
        "AddPartitionsToTxn request v3 (flexible)",
        _add_partitions_v3(),
        3,
        "037478"
        "0000000000000005"
        "0002"
        "02"
        "0274"
        "03"
        "0000000000000003"  # partitions [0, 3]
        "00"
        "00",  # tagged fields: topic, body
    ),
    (
        "AddPartitionsToTxn request v4: one transaction, verify only",
        _add_partitions_v4(True),
        4,
        "02"  # one transaction
        "037478"
        "0000000000000005"
        "0002"
        "01"  # verify only
        "02"
        "0274"
        "0200000001"  # partitions [1]
        "00"
        "00"
        "00",  # tagged fields: topic, transaction, body
    ),
    (
        "AddPartitionsToTxn request v5: add",
        _add_partitions_v4(False),
        5,
        "0203747800000000000000050002000202740200000001000000",
    ),
    (
        "AddPartitionsToTxn response v2",
        _add_partitions_result_v3(),
        2,
        "00000007"  # throttle time
        "00000001"
        "0001"
        "74"
        "00000001"
        "00000000"
        "0000",
    ),
    (
        "AddPartitionsToTxn response v4: results by transaction",
        _add_partitions_result_v4(),
        4,
        "00000000"  # throttle time
        "0000"  # top-level error code
        "02"
        "037478"  # transactional id "tx"
        "02"
        "0274"
        "02"
        "00000001"
        "0030"  # partition 1: INVALID_TXN_STATE (48)
        "00"
        "00"
        "00"
        "00",  # tagged fields: partition, topic, transaction, body
    ),
    (
        "DescribeProducers request v0",
        DescribeProducersRequest(
            topics=[DescribeProducersRequest.TopicRequest(name="t", partition_indexes=[2])]
        ),
        0,
        "02027402000000020000",
    ),
    (
        "DescribeProducers response v0",
        _producers(),
        0,
        "00000000"  # throttle time
        "02"
        "0274"
        "02"
        "00000002"  # partition 2
        "0000"
        "00"  # null error message
        "02"
        "0000000000000009"  # producer id
        "00000001"  # producer epoch (int32 here)
        "00000004"  # last sequence
        "00000000000003e8"  # last timestamp
        "00000003"  # coordinator epoch
        "0000000000000011"  # current transaction's first offset
        "00"
        "00"
        "00"
        "00",
    ),
    (
        "DescribeTransactions request v0",
        DescribeTransactionsRequest(transactional_ids=["tx", "ty"]),
        0,
        "0303747803747900",
    ),
    (
        "DescribeTransactions response v0",
        _txn_state(),
        0,
        "00000000"
        "02"
        "0000"
        "037478"
        "084f6e676f696e67"  # "Ongoing"
        "0000ea60"  # timeout 60000 ms
        "00000000000003e8"  # started at 1000
        "0000000000000005"
        "0002"
        "02"
        "0274"
        "0200000000"
        "00"
        "00"
        "00",
    ),
    (
        "ListTransactions request v0",
        ListTransactionsRequest(state_filters=["Ongoing"], producer_id_filters=[5]),
        0,
        "02084f6e676f696e6702000000000000000500",
    ),
    (
        "ListTransactions request v1: duration filter",
        ListTransactionsRequest(state_filters=[], producer_id_filters=[], duration_filter=500),
        1,
        "010100000000000001f400",
    ),
    (
        "ListTransactions request v1: no duration filter",
        ListTransactionsRequest(),
        1,
        "0101ffffffffffffffff00",
    ),
    (
        "ListTransactions response v1",
        _listing(),
        1,
        "00000000"
        "0000"
        "02"
        "06426f677573"  # unknown state filters ["Bogus"]
        "02"
        "037478"
        "0000000000000005"
        "06456d707479"  # "Empty"
        "00"
        "00",
    ),
]


@pytest.mark.parametrize(
    ("message", "version", "hexbody"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_encodes_to_kafkas_bytes(message: Message, version: int, hexbody: str) -> None:
    assert message.encode(version).hex() == hexbody


@pytest.mark.parametrize(
    ("message", "version", "hexbody"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_decodes_kafkas_bytes(message: Message, version: int, hexbody: str) -> None:
    assert type(message).decode(bytes.fromhex(hexbody), version) == message


def test_add_partitions_v4_leaves_the_v3_fields_at_their_defaults() -> None:
    decoded = _APTReq.decode(_add_partitions_v4(True).encode(4), 4)
    assert decoded.v3_and_below_transactional_id == ""
    assert decoded.v3_and_below_topics == []
    assert decoded.transactions[0].verify_only is True


@pytest.mark.parametrize(
    ("api_key", "name", "versions"),
    [
        (24, "AddPartitionsToTxn", (0, 5)),
        (61, "DescribeProducers", (0, 0)),
        (65, "DescribeTransactions", (0, 0)),
        (66, "ListTransactions", (0, 1)),
    ],
)
def test_lookup_tables_know_the_apis(api_key: int, name: str, versions: tuple[int, int]) -> None:
    for table in (REQUESTS, RESPONSES):
        cls = table[api_key]
        assert name == cls.API_NAME
        assert versions == (cls.MIN_VERSION, cls.MAX_VERSION)
    first_flexible = 3 if api_key == 24 else 0
    assert first_flexible == REQUESTS[api_key].FIRST_FLEXIBLE_VERSION
