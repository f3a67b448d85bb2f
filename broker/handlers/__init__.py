"""The dispatch table: API key → handler, with the versions advertised in ApiVersions.

Only what is implemented is advertised (COMPAT.md's ranges). The group APIs (``groups.py``)
are served by the group coordinator (``broker/group/`` core, ``broker/group_coordinator/``
driver): OffsetFetch stops at v7 (v8 batches groups) and FindCoordinator at v3 (v4 batches
keys).
"""

from __future__ import annotations

from broker.handlers import (
    api_versions,
    conditional_produce,
    configs,
    fetch,
    groups,
    init_producer_id,
    log_dirs,
    metadata,
    offsets,
    produce,
    topics,
)
from broker.handlers.base import ApiHandler
from protocol.extensions import CONDITIONAL_PRODUCE_KEY

__all__ = ["build_dispatch_table"]


def build_dispatch_table() -> dict[int, ApiHandler]:
    """Every served API by key."""
    entries = [
        ApiHandler(
            0,
            0,
            8,
            produce.handle_produce,
            produce.error_response,
            expects_no_response=lambda request: request.acks == 0,
        ),
        ApiHandler(
            1,
            4,
            11,
            fetch.handle_fetch,
            fetch.error_response,
            release_response=fetch.release_records,
        ),
        ApiHandler(2, 1, 7, offsets.handle_list_offsets, offsets.list_offsets_error),
        ApiHandler(3, 0, 8, metadata.handle_metadata, metadata.metadata_error),
        ApiHandler(18, 0, 4, api_versions.handle_api_versions, api_versions.error_response),
        ApiHandler(19, 2, 5, topics.handle_create_topics, topics.create_topics_error),
        ApiHandler(20, 1, 4, topics.handle_delete_topics, topics.delete_topics_error),
        ApiHandler(21, 0, 2, topics.handle_delete_records, topics.delete_records_error),
        ApiHandler(
            22, 0, 4, init_producer_id.handle_init_producer_id, init_producer_id.error_response
        ),
        ApiHandler(
            23,
            2,
            4,
            offsets.handle_offset_for_leader_epoch,
            offsets.offset_for_leader_epoch_error,
        ),
        ApiHandler(32, 0, 4, configs.handle_describe_configs, configs.describe_configs_error),
        ApiHandler(33, 0, 2, configs.handle_alter_configs, configs.alter_configs_error),
        ApiHandler(37, 0, 3, topics.handle_create_partitions, topics.create_partitions_error),
        ApiHandler(
            35, 0, 4, log_dirs.handle_describe_log_dirs, log_dirs.describe_log_dirs_error
        ),
        ApiHandler(
            44,
            0,
            1,
            configs.handle_incremental_alter_configs,
            configs.incremental_alter_configs_error,
        ),
        ApiHandler(60, 0, 1, metadata.handle_describe_cluster, metadata.describe_cluster_error),
        # The group coordinator (broker/group/, broker/group_coordinator/).
        ApiHandler(8, 2, 8, groups.handle_offset_commit, groups.offset_commit_error),
        ApiHandler(9, 1, 7, groups.handle_offset_fetch, groups.offset_fetch_error),
        ApiHandler(10, 0, 3, groups.handle_find_coordinator, groups.find_coordinator_error),
        ApiHandler(11, 0, 7, groups.handle_join_group, groups.join_group_error),
        ApiHandler(12, 0, 4, groups.handle_heartbeat, groups.heartbeat_error),
        ApiHandler(13, 0, 4, groups.handle_leave_group, groups.leave_group_error),
        ApiHandler(14, 0, 5, groups.handle_sync_group, groups.sync_group_error),
        ApiHandler(15, 0, 5, groups.handle_describe_groups, groups.describe_groups_error),
        ApiHandler(16, 0, 5, groups.handle_list_groups, groups.list_groups_error),
        ApiHandler(42, 0, 2, groups.handle_delete_groups, groups.delete_groups_error),
        ApiHandler(47, 0, 0, groups.handle_offset_delete, groups.offset_delete_error),
        # Samsa's private APIs (protocol.extensions): advertised to Samsa's client only.
        ApiHandler(
            CONDITIONAL_PRODUCE_KEY,
            0,
            0,
            conditional_produce.handle_conditional_produce,
            conditional_produce.error_response,
        ),
    ]
    return {e.api_key: e for e in entries}
