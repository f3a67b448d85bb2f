"""Schemas of the KIP-848 consumer group APIs: ConsumerGroupHeartbeat and
ConsumerGroupDescribe."""

from protocol.schema.dsl import f, request, response

CONSUMER_GROUP_HEARTBEAT_REQUEST = request(
    68, "ConsumerGroupHeartbeat", "0-1", flexible="0+", fields=[
        f("group_id", "string"),
        f("member_id", "string"),
        f("member_epoch", "int32"),
        f("instance_id", "string", nullable="0+", default=None),
        f("rack_id", "string", nullable="0+", default=None),
        f("rebalance_timeout_ms", "int32", default=-1),
        f("subscribed_topic_names", "[]string", nullable="0+", default=None),
        f("subscribed_topic_regex", "string", "1+", nullable="1+", default=None),
        f("server_assignor", "string", nullable="0+", default=None),
        f("topic_partitions", "[]TopicPartitions", nullable="0+", default=None, fields=[
            f("topic_id", "uuid"),
            f("partitions", "[]int32"),
        ]),
    ],
)


CONSUMER_GROUP_HEARTBEAT_RESPONSE = response(
    68, "ConsumerGroupHeartbeat", "0-1", flexible="0+", fields=[
        f("throttle_time_ms", "int32"),
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+", default=None),
        f("member_id", "string", nullable="0+", default=None),
        f("member_epoch", "int32"),
        f("heartbeat_interval_ms", "int32"),
        f("assignment", "Assignment", nullable="0+", default=None, fields=[
            f("topic_partitions", "[]TopicPartitions", fields=[
                f("topic_id", "uuid"),
                f("partitions", "[]int32"),
            ]),
        ]),
    ],
)


CONSUMER_GROUP_DESCRIBE_REQUEST = request(
    69, "ConsumerGroupDescribe", "0", flexible="0+", fields=[
        f("group_ids", "[]string"),
        f("include_authorized_operations", "bool"),
    ],
)


CONSUMER_GROUP_DESCRIBE_RESPONSE = response(
    69, "ConsumerGroupDescribe", "0", flexible="0+", fields=[
        f("throttle_time_ms", "int32"),
        f("groups", "[]DescribedGroup", fields=[
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+", default=None),
            f("group_id", "string"),
            f("group_state", "string"),
            f("group_epoch", "int32"),
            f("assignment_epoch", "int32"),
            f("assignor_name", "string"),
            f("members", "[]Member", fields=[
                f("member_id", "string"),
                f("instance_id", "string", nullable="0+", default=None),
                f("rack_id", "string", nullable="0+", default=None),
                f("member_epoch", "int32"),
                f("client_id", "string"),
                f("client_host", "string"),
                f("subscribed_topic_names", "[]string"),
                f("subscribed_topic_regex", "string", nullable="0+", default=None),
                f("assignment", "Assignment", fields=[
                    f("topic_partitions", "[]TopicPartitions", fields=[
                        f("topic_id", "uuid"),
                        f("topic_name", "string"),
                        f("partitions", "[]int32"),
                    ]),
                ]),
                f("target_assignment", "TargetAssignment", fields=[
                    f("topic_partitions", "[]TopicPartitions", fields=[
                        f("topic_id", "uuid"),
                        f("topic_name", "string"),
                        f("partitions", "[]int32"),
                    ]),
                ]),
            ]),
            f("authorized_operations", "int32", default=-2147483648),
        ]),
    ],
)
