"""Schemas of the group APIs: field layouts for the versions Samsa implements."""

from protocol.schema.dsl import f, request, response

FIND_COORDINATOR_REQUEST = request(10, "FindCoordinator", "0-3", flexible="3+", fields=[
    f("key", "string"),
    f("key_type", "int8", "1+", default=0),
])


FIND_COORDINATOR_RESPONSE = response(10, "FindCoordinator", "0-3", flexible="3+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("error_code", "int16"),
    f("error_message", "string", "1+", nullable="1+"),
    f("node_id", "int32"),
    f("host", "string"),
    f("port", "int32"),
])


JOIN_GROUP_REQUEST = request(11, "JoinGroup", "0-7", flexible="6+", fields=[
    f("group_id", "string"),
    f("session_timeout_ms", "int32"),
    f("rebalance_timeout_ms", "int32", "1+", default=-1),
    f("member_id", "string"),
    f("group_instance_id", "string", "5+", nullable="5+", default=None),
    f("protocol_type", "string"),
    f("protocols", "[]JoinGroupRequestProtocol", fields=[
        f("name", "string"),
        f("metadata", "bytes"),
    ]),
])


JOIN_GROUP_RESPONSE = response(11, "JoinGroup", "0-7", flexible="6+", fields=[
    f("throttle_time_ms", "int32", "2+"),
    f("error_code", "int16"),
    f("generation_id", "int32", default=-1),
    f("protocol_type", "string", "7+", nullable="7+", default=None),
    f("protocol_name", "string", nullable="7+"),
    f("leader", "string"),
    f("member_id", "string"),
    f("members", "[]JoinGroupResponseMember", fields=[
        f("member_id", "string"),
        f("group_instance_id", "string", "5+", nullable="5+", default=None),
        f("metadata", "bytes"),
    ]),
])


HEARTBEAT_REQUEST = request(12, "Heartbeat", "0-4", flexible="4+", fields=[
    f("group_id", "string"),
    f("generation_id", "int32"),
    f("member_id", "string"),
    f("group_instance_id", "string", "3+", nullable="3+", default=None),
])


HEARTBEAT_RESPONSE = response(12, "Heartbeat", "0-4", flexible="4+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("error_code", "int16"),
])


LEAVE_GROUP_REQUEST = request(13, "LeaveGroup", "0-4", flexible="4+", fields=[
    f("group_id", "string"),
    f("member_id", "string", "0-2"),
    f("members", "[]MemberIdentity", "3+", fields=[
        f("member_id", "string", "3+"),
        f("group_instance_id", "string", "3+", nullable="3+", default=None),
    ]),
])


LEAVE_GROUP_RESPONSE = response(13, "LeaveGroup", "0-4", flexible="4+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("error_code", "int16"),
    f("members", "[]MemberResponse", "3+", fields=[
        f("member_id", "string", "3+"),
        f("group_instance_id", "string", "3+", nullable="3+"),
        f("error_code", "int16", "3+"),
    ]),
])


SYNC_GROUP_REQUEST = request(14, "SyncGroup", "0-5", flexible="4+", fields=[
    f("group_id", "string"),
    f("generation_id", "int32"),
    f("member_id", "string"),
    f("group_instance_id", "string", "3+", nullable="3+", default=None),
    f("protocol_type", "string", "5+", nullable="5+", default=None),
    f("protocol_name", "string", "5+", nullable="5+", default=None),
    f("assignments", "[]SyncGroupRequestAssignment", fields=[
        f("member_id", "string"),
        f("assignment", "bytes"),
    ]),
])


SYNC_GROUP_RESPONSE = response(14, "SyncGroup", "0-5", flexible="4+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("error_code", "int16"),
    f("protocol_type", "string", "5+", nullable="5+", default=None),
    f("protocol_name", "string", "5+", nullable="5+", default=None),
    f("assignment", "bytes"),
])


DESCRIBE_GROUPS_REQUEST = request(15, "DescribeGroups", "0-5", flexible="5+", fields=[
    f("groups", "[]string"),
    f("include_authorized_operations", "bool", "3+"),
])


DESCRIBE_GROUPS_RESPONSE = response(15, "DescribeGroups", "0-5", flexible="5+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("groups", "[]DescribedGroup", fields=[
        f("error_code", "int16"),
        f("group_id", "string"),
        f("group_state", "string"),
        f("protocol_type", "string"),
        f("protocol_data", "string"),
        f("members", "[]DescribedGroupMember", fields=[
            f("member_id", "string"),
            f("group_instance_id", "string", "4+", nullable="4+", default=None),
            f("client_id", "string"),
            f("client_host", "string"),
            f("member_metadata", "bytes"),
            f("member_assignment", "bytes"),
        ]),
        f("authorized_operations", "int32", "3+", default=-2147483648),
    ]),
])


LIST_GROUPS_REQUEST = request(16, "ListGroups", "0-5", flexible="3+", fields=[
    f("states_filter", "[]string", "4+"),
    f("types_filter", "[]string", "5+"),
])


LIST_GROUPS_RESPONSE = response(16, "ListGroups", "0-5", flexible="3+", fields=[
    f("throttle_time_ms", "int32", "1+"),
    f("error_code", "int16"),
    f("groups", "[]ListedGroup", fields=[
        f("group_id", "string"),
        f("protocol_type", "string"),
        f("group_state", "string", "4+"),
        f("group_type", "string", "5+"),
    ]),
])


DELETE_GROUPS_REQUEST = request(42, "DeleteGroups", "0-2", flexible="2+", fields=[
    f("groups_names", "[]string"),
])


DELETE_GROUPS_RESPONSE = response(42, "DeleteGroups", "0-2", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("results", "[]DeletableGroupResult", fields=[
        f("group_id", "string"),
        f("error_code", "int16"),
    ]),
])


OFFSET_COMMIT_REQUEST = request(8, "OffsetCommit", "2-9", flexible="8+", fields=[
    f("group_id", "string"),
    f("generation_id_or_member_epoch", "int32", default=-1),
    f("member_id", "string"),
    f("group_instance_id", "string", "7+", nullable="7+", default=None),
    f("retention_time_ms", "int64", "0-4", default=-1),
    f("topics", "[]OffsetCommitRequestTopic", fields=[
        f("name", "string"),
        f("partitions", "[]OffsetCommitRequestPartition", fields=[
            f("partition_index", "int32"),
            f("committed_offset", "int64"),
            f("committed_leader_epoch", "int32", "6+", default=-1),
            f("committed_metadata", "string", nullable="0+"),
        ]),
    ]),
])


OFFSET_COMMIT_RESPONSE = response(8, "OffsetCommit", "2-9", flexible="8+", fields=[
    f("throttle_time_ms", "int32", "3+"),
    f("topics", "[]OffsetCommitResponseTopic", fields=[
        f("name", "string"),
        f("partitions", "[]OffsetCommitResponsePartition", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
        ]),
    ]),
])


OFFSET_FETCH_REQUEST = request(9, "OffsetFetch", "1-9", flexible="6+", fields=[
    f("group_id", "string", "0-7", default=""),
    f("topics", "[]OffsetFetchRequestTopic", "0-7", nullable="2-7", fields=[
        f("name", "string"),
        f("partition_indexes", "[]int32"),
    ]),
    f("groups", "[]OffsetFetchRequestGroup", "8+", fields=[
        f("group_id", "string"),
        f("member_id", "string", "9+", nullable="9+", default=None),
        f("member_epoch", "int32", "9+", default=-1),
        f("topics", "[]OffsetFetchRequestTopics", nullable="8+", fields=[
            f("name", "string"),
            f("partition_indexes", "[]int32"),
        ]),
    ]),
    f("require_stable", "bool", "7+", default=False),
])


OFFSET_FETCH_RESPONSE = response(9, "OffsetFetch", "1-9", flexible="6+", fields=[
    f("throttle_time_ms", "int32", "3+"),
    f("topics", "[]OffsetFetchResponseTopic", "0-7", fields=[
        f("name", "string"),
        f("partitions", "[]OffsetFetchResponsePartition", fields=[
            f("partition_index", "int32"),
            f("committed_offset", "int64"),
            f("committed_leader_epoch", "int32", "5+", default=-1),
            f("metadata", "string", nullable="0+"),
            f("error_code", "int16"),
        ]),
    ]),
    f("error_code", "int16", "2-7", default=0),
    f("groups", "[]OffsetFetchResponseGroup", "8+", fields=[
        f("group_id", "string"),
        f("topics", "[]OffsetFetchResponseTopics", fields=[
            f("name", "string"),
            f("partitions", "[]OffsetFetchResponsePartitions", fields=[
                f("partition_index", "int32"),
                f("committed_offset", "int64"),
                f("committed_leader_epoch", "int32", default=-1),
                f("metadata", "string", nullable="0+"),
                f("error_code", "int16"),
            ]),
        ]),
        f("error_code", "int16", default=0),
    ]),
])


OFFSET_DELETE_REQUEST = request(47, "OffsetDelete", "0", fields=[
    f("group_id", "string"),
    f("topics", "[]OffsetDeleteRequestTopic", fields=[
        f("name", "string"),
        f("partitions", "[]OffsetDeleteRequestPartition", fields=[
            f("partition_index", "int32"),
        ]),
    ]),
])


OFFSET_DELETE_RESPONSE = response(47, "OffsetDelete", "0", fields=[
    f("error_code", "int16"),
    f("throttle_time_ms", "int32"),
    f("topics", "[]OffsetDeleteResponseTopic", fields=[
        f("name", "string"),
        f("partitions", "[]OffsetDeleteResponsePartition", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
        ]),
    ]),
])
