"""Schemas of the metadata APIs: field layouts for the versions Samsa implements."""

from protocol.schema.dsl import f, request, response

API_VERSIONS_REQUEST = request(18, "ApiVersions", "0-4", flexible="3+", fields=[
    f("client_software_name", "string", "3+"),
    f("client_software_version", "string", "3+"),
])


API_VERSIONS_RESPONSE = response(18, "ApiVersions", "0-4", flexible="3+", fields=[
    f("error_code", "int16"),
    f("api_keys", "[]ApiVersion", fields=[
        f("api_key", "int16"),
        f("min_version", "int16"),
        f("max_version", "int16"),
    ]),
    f("throttle_time_ms", "int32", "1+"),
    f("supported_features", "[]SupportedFeatureKey", "3+", tag=0, fields=[
        f("name", "string", "3+"),
        f("min_version", "int16", "3+"),
        f("max_version", "int16", "3+"),
    ]),
    f("finalized_features_epoch", "int64", "3+", default=-1, tag=1),
    f("finalized_features", "[]FinalizedFeatureKey", "3+", tag=2, fields=[
        f("name", "string", "3+"),
        f("max_version_level", "int16", "3+"),
        f("min_version_level", "int16", "3+"),
    ]),
    f("zk_migration_ready", "bool", "3+", default=False, tag=3),
])


METADATA_REQUEST = request(3, "Metadata", "0-12", flexible="9+", fields=[
    f("topics", "[]MetadataRequestTopic", nullable="1+", fields=[
        f("topic_id", "uuid", "10+"),
        f("name", "string", nullable="10+"),
    ]),
    f("allow_auto_topic_creation", "bool", "4+", default=True),
    f("include_cluster_authorized_operations", "bool", "8-10", default=False),
    f("include_topic_authorized_operations", "bool", "8+"),
])


METADATA_RESPONSE = response(3, "Metadata", "0-12", flexible="9+", fields=[
    f("throttle_time_ms", "int32", "3+"),
    f("brokers", "[]MetadataResponseBroker", fields=[
        f("node_id", "int32"),
        f("host", "string"),
        f("port", "int32"),
        f("rack", "string", "1+", nullable="1+", default=None),
    ]),
    f("cluster_id", "string", "2+", nullable="2+", default=None),
    f("controller_id", "int32", "1+", default=-1),
    f("topics", "[]MetadataResponseTopic", fields=[
        f("error_code", "int16"),
        f("name", "string", nullable="12+"),
        f("topic_id", "uuid", "10+"),
        f("is_internal", "bool", "1+", default=False),
        f("partitions", "[]MetadataResponsePartition", fields=[
            f("error_code", "int16"),
            f("partition_index", "int32"),
            f("leader_id", "int32"),
            f("leader_epoch", "int32", "7+", default=-1),
            f("replica_nodes", "[]int32"),
            f("isr_nodes", "[]int32"),
            f("offline_replicas", "[]int32", "5+"),
        ]),
        f("topic_authorized_operations", "int32", "8+", default=-2147483648),
    ]),
    f("cluster_authorized_operations", "int32", "8-10", default=-2147483648),
])


DESCRIBE_CLUSTER_REQUEST = request(60, "DescribeCluster", "0-1", flexible="0+", fields=[
    f("include_cluster_authorized_operations", "bool"),
    f("endpoint_type", "int8", "1+", default=1),
])


DESCRIBE_CLUSTER_RESPONSE = response(60, "DescribeCluster", "0-1", flexible="0+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
    f("error_message", "string", nullable="0+", default=None),
    f("endpoint_type", "int8", "1+", default=1),
    f("cluster_id", "string"),
    f("controller_id", "int32", default=-1),
    f("brokers", "[]DescribeClusterBroker", fields=[
        f("broker_id", "int32"),
        f("host", "string"),
        f("port", "int32"),
        f("rack", "string", nullable="0+", default=None),
    ]),
    f("cluster_authorized_operations", "int32", default=-2147483648),
])


SASL_HANDSHAKE_REQUEST = request(17, "SaslHandshake", "0-1", fields=[
    f("mechanism", "string"),
])


SASL_HANDSHAKE_RESPONSE = response(17, "SaslHandshake", "0-1", fields=[
    f("error_code", "int16"),
    f("mechanisms", "[]string"),
])


SASL_AUTHENTICATE_REQUEST = request(36, "SaslAuthenticate", "0-2", flexible="2+", fields=[
    f("auth_bytes", "bytes"),
])


SASL_AUTHENTICATE_RESPONSE = response(36, "SaslAuthenticate", "0-2", flexible="2+", fields=[
    f("error_code", "int16"),
    f("error_message", "string", nullable="0+"),
    f("auth_bytes", "bytes"),
    f("session_lifetime_ms", "int64", "1+", default=0),
])
