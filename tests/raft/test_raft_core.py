"""Transitions of ``RaftCore`` one message at a time (no network, no disk)."""

from __future__ import annotations

import random

import pytest

from broker.raft.core import (
    HardState,
    NotLeaderError,
    PersistentState,
    ProposalDroppedError,
    RaftConfig,
    RaftCore,
    Ready,
    Role,
)
from broker.raft.log import Entry, LogError
from broker.raft.messages import (
    AppendEntriesRequest,
    AppendEntriesResponse,
    InstallSnapshotRequest,
    InstallSnapshotResponse,
    Message,
    PreVoteRequest,
    PreVoteResponse,
    VoteRequest,
    VoteResponse,
)

ET = 100  # election timeout (ms)
HB = 20  # heartbeat interval (ms)


def make(
    node_id: int = 1,
    voters: tuple[int, ...] = (1, 2, 3),
    *,
    state: PersistentState | None = None,
    pre_vote: bool = True,
    check_quorum: bool = True,
) -> RaftCore:
    config = RaftConfig(
        node_id=node_id,
        voters=frozenset(voters),
        election_timeout_ms=ET,
        heartbeat_interval_ms=HB,
        pre_vote=pre_vote,
        check_quorum=check_quorum,
    )
    return RaftCore(config, random.Random(node_id), state)


def flush(core: RaftCore) -> Ready:
    """Persist (pretend) and advance; returns the Ready."""
    rd = core.ready()
    core.advance(rd)
    return rd


def sent(core: RaftCore) -> list[Message]:
    return list(flush(core).messages) if core.has_ready() else []


def entries(*terms: int, start: int = 1) -> tuple[Entry, ...]:
    return tuple(Entry(start + n, t, b"e%d" % (start + n)) for n, t in enumerate(terms))


def elect(core: RaftCore) -> None:
    """Make ``core`` (node 1 of three) the leader of the next term."""
    core.tick(core.now_ms + 2 * ET)
    msgs = sent(core)
    if core.role is Role.PRE_CANDIDATE:
        for m in msgs:
            core.step(PreVoteResponse(term=m.term, sender=m.receiver, receiver=1, granted=True))
        msgs = sent(core)
    assert core.role is Role.CANDIDATE
    for m in msgs:
        core.step(VoteResponse(term=m.term, sender=m.receiver, receiver=1, granted=True))
    assert core.role is Role.LEADER  # type: ignore[comparison-overlap]  # step() and tick() change it


def ack(core: RaftCore, peer: int, match: int) -> None:
    core.step(
        AppendEntriesResponse(
            term=core.term,
            sender=peer,
            receiver=core.config.node_id,
            success=True,
            match_index=match,
        )
    )


# --------------------------------------------------------------------- elections


def test_follower_times_out_into_pre_candidate_without_changing_term() -> None:
    core = make()
    core.tick(ET - 1)
    assert core.role is Role.FOLLOWER and not core.has_ready()
    core.tick(2 * ET)
    assert core.role is Role.PRE_CANDIDATE  # type: ignore[comparison-overlap]  # step() and tick() change it
    assert core.term == 0 and core.vote is None
    msgs = sent(core)
    assert {type(m) for m in msgs} == {PreVoteRequest}
    assert {m.receiver for m in msgs} == {2, 3} and all(m.term == 1 for m in msgs)


def test_pre_candidate_becomes_candidate_then_leader_with_a_no_op() -> None:
    core = make()
    core.tick(2 * ET)
    sent(core)
    core.step(PreVoteResponse(term=1, sender=2, receiver=1, granted=True))
    assert core.role is Role.CANDIDATE and core.term == 1 and core.vote == 1
    rd = flush(core)
    assert rd.hard_state == HardState(1, 1, 0)
    assert {type(m) for m in rd.messages} == {VoteRequest}
    core.step(VoteResponse(term=1, sender=3, receiver=1, granted=True))
    assert core.role is Role.LEADER and core.leader_id == 1  # type: ignore[comparison-overlap]  # step() and tick() change it
    rd = flush(core)
    assert rd.entries == (Entry(1, 1, b""),)
    appends = [m for m in rd.messages if isinstance(m, AppendEntriesRequest)]
    assert {m.receiver for m in appends} == {2, 3}


def test_pre_vote_rejections_from_a_majority_end_the_campaign() -> None:
    core = make()
    core.tick(2 * ET)
    sent(core)
    core.step(PreVoteResponse(term=0, sender=2, receiver=1, granted=False))
    core.step(PreVoteResponse(term=0, sender=3, receiver=1, granted=False))
    assert core.role is Role.FOLLOWER and core.term == 0


def test_without_pre_vote_a_timeout_starts_a_real_election() -> None:
    core = make(pre_vote=False)
    core.tick(2 * ET)
    assert core.role is Role.CANDIDATE and core.term == 1


def test_single_voter_elects_itself_and_commits_alone() -> None:
    core = make(voters=(1,))
    core.tick(2 * ET)
    assert core.role is Role.LEADER
    flush(core)  # persists the no-op
    assert core.commit_index == 1
    index = core.propose(b"x")
    flush(core)
    assert core.commit_index == index == 2
    assert flush(core).committed_entries == (Entry(2, 1, b"x"),)


def test_single_voter_campaigns_at_its_first_tick_without_an_election_timeout() -> None:
    core = make(voters=(1,))
    core.tick(0)  # no time has passed
    assert core.role is Role.LEADER and core.term == 1
    assert not core.ready().messages  # nobody to talk to


@pytest.mark.parametrize(
    ("my_log", "their_last", "granted"),
    [
        ((1, 1), (1, 2), True),  # same log
        ((1, 1), (1, 3), True),  # longer
        ((1, 1), (2, 1), True),  # newer last term wins over length
        ((1, 2), (1, 1), False),  # shorter with the same last term
        ((2, 2), (1, 5), False),  # older last term, however long
    ],
)
def test_vote_granted_only_to_an_up_to_date_log(
    my_log: tuple[int, int], their_last: tuple[int, int], granted: bool
) -> None:
    my_last_term, my_len = my_log
    state = PersistentState(HardState(term=2), None, entries(*[1] * (my_len - 1), my_last_term))
    core = make(2, state=state)
    their_term, their_index = their_last
    core.step(
        VoteRequest(
            term=3, sender=1, receiver=2, last_log_index=their_index, last_log_term=their_term
        )
    )
    (reply,) = sent(core)
    assert isinstance(reply, VoteResponse) and reply.granted is granted
    assert core.term == 3
    assert core.vote == (1 if granted else None)


def test_one_vote_per_term() -> None:
    core = make(2, pre_vote=False)
    core.step(VoteRequest(term=1, sender=1, receiver=2, last_log_index=0, last_log_term=0))
    core.step(VoteRequest(term=1, sender=3, receiver=2, last_log_index=0, last_log_term=0))
    first, second = sent(core)
    assert isinstance(first, VoteResponse) and first.granted
    assert isinstance(second, VoteResponse) and not second.granted
    assert flush(core).hard_state is None  # the vote was persisted with the first Ready


def test_vote_is_persisted_in_the_same_ready_as_its_response() -> None:
    core = make(2)
    core.step(VoteRequest(term=5, sender=1, receiver=2, last_log_index=0, last_log_term=0))
    rd = core.ready()
    assert rd.hard_state == HardState(5, 1, 0)
    assert rd.needs_persist() and isinstance(rd.messages[0], VoteResponse)


def test_pre_vote_does_not_change_the_receivers_term_or_vote() -> None:
    core = make(2)
    core.step(PreVoteRequest(term=4, sender=1, receiver=2, last_log_index=0, last_log_term=0))
    (reply,) = sent(core)
    assert isinstance(reply, PreVoteResponse) and reply.granted and reply.term == 4
    assert core.term == 0 and core.vote is None


def test_follower_with_a_live_leader_ignores_disruptive_votes() -> None:
    core = make(2)
    core.step(
        AppendEntriesRequest(
            term=1,
            sender=1,
            receiver=2,
            prev_log_index=0,
            prev_log_term=0,
            entries=(),
            leader_commit=0,
        )
    )
    sent(core)
    core.step(VoteRequest(term=2, sender=3, receiver=2, last_log_index=9, last_log_term=9))
    core.step(PreVoteRequest(term=2, sender=3, receiver=2, last_log_index=9, last_log_term=9))
    assert core.term == 1 and core.vote is None
    (reply,) = sent(core)
    assert isinstance(reply, PreVoteResponse) and not reply.granted


# --------------------------------------------------------------------- terms


def test_leader_steps_down_on_a_higher_term() -> None:
    core = make()
    elect(core)
    flush(core)
    core.step(AppendEntriesResponse(term=core.term + 3, sender=2, receiver=1, success=False))
    assert core.role is Role.FOLLOWER and core.term == 4 and core.vote is None
    with pytest.raises(NotLeaderError):
        core.propose(b"x")


def test_candidate_returns_to_follower_on_an_append_of_its_term() -> None:
    core = make(pre_vote=False)
    core.tick(2 * ET)
    sent(core)
    core.step(
        AppendEntriesRequest(
            term=1,
            sender=3,
            receiver=1,
            prev_log_index=0,
            prev_log_term=0,
            entries=(),
            leader_commit=0,
        )
    )
    assert core.role is Role.FOLLOWER and core.leader_id == 3 and core.vote == 1


def test_stale_append_is_rejected_with_the_newer_term() -> None:
    core = make(2, state=PersistentState(HardState(term=5)))
    core.step(
        AppendEntriesRequest(
            term=3,
            sender=1,
            receiver=2,
            prev_log_index=0,
            prev_log_term=0,
            entries=entries(3),
            leader_commit=0,
        )
    )
    (reply,) = sent(core)
    assert isinstance(reply, AppendEntriesResponse) and not reply.success and reply.term == 5
    assert core.log.last_index == 0


def test_check_quorum_steps_a_lonely_leader_down() -> None:
    core = make()
    elect(core)
    flush(core)
    start = core.now_ms
    ack(core, 2, 1)
    core.tick(start + ET)  # peer 2 was heard from: still leading
    assert core.role is Role.LEADER
    core.tick(start + 2 * ET)  # nobody since
    assert core.role is Role.FOLLOWER and core.leader_id is None  # type: ignore[comparison-overlap]  # step() and tick() change it


def test_without_check_quorum_a_lonely_leader_stays() -> None:
    core = make(check_quorum=False)
    elect(core)
    core.tick(core.now_ms + 10 * ET)
    assert core.role is Role.LEADER


def test_leader_sends_heartbeats_on_time() -> None:
    core = make()
    elect(core)
    flush(core)
    t = core.now_ms
    core.tick(t + HB - 1)
    assert not core.has_ready()
    core.tick(t + HB)
    beats = [m for m in sent(core) if isinstance(m, AppendEntriesRequest)]
    assert {m.receiver for m in beats} == {2, 3}


# --------------------------------------------------------------------- replication


def test_follower_rejects_a_gap_with_a_hint_and_accepts_the_retry() -> None:
    core = make(2)
    core.step(
        AppendEntriesRequest(
            term=1,
            sender=1,
            receiver=2,
            prev_log_index=3,
            prev_log_term=1,
            entries=entries(1, start=4),
            leader_commit=0,
        )
    )
    (reply,) = sent(core)
    assert isinstance(reply, AppendEntriesResponse) and not reply.success
    assert (reply.rejected_index, reply.hint_index) == (3, 0)
    core.step(
        AppendEntriesRequest(
            term=1,
            sender=1,
            receiver=2,
            prev_log_index=0,
            prev_log_term=0,
            entries=entries(1, 1, 1, 1),
            leader_commit=2,
        )
    )
    (reply,) = sent(core)
    assert isinstance(reply, AppendEntriesResponse) and reply.success and reply.match_index == 4
    assert core.commit_index == 2


def test_a_follower_remembers_the_commit_index_its_first_leader_announced() -> None:
    """What a restarted voter must apply before its image can be trusted: the leader's commit
    index at first contact, even when that append is refused for a gap; later ones do not
    move it (a busy quorum would keep it out of reach)."""
    core = make(2)
    assert core.first_leader_commit is None
    for prev, commit in ((3, 5), (0, 9)):
        core.step(
            AppendEntriesRequest(
                term=1,
                sender=1,
                receiver=2,
                prev_log_index=prev,
                prev_log_term=1 if prev else 0,
                entries=entries(1, start=prev + 1),
                leader_commit=commit,
            )
        )
        sent(core)
    assert core.first_leader_commit == 5


def test_follower_truncates_a_conflicting_uncommitted_suffix() -> None:
    core = make(2, state=PersistentState(HardState(term=2, commit=1), None, entries(1, 1, 2)))
    core.step(
        AppendEntriesRequest(
            term=3,
            sender=1,
            receiver=2,
            prev_log_index=1,
            prev_log_term=1,
            entries=(Entry(2, 3, b"new"),),
            leader_commit=1,
        )
    )
    rd = flush(core)
    assert rd.entries == (Entry(2, 3, b"new"),)
    assert core.log.last_index == 2 and core.log.term_at(2) == 3


def test_a_reordered_old_append_does_not_truncate_newer_entries() -> None:
    core = make(2, state=PersistentState(HardState(term=1), None, entries(1, 1, 1)))
    core.step(
        AppendEntriesRequest(
            term=1,
            sender=1,
            receiver=2,
            prev_log_index=0,
            prev_log_term=0,
            entries=entries(1),
            leader_commit=0,
        )
    )
    assert core.log.last_index == 3


def test_commit_counts_only_entries_of_the_current_term() -> None:
    old = PersistentState(HardState(term=1), None, entries(1, 1))
    core = make(state=old)
    elect(core)  # term 2, no-op at 3
    flush(core)
    ack(core, 2, 2)  # a majority holds the term-1 entries, not the no-op
    assert core.commit_index == 0
    ack(core, 2, 3)
    assert core.commit_index == 3


def test_leader_commits_at_majority_and_followers_learn_it() -> None:
    core = make()
    elect(core)
    flush(core)
    core.propose(b"a")
    flush(core)
    ack(core, 3, 2)
    assert core.commit_index == 2
    rd = flush(core)
    assert [e.data for e in rd.committed_entries] == [b"", b"a"]
    commits = {m.leader_commit for m in rd.messages if isinstance(m, AppendEntriesRequest)}
    assert commits == {2}


def test_leader_counts_itself_only_once_its_entries_are_durable() -> None:
    core = make()
    elect(core)
    rd = core.ready()  # the no-op, not yet persisted
    ack(core, 2, 1)
    ack(core, 3, 1)
    assert core.commit_index == 1  # two followers are a majority without the leader
    core.advance(rd)


def test_proposals_are_refused_when_too_many_wait_to_commit() -> None:
    config = RaftConfig(
        node_id=1,
        voters=frozenset({1, 2, 3}),
        election_timeout_ms=ET,
        heartbeat_interval_ms=HB,
        max_uncommitted_entries=3,
    )
    core = RaftCore(config, random.Random(1))
    elect(core)
    core.propose(b"a")
    core.propose(b"b")
    with pytest.raises(ProposalDroppedError):
        core.propose(b"c")
    with pytest.raises(ProposalDroppedError):
        core.propose(b"")


def test_probe_backs_off_to_the_followers_hint() -> None:
    core = make(state=PersistentState(HardState(term=1), None, entries(1, 1, 1, 1)))
    elect(core)
    flush(core)
    core.step(
        AppendEntriesResponse(
            term=core.term, sender=2, receiver=1, success=False, rejected_index=4, hint_index=1
        )
    )
    (retry,) = [m for m in sent(core) if m.receiver == 2]
    assert isinstance(retry, AppendEntriesRequest)
    assert retry.prev_log_index == 1 and [e.index for e in retry.entries] == [2, 3, 4, 5]


# --------------------------------------------------------------------- snapshots


def test_compaction_persists_a_snapshot_and_lagging_followers_get_it() -> None:
    core = make()
    elect(core)
    flush(core)
    for data in (b"a", b"b", b"c"):
        core.propose(data)
    flush(core)
    ack(core, 3, 4)
    flush(core)  # applies 1..4
    core.compact(4, b"state@4")
    rd = flush(core)
    assert rd.snapshot is not None and (rd.snapshot.index, rd.snapshot.term) == (4, 1)
    assert core.log.snapshot_index == 4
    core.tick(core.now_ms + HB)  # the heartbeat finds peer 2 behind the snapshot
    (install,) = [m for m in sent(core) if m.receiver == 2]
    assert isinstance(install, InstallSnapshotRequest) and install.snapshot.data == b"state@4"
    core.step(InstallSnapshotResponse(term=core.term, sender=2, receiver=1, match_index=4))
    assert core.commit_index == 4


def test_compaction_beyond_applied_is_refused() -> None:
    core = make(voters=(1,))
    core.tick(2 * ET)
    with pytest.raises(LogError):
        core.compact(1, b"s")


def test_follower_installs_a_snapshot_and_discards_its_log() -> None:
    core = make(2, state=PersistentState(HardState(term=1), None, entries(1, 1)))
    snapshot_msg = InstallSnapshotRequest(
        term=2, sender=1, receiver=2, snapshot=_snap(10, 2, b"s10")
    )
    core.step(snapshot_msg)
    rd = flush(core)
    assert rd.snapshot == snapshot_msg.snapshot
    assert rd.hard_state == HardState(2, None, 10)
    (reply,) = rd.messages
    assert isinstance(reply, InstallSnapshotResponse) and reply.match_index == 10
    assert core.log.snapshot_index == 10 and core.log.last_index == 10
    assert core.applied_index == 10


def test_restart_resumes_from_persisted_state_and_replays_committed_entries() -> None:
    state = PersistentState(
        HardState(term=3, vote=2, commit=2), _snap(1, 1, b"s"), entries(1, 3, start=2)
    )
    core = make(state=state)
    assert (core.term, core.vote, core.commit_index, core.applied_index) == (3, 2, 2, 1)
    rd = flush(core)
    assert rd.hard_state is None and rd.entries == ()
    assert [e.index for e in rd.committed_entries] == [2]


def test_ready_must_be_advanced_before_the_next() -> None:
    core = make()
    core.tick(2 * ET)
    core.ready()
    with pytest.raises(RuntimeError):
        core.ready()


def _snap(index: int, term: int, data: bytes):  # type: ignore[no-untyped-def]
    from broker.raft.log import Snapshot

    return Snapshot(index, term, data)
