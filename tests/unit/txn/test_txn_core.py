"""TransactionCoordinatorCore: one test per transition and per answer, as Kafka's coordinator."""

from __future__ import annotations

import pytest
from unit.txn.txn_harness import TIMEOUT_MS, TP0, TP1, Harness

from broker.txn.config import TxnConfig
from broker.txn.core import InitPidResult, TxnDescription, TxnListing
from broker.txn.records import decode_key, decode_value, encode_key, encode_value
from broker.txn.state import TxnState
from protocol.errors import ErrorCode
from protocol.types import TopicPartition

pytestmark = pytest.mark.timeout(30)

E = ErrorCode
S = TxnState


def _to_state(h: Harness, state: TxnState, tid: str = "t") -> InitPidResult:
    """Drive ``tid`` to a resting ``state`` (PREPARE_*: markers not yet written)."""
    if state is S.EMPTY:
        return h.init(tid)
    r = h.begin(tid)
    if state is S.ONGOING:
        return r
    commit = state in (S.PREPARE_COMMIT, S.COMPLETE_COMMIT)
    out = h.core.end_txn(tid, r.producer_id, r.producer_epoch, commit, now_ms=h.now)
    if state.is_prepare:
        token = out.appends[0].token
        done = h.core.append_completed(token, E.NONE, now_ms=h.now)
        assert done.markers and done.completions[0].result is E.NONE
        return r
    assert h.call(out) is E.NONE
    return r


# -- InitProducerId ---------------------------------------------------------------------------


def test_init_of_a_new_id_gets_a_fresh_producer_id_and_epoch_0() -> None:
    h = Harness()
    out = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=77, now_ms=5)
    assert out.result is None and out.parked is not None and len(out.appends) == 1
    value = decode_value(out.appends[0].value or b"")
    assert (value.producer_id, value.producer_epoch, value.state) == (77, 0, S.EMPTY)
    assert decode_key(out.appends[0].key) == "t"
    assert out.appends[0].partition == h.core.partition_for("t")
    assert h.core.describe("t") is E.TRANSACTIONAL_ID_NOT_FOUND  # not durable yet
    assert h.settle(out) == [InitPidResult(E.NONE, 77, 0)]


@pytest.mark.parametrize("state", [S.EMPTY, S.COMPLETE_COMMIT, S.COMPLETE_ABORT])
def test_init_of_an_idle_id_bumps_the_epoch(state: TxnState) -> None:
    h = Harness()
    r = _to_state(h, state)
    assert h.init() == InitPidResult(E.NONE, r.producer_id, r.producer_epoch + 1)
    assert h.state() is S.EMPTY


def test_init_with_an_ongoing_transaction_fences_it_and_asks_for_a_retry() -> None:
    h = Harness()
    r = _to_state(h, S.ONGOING)
    out = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=999, now_ms=h.now)
    value = decode_value(out.appends[0].value or b"")
    assert (value.state, value.producer_epoch) == (S.PREPARE_ABORT, r.producer_epoch + 1)
    done = h.core.append_completed(out.appends[0].token, E.NONE, now_ms=h.now)
    assert [c.result for c in done.completions] == [InitPidResult(E.CONCURRENT_TRANSACTIONS)]
    (m,) = done.markers
    assert (m.commit, m.producer_epoch, m.partitions) == (
        False,
        r.producer_epoch + 1,
        frozenset({TP0}),
    )
    # The old producer is fenced at once.
    old = h.core.add_partitions("t", r.producer_id, r.producer_epoch, [TP1], now_ms=h.now)
    assert old.result == {TP1: E.PRODUCER_FENCED}
    h.settle(done)
    assert h.state() is S.COMPLETE_ABORT
    assert h.init() == InitPidResult(E.NONE, r.producer_id, r.producer_epoch + 2)


@pytest.mark.parametrize("state", [S.PREPARE_COMMIT, S.PREPARE_ABORT])
def test_init_while_preparing_is_concurrent(state: TxnState) -> None:
    h = Harness()
    _to_state(h, state)
    assert h.init() == InitPidResult(E.CONCURRENT_TRANSACTIONS)


def test_init_while_a_write_is_in_flight_is_concurrent() -> None:
    h = Harness()
    out = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=1, now_ms=h.now)
    again = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=2, now_ms=h.now)
    assert again.result == InitPidResult(E.CONCURRENT_TRANSACTIONS) and not again.appends
    assert h.settle(out) == [InitPidResult(E.NONE, 1, 0)]


def test_an_exhausted_epoch_rotates_the_producer_id_and_a_retry_gets_the_same_answer() -> None:
    h = Harness()
    r = h.init()
    meta = h.core.transaction("t")
    assert meta is not None
    meta.producer_epoch = 32766  # as after many restarts
    rotated = h.init("t", r.producer_id, 32766)
    assert rotated.error is E.NONE and rotated.producer_epoch == 0
    assert rotated.producer_id not in (r.producer_id, -1)
    # The response was lost: the producer retries with its old id and epoch.
    assert h.init("t", r.producer_id, 32766) == rotated


@pytest.mark.parametrize(
    ("pid_delta", "epoch", "expected"),
    [
        (0, 0, InitPidResult(E.NONE, 0, 1)),  # the current epoch: bump
        (1, 0, InitPidResult(E.PRODUCER_FENCED)),  # another producer id
        (0, 5, InitPidResult(E.PRODUCER_FENCED)),  # an epoch that never was
    ],
)
def test_init_with_an_expected_producer(
    pid_delta: int, epoch: int, expected: InitPidResult
) -> None:
    h = Harness()
    r = h.init()
    got = h.init("t", r.producer_id + pid_delta, epoch)
    if expected.error is E.NONE:
        expected = InitPidResult(E.NONE, r.producer_id, expected.producer_epoch)
    assert got == expected


def test_a_retried_bump_gets_the_same_epoch() -> None:
    h = Harness()
    r = h.init()
    bumped = h.init("t", r.producer_id, 0)
    assert bumped.producer_epoch == 1
    assert h.init("t", r.producer_id, 0) == bumped  # the last epoch: a retry
    assert h.init("t", r.producer_id, 1).producer_epoch == 2


@pytest.mark.parametrize(
    ("tid", "timeout", "pid", "epoch", "error"),
    [
        ("", TIMEOUT_MS, -1, -1, E.INVALID_REQUEST),
        ("t", TIMEOUT_MS, 5, -1, E.INVALID_REQUEST),
        ("t", 0, -1, -1, E.INVALID_TRANSACTION_TIMEOUT),
        ("t", 900_001, -1, -1, E.INVALID_TRANSACTION_TIMEOUT),
    ],
)
def test_init_request_errors(tid: str, timeout: int, pid: int, epoch: int, error: E) -> None:
    h = Harness()
    out = h.core.init_producer_id(tid, timeout, pid, epoch, fresh_producer_id=1, now_ms=h.now)
    assert out.result == InitPidResult(error) and not out.appends
    assert h.core.transactional_ids() == []


def test_the_number_of_ids_is_bounded() -> None:
    h = Harness(TxnConfig(max_transactional_ids=2))
    assert h.init("a").error is E.NONE and h.init("b").error is E.NONE
    assert h.init("c") == InitPidResult(E.COORDINATOR_NOT_AVAILABLE)
    assert h.init("a").error is E.NONE  # known ids still work


# -- AddPartitionsToTxn / AddOffsetsToTxn -----------------------------------------------------


def test_add_partitions_starts_then_extends_the_transaction() -> None:
    h = Harness()
    r = h.init()
    h.now = 5_000
    assert h.call(h.core.add_partitions("t", r.producer_id, 0, [TP0], now_ms=h.now)) == {
        TP0: E.NONE
    }
    meta = h.core.transaction("t")
    assert meta is not None
    assert (meta.state, meta.partitions, meta.txn_start_timestamp_ms) == (S.ONGOING, {TP0}, 5_000)
    h.now = 6_000
    assert h.call(h.core.add_partitions("t", r.producer_id, 0, [TP0, TP1], now_ms=h.now)) == {
        TP0: E.NONE,
        TP1: E.NONE,
    }
    assert meta.partitions == {TP0, TP1} and meta.txn_start_timestamp_ms == 5_000


def test_adding_partitions_already_added_writes_nothing() -> None:
    h = Harness()
    r = h.begin("t", TP0, TP1)
    out = h.core.add_partitions("t", r.producer_id, r.producer_epoch, [TP1], now_ms=h.now)
    assert out.result == {TP1: E.NONE} and not out.appends


@pytest.mark.parametrize(
    ("state", "pid_delta", "epoch_delta", "error"),
    [
        (None, 0, 0, E.INVALID_PRODUCER_ID_MAPPING),  # unknown id
        (S.EMPTY, 1, 0, E.INVALID_PRODUCER_ID_MAPPING),
        (S.EMPTY, 0, -1, E.PRODUCER_FENCED),  # the handler answers INVALID_PRODUCER_EPOCH < v2
        (S.EMPTY, 0, 1, E.PRODUCER_FENCED),
        (S.PREPARE_COMMIT, 0, 0, E.CONCURRENT_TRANSACTIONS),
        (S.PREPARE_ABORT, 0, 0, E.CONCURRENT_TRANSACTIONS),
    ],
)
def test_add_partitions_errors(
    state: TxnState | None, pid_delta: int, epoch_delta: int, error: E
) -> None:
    h = Harness()
    r = InitPidResult(E.NONE, 5, 0) if state is None else _to_state(h, state)
    pid, epoch = r.producer_id + pid_delta, r.producer_epoch + epoch_delta
    out = h.core.add_partitions("t", pid, epoch, [TP0, TP1], now_ms=h.now)
    assert out.result == {TP0: error, TP1: error} and not out.appends
    offsets = h.core.add_offsets("t", pid, epoch, 3, now_ms=h.now)
    assert offsets.result is error and not offsets.appends


def test_add_partitions_bound() -> None:
    h = Harness(TxnConfig(max_partitions_per_transaction=2))
    r = h.begin("t", TP0)
    many = [TP1, TopicPartition("x", 0)]
    out = h.core.add_partitions("t", r.producer_id, r.producer_epoch, many, now_ms=h.now)
    assert out.result == dict.fromkeys(many, E.INVALID_REQUEST) and not out.appends


def test_verify_only_answers_per_partition_and_writes_nothing() -> None:
    h = Harness()
    r = h.begin("t", TP0)
    out = h.core.add_partitions(
        "t", r.producer_id, r.producer_epoch, [TP0, TP1], verify_only=True, now_ms=h.now
    )
    assert out.result == {TP0: E.NONE, TP1: E.INVALID_TXN_STATE} and not out.appends
    fenced = h.core.add_partitions(
        "t", r.producer_id, r.producer_epoch - 1, [TP0], verify_only=True, now_ms=h.now
    )
    assert fenced.result == {TP0: E.PRODUCER_FENCED}


def test_add_offsets_adds_the_groups_partition() -> None:
    h = Harness()
    r = h.init()
    assert h.call(h.core.add_offsets("t", r.producer_id, 0, 7, now_ms=h.now)) is E.NONE
    meta = h.core.transaction("t")
    assert meta is not None and meta.partitions == {TopicPartition("__consumer_offsets", 7)}


# -- EndTxn -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "commit", "error"),
    [
        (S.EMPTY, True, E.INVALID_TXN_STATE),
        (S.EMPTY, False, E.INVALID_TXN_STATE),
        (S.COMPLETE_COMMIT, True, E.NONE),
        (S.COMPLETE_COMMIT, False, E.INVALID_TXN_STATE),
        (S.COMPLETE_ABORT, False, E.NONE),
        (S.COMPLETE_ABORT, True, E.INVALID_TXN_STATE),
        # markers going out: COMPLETE_* is pending, so Kafka answers CONCURRENT_TRANSACTIONS
        (S.PREPARE_COMMIT, True, E.CONCURRENT_TRANSACTIONS),
        (S.PREPARE_COMMIT, False, E.CONCURRENT_TRANSACTIONS),
        (S.PREPARE_ABORT, False, E.CONCURRENT_TRANSACTIONS),
    ],
)
def test_end_txn_outside_a_transaction(state: TxnState, commit: bool, error: E) -> None:
    h = Harness()
    r = _to_state(h, state)
    out = h.core.end_txn("t", r.producer_id, r.producer_epoch, commit, now_ms=h.now)
    assert out.result is error and not out.appends and not out.markers


@pytest.mark.parametrize("commit", [True, False])
def test_end_txn_prepares_answers_then_sends_markers_then_completes(commit: bool) -> None:
    h = Harness()
    r = h.begin("t", TP0, TP1)
    out = h.core.end_txn("t", r.producer_id, r.producer_epoch, commit, now_ms=h.now)
    assert out.parked is not None and not out.markers
    prepared = S.PREPARE_COMMIT if commit else S.PREPARE_ABORT
    assert decode_value(out.appends[0].value or b"").state is prepared
    done = h.core.append_completed(out.appends[0].token, E.NONE, now_ms=h.now)
    assert [c.result for c in done.completions] == [E.NONE]
    (m,) = done.markers
    assert (m.commit, m.partitions, m.coordinator_epoch) == (commit, frozenset({TP0, TP1}), 0)
    assert h.state() is prepared
    written = h.core.markers_written("t", r.producer_id, r.producer_epoch, now_ms=h.now)
    complete = decode_value(written.appends[0].value or b"")
    assert complete.state is (S.COMPLETE_COMMIT if commit else S.COMPLETE_ABORT)
    assert complete.partitions == frozenset()
    # A second report, or a stale one, writes nothing more.
    assert not h.core.markers_written("t", r.producer_id, r.producer_epoch, now_ms=h.now).appends
    assert h.settle(written) == []
    assert h.state() is complete.state


def test_end_txn_errors() -> None:
    h = Harness()
    r = h.begin()
    assert h.core.end_txn("u", 1, 0, True, now_ms=h.now).result is E.INVALID_PRODUCER_ID_MAPPING
    pid, epoch = r.producer_id, r.producer_epoch
    assert h.core.end_txn("t", pid + 1, epoch, True, now_ms=h.now).result is (
        E.INVALID_PRODUCER_ID_MAPPING
    )
    assert h.core.end_txn("t", pid, epoch + 1, True, now_ms=h.now).result is E.PRODUCER_FENCED
    assert h.core.end_txn("", pid, epoch, True, now_ms=h.now).result is E.INVALID_REQUEST


# -- failed writes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "answer"),
    [
        (E.NOT_ENOUGH_REPLICAS, E.COORDINATOR_NOT_AVAILABLE),
        (E.NOT_ENOUGH_REPLICAS_AFTER_APPEND, E.COORDINATOR_NOT_AVAILABLE),
        (E.REQUEST_TIMED_OUT, E.COORDINATOR_NOT_AVAILABLE),
        (E.UNKNOWN_TOPIC_OR_PARTITION, E.COORDINATOR_NOT_AVAILABLE),
        (E.NOT_LEADER_OR_FOLLOWER, E.NOT_COORDINATOR),
        (E.KAFKA_STORAGE_ERROR, E.NOT_COORDINATOR),
        (E.MESSAGE_TOO_LARGE, E.UNKNOWN_SERVER_ERROR),
        (E.RECORD_LIST_TOO_LARGE, E.UNKNOWN_SERVER_ERROR),
    ],
)
def test_a_failed_write_rolls_back_and_maps_the_error(error: E, answer: E) -> None:
    h = Harness()
    out = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=1, now_ms=h.now)
    assert h.settle(out, error) == [InitPidResult(answer)]
    assert h.core.transaction("t") is None  # a new id whose first write failed is forgotten
    r = h.begin()
    end = h.core.end_txn("t", r.producer_id, r.producer_epoch, True, now_ms=h.now)
    assert h.settle(end, error) == [answer]
    assert h.state() is S.ONGOING  # rolled back: the producer may retry
    add = h.core.add_partitions("t", r.producer_id, r.producer_epoch, [TP1], now_ms=h.now)
    assert h.settle(add, error) == [{TP1: answer}]
    meta = h.core.transaction("t")
    assert meta is not None and meta.partitions == {TP0} and meta.pending is None


def test_a_failed_fence_rolls_the_epoch_back() -> None:
    h = Harness()
    r = h.begin()
    out = h.core.init_producer_id("t", TIMEOUT_MS, -1, -1, fresh_producer_id=9, now_ms=h.now)
    assert h.settle(out, E.NOT_ENOUGH_REPLICAS) == [InitPidResult(E.COORDINATOR_NOT_AVAILABLE)]
    meta = h.core.transaction("t")
    assert meta is not None
    assert (meta.state, meta.producer_epoch) == (S.ONGOING, r.producer_epoch)


def test_a_failed_complete_is_retried_after_the_backoff() -> None:
    h = Harness()
    r = h.begin()
    _ = h.call(h.core.end_txn("t", r.producer_id, r.producer_epoch, True, now_ms=h.now))
    # h.call wrote the markers and COMPLETE_COMMIT; do it again by hand with a failure.
    r = h.begin("u")
    out = h.core.end_txn("u", r.producer_id, r.producer_epoch, True, now_ms=h.now)
    done = h.core.append_completed(out.appends[0].token, E.NONE, now_ms=h.now)
    written = h.core.markers_written("u", r.producer_id, r.producer_epoch, now_ms=h.now)
    failed = h.core.append_completed(written.appends[0].token, E.REQUEST_TIMED_OUT, now_ms=h.now)
    assert not failed.appends and not failed.completions and done.markers
    assert h.core.next_deadline_ms() == h.now + 100
    assert not h.core.tick(h.now + 99).appends
    retry = h.core.tick(h.now + 100)
    assert decode_value(retry.appends[0].value or b"").state is S.COMPLETE_COMMIT
    h.settle(retry)
    assert h.state("u") is S.COMPLETE_COMMIT


# -- time -------------------------------------------------------------------------------------


def test_a_timed_out_transaction_is_aborted_with_an_epoch_bump() -> None:
    h = Harness()
    r = h.begin()
    start = h.now
    assert not h.core.tick(start + TIMEOUT_MS).appends  # first scan: not past the timeout yet
    scan = h.core.next_deadline_ms()
    assert scan is not None
    while scan <= start + TIMEOUT_MS:
        assert not h.core.tick(scan).appends
        scan = h.core.next_deadline_ms()
        assert scan is not None
    h.now = scan
    out = h.core.tick(h.now)
    assert decode_value(out.appends[0].value or b"").state is S.PREPARE_ABORT
    h.settle(out)
    assert h.markers[-1].producer_epoch == r.producer_epoch + 1 and not h.markers[-1].commit
    assert h.state() is S.COMPLETE_ABORT
    # The zombie is fenced.
    assert h.core.end_txn("t", r.producer_id, r.producer_epoch, True, now_ms=h.now).result is (
        E.PRODUCER_FENCED
    )


def test_an_idle_id_expires_with_a_tombstone() -> None:
    config = TxnConfig(
        transactional_id_expiration_ms=10_000,
        transaction_remove_expired_transactional_id_cleanup_interval_ms=1_000,
    )
    h = Harness(config)
    _to_state(h, S.COMPLETE_COMMIT, "done")
    _to_state(h, S.ONGOING, "busy")
    h.now += 10_500
    out = h.core.tick(h.now)
    (tombstone,) = out.appends
    assert (decode_key(tombstone.key), tombstone.value) == ("done", None)
    assert h.core.init_producer_id(
        "done", TIMEOUT_MS, -1, -1, fresh_producer_id=1, now_ms=h.now
    ).result == (InitPidResult(E.CONCURRENT_TRANSACTIONS))
    h.settle(out)
    assert h.core.transaction("done") is None and h.core.transaction("busy") is not None


# -- loading ----------------------------------------------------------------------------------


def _record(
    tid: str, state: TxnState, parts: frozenset[TopicPartition] = frozenset()
) -> tuple[bytes, bytes]:
    from broker.txn.records import TxnLogValue

    value = TxnLogValue(42, 3, TIMEOUT_MS, state, parts, 900, 800)
    return encode_key(tid), encode_value(value)


def test_load_replays_and_resumes_prepared_transactions() -> None:
    h = Harness(partitions=1)
    h.core.unload(0, now_ms=h.now)
    assert h.core.owns("a") is E.NOT_COORDINATOR
    h.core.begin_loading(0, now_ms=h.now)
    assert h.core.owns("a") is E.COORDINATOR_LOAD_IN_PROGRESS
    assert h.init("a") == InitPidResult(E.COORDINATOR_LOAD_IN_PROGRESS)
    assert h.core.is_loading()
    records = [
        _record("a", S.ONGOING, frozenset({TP0})),
        _record("b", S.PREPARE_COMMIT, frozenset({TP0, TP1})),
        _record("c", S.PREPARE_EPOCH_FENCE, frozenset({TP1})),
        _record("gone", S.EMPTY),
        (encode_key("gone"), None),
        _record("e", S.PREPARE_ABORT),
    ]
    out = h.core.load(0, 7, records, now_ms=h.now)
    assert h.core.transactional_ids() == ["a", "b", "c", "e"]
    assert [(m.transactional_id, m.commit, m.coordinator_epoch) for m in out.markers] == [
        ("b", True, 7)
    ]
    by_id = {decode_key(a.key): decode_value(a.value or b"") for a in out.appends}
    assert by_id["c"].state is S.PREPARE_ABORT and by_id["c"].producer_epoch == 3
    assert by_id["e"].state is S.COMPLETE_ABORT  # no partitions: nothing to mark
    assert not out.completions and out.result is None
    h.settle(out)
    assert [h.state(t) for t in "abce"] == [
        S.ONGOING, S.COMPLETE_COMMIT, S.COMPLETE_ABORT, S.COMPLETE_ABORT
    ]  # fmt: skip


def test_unload_answers_parked_requests_and_ignores_their_reports() -> None:
    h = Harness(partitions=1)
    r = h.begin()
    out = h.core.end_txn("t", r.producer_id, r.producer_epoch, True, now_ms=h.now)
    init = h.core.init_producer_id("u", TIMEOUT_MS, -1, -1, fresh_producer_id=1, now_ms=h.now)
    unloaded = h.core.unload(0, now_ms=h.now)
    assert sorted((c.key, repr(c.result)) for c in unloaded.completions) == sorted(
        [
            (out.parked, repr(E.NOT_COORDINATOR)),
            (init.parked, repr(InitPidResult(E.NOT_COORDINATOR))),
        ]
    )
    late = h.core.append_completed(out.appends[0].token, E.NONE, now_ms=h.now)
    assert not late.completions and not late.markers
    assert h.core.transactional_ids() == [] and h.core.next_deadline_ms() is None
    assert h.core.markers_written("t", r.producer_id, r.producer_epoch, now_ms=h.now).appends == []


# -- describe and list ------------------------------------------------------------------------


def test_describe_and_list() -> None:
    h = Harness()
    h.now = 10_000
    a = h.begin("a", TP1, TP0)
    b = _to_state(h, S.COMPLETE_COMMIT, "b")
    assert h.core.describe("a") == TxnDescription(
        "a", "Ongoing", a.producer_id, 0, TIMEOUT_MS, 10_000, (TP0, TP1)
    )
    assert h.core.describe("zz") is E.TRANSACTIONAL_ID_NOT_FOUND
    every = h.core.list_transactions([], [], -1, now_ms=h.now)
    assert every == [
        TxnListing("a", a.producer_id, "Ongoing"),
        TxnListing("b", b.producer_id, "CompleteCommit"),
    ]
    assert h.core.list_transactions(["Ongoing", "Nope"], [], -1, now_ms=h.now) == every[:1]
    assert h.core.list_transactions([], [b.producer_id], -1, now_ms=h.now) == every[1:]
    assert h.core.list_transactions(["Ongoing"], [], 5_000, now_ms=h.now + 5_000) == []
    assert h.core.list_transactions(["Ongoing"], [], 5_000, now_ms=h.now + 5_001) == every[:1]


def test_fencing_at_the_last_epoch_then_rotating_the_producer_id() -> None:
    h = Harness()
    r = h.begin()
    meta = h.core.transaction("t")
    assert meta is not None
    meta.producer_epoch = 32766
    assert h.init() == InitPidResult(E.CONCURRENT_TRANSACTIONS)  # fenced with epoch 32767
    assert h.markers[-1].producer_epoch == 32767
    again = h.init()
    assert again.error is E.NONE and again.producer_epoch == 0
    assert again.producer_id != r.producer_id


def test_loading_again_with_a_new_epoch_replaces_the_partition() -> None:
    h = Harness(partitions=1)
    r = h.begin()
    out = h.core.end_txn("t", r.producer_id, r.producer_epoch, False, now_ms=h.now)
    h.core.append_completed(out.appends[0].token, E.NONE, now_ms=h.now)
    h.log[0].append((out.appends[0].key, out.appends[0].value))
    reloaded = h.core.load(0, 3, h.log[0], now_ms=h.now)
    assert [(m.transactional_id, m.coordinator_epoch) for m in reloaded.markers] == [("t", 3)]
    assert h.core.coordinator_epoch(0) == 3
    # The marker report of the old epoch's SendMarkers is the same transaction: it completes.
    assert h.settle(reloaded) == []
    assert h.state() is S.COMPLETE_ABORT


def test_an_unknown_id_is_not_described_and_other_partitions_are_not_ours() -> None:
    h = Harness(partitions=2)
    h.core.unload(h.core.partition_for("t"), now_ms=h.now)
    assert h.core.describe("t") is E.NOT_COORDINATOR
    assert h.init("t") == InitPidResult(E.NOT_COORDINATOR)
    assert h.core.end_txn("t", 1, 0, True, now_ms=h.now).result is E.NOT_COORDINATOR
    assert h.core.add_partitions("t", 1, 0, [TP0], now_ms=h.now).result == {TP0: E.NOT_COORDINATOR}


def test_config_bounds() -> None:
    with pytest.raises(ValueError, match=r"transaction\.max\.timeout\.ms"):
        TxnConfig(transaction_max_timeout_ms=0)
    with pytest.raises(ValueError, match=r"num\.partitions"):
        TxnConfig(transaction_state_log_num_partitions=0)

    class Settings:
        transaction_max_timeout_ms = 1_000
        transactional_id_expiration_ms = None

    config = TxnConfig.from_settings(Settings())
    assert config.transaction_max_timeout_ms == 1_000
    assert config.transactional_id_expiration_ms == 604_800_000
    assert TxnConfig().transaction_state_log_num_partitions == 50


def test_verification_ignores_a_pending_write() -> None:
    h = Harness()
    r = h.begin("t", TP0)
    add = h.core.add_partitions("t", r.producer_id, r.producer_epoch, [TP1], now_ms=h.now)
    verify = h.core.add_partitions(
        "t", r.producer_id, r.producer_epoch, [TP0, TP1], verify_only=True, now_ms=h.now
    )
    assert verify.result == {TP0: E.NONE, TP1: E.INVALID_TXN_STATE}
    h.settle(add)
    verify = h.core.add_partitions(
        "t", r.producer_id, r.producer_epoch, [TP1], verify_only=True, now_ms=h.now
    )
    assert verify.result == {TP1: E.NONE}


def test_state_names_and_an_empty_id() -> None:
    from broker.txn.state import state_from_kafka_name

    assert state_from_kafka_name("PrepareCommit") is S.PREPARE_COMMIT
    assert state_from_kafka_name("ongoing") is None
    assert Harness().core.describe("") is E.INVALID_REQUEST
