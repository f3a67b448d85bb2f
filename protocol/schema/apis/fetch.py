"""Schemas of the fetch APIs: field layouts for the versions Samsa implements."""

from protocol.schema.dsl import f, request, response

FETCH_REQUEST = request(1, "Fetch", "4-11", fields=[
    f("replica_id", "int32", default=-1),
    f("max_wait_ms", "int32"),
    f("min_bytes", "int32"),
    f("max_bytes", "int32", default=2147483647),
    f("isolation_level", "int8", default=0),
    f("session_id", "int32", "7+", default=0),
    f("session_epoch", "int32", "7+", default=-1),
    f("topics", "[]FetchTopic", fields=[
        f("topic", "string"),
        f("partitions", "[]FetchPartition", fields=[
            f("partition", "int32"),
            f("current_leader_epoch", "int32", "9+", default=-1),
            f("fetch_offset", "int64"),
            f("log_start_offset", "int64", "5+", default=-1),
            f("partition_max_bytes", "int32"),
        ]),
    ]),
    f("forgotten_topics_data", "[]ForgottenTopic", "7+", fields=[
        f("topic", "string", "7+"),
        f("partitions", "[]int32", "7+"),
    ]),
    f("rack_id", "string", "11+", default=""),
])


FETCH_RESPONSE = response(1, "Fetch", "4-11", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16", "7+"),
    f("session_id", "int32", "7+", default=0),
    f("responses", "[]FetchableTopicResponse", fields=[
        f("topic", "string"),
        f("partitions", "[]PartitionData", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
            f("high_watermark", "int64"),
            f("last_stable_offset", "int64", default=-1),
            f("log_start_offset", "int64", "5+", default=-1),
            f("aborted_transactions", "[]AbortedTransaction", nullable="0+", fields=[
                f("producer_id", "int64"),
                f("first_offset", "int64"),
            ]),
            f("preferred_read_replica", "int32", "11+", default=-1),
            f("records", "records", nullable="0+"),
        ]),
    ]),
])


LIST_OFFSETS_REQUEST = request(2, "ListOffsets", "1-7", flexible="6+", fields=[
    f("replica_id", "int32"),
    f("isolation_level", "int8", "2+"),
    f("topics", "[]ListOffsetsTopic", fields=[
        f("name", "string"),
        f("partitions", "[]ListOffsetsPartition", fields=[
            f("partition_index", "int32"),
            f("current_leader_epoch", "int32", "4+", default=-1),
            f("timestamp", "int64"),
        ]),
    ]),
])


LIST_OFFSETS_RESPONSE = response(2, "ListOffsets", "1-7", flexible="6+", fields=[
    f("throttle_time_ms", "int32", "2+"),
    f("topics", "[]ListOffsetsTopicResponse", fields=[
        f("name", "string"),
        f("partitions", "[]ListOffsetsPartitionResponse", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
            f("timestamp", "int64", default=-1),
            f("offset", "int64", default=-1),
            f("leader_epoch", "int32", "4+", default=-1),
        ]),
    ]),
])


OFFSET_FOR_LEADER_EPOCH_REQUEST = request(23, "OffsetForLeaderEpoch", "2-4", flexible="4+", fields=[
    f("replica_id", "int32", "3+", default=-2),
    f("topics", "[]OffsetForLeaderTopic", fields=[
        f("topic", "string"),
        f("partitions", "[]OffsetForLeaderPartition", fields=[
            f("partition", "int32"),
            f("current_leader_epoch", "int32", default=-1),
            f("leader_epoch", "int32"),
        ]),
    ]),
])


OFFSET_FOR_LEADER_EPOCH_RESPONSE = response(
    23, "OffsetForLeaderEpoch", "2-4", flexible="4+", fields=[
    f("throttle_time_ms", "int32"),
    f("topics", "[]OffsetForLeaderTopicResult", fields=[
        f("topic", "string"),
        f("partitions", "[]EpochEndOffset", fields=[
            f("error_code", "int16"),
            f("partition", "int32"),
            f("leader_epoch", "int32", default=-1),
            f("end_offset", "int64", default=-1),
        ]),
    ]),
])
