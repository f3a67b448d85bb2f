"""Schemas of the admin APIs: field layouts for the versions Samsa implements."""

from protocol.schema.dsl import f, request, response

CREATE_TOPICS_REQUEST = request(19, "CreateTopics", "2-5", flexible="5+", fields=[
    f("topics", "[]CreatableTopic", fields=[
        f("name", "string"),
        f("num_partitions", "int32"),
        f("replication_factor", "int16"),
        f("assignments", "[]CreatableReplicaAssignment", fields=[
            f("partition_index", "int32"),
            f("broker_ids", "[]int32"),
        ]),
        f("configs", "[]CreatableTopicConfig", fields=[
            f("name", "string"),
            f("value", "string", nullable="0+"),
        ]),
    ]),
    f("timeout_ms", "int32", default=60000),
    f("validate_only", "bool", default=False),
])


CREATE_TOPICS_RESPONSE = response(19, "CreateTopics", "2-5", flexible="5+", fields=[
    f("throttle_time_ms", "int32"),
    f("topics", "[]CreatableTopicResult", fields=[
        f("name", "string"),
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("topic_config_error_code", "int16", "5+", tag=0),
        f("num_partitions", "int32", "5+", default=-1),
        f("replication_factor", "int16", "5+", default=-1),
        f("configs", "[]CreatableTopicConfigs", "5+", nullable="5+", fields=[
            f("name", "string", "5+"),
            f("value", "string", "5+", nullable="5+"),
            f("read_only", "bool", "5+"),
            f("config_source", "int8", "5+", default=-1),
            f("is_sensitive", "bool", "5+"),
        ]),
    ]),
])


DELETE_TOPICS_REQUEST = request(20, "DeleteTopics", "1-4", flexible="4+", fields=[
    f("topic_names", "[]string"),
    f("timeout_ms", "int32"),
])


DELETE_TOPICS_RESPONSE = response(20, "DeleteTopics", "1-4", flexible="4+", fields=[
    f("throttle_time_ms", "int32"),
    f("responses", "[]DeletableTopicResult", fields=[
        f("name", "string"),
        f("error_code", "int16"),
    ]),
])


CREATE_PARTITIONS_REQUEST = request(37, "CreatePartitions", "0-3", flexible="2+", fields=[
    f("topics", "[]CreatePartitionsTopic", fields=[
        f("name", "string"),
        f("count", "int32"),
        f("assignments", "[]CreatePartitionsAssignment", nullable="0+", fields=[
            f("broker_ids", "[]int32"),
        ]),
    ]),
    f("timeout_ms", "int32"),
    f("validate_only", "bool"),
])


CREATE_PARTITIONS_RESPONSE = response(37, "CreatePartitions", "0-3", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("results", "[]CreatePartitionsTopicResult", fields=[
        f("name", "string"),
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+", default=None),
    ]),
])


DELETE_RECORDS_REQUEST = request(21, "DeleteRecords", "0-2", flexible="2+", fields=[
    f("topics", "[]DeleteRecordsTopic", fields=[
        f("name", "string"),
        f("partitions", "[]DeleteRecordsPartition", fields=[
            f("partition_index", "int32"),
            f("offset", "int64"),
        ]),
    ]),
    f("timeout_ms", "int32"),
])


DELETE_RECORDS_RESPONSE = response(21, "DeleteRecords", "0-2", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("topics", "[]DeleteRecordsTopicResult", fields=[
        f("name", "string"),
        f("partitions", "[]DeleteRecordsPartitionResult", fields=[
            f("partition_index", "int32"),
            f("low_watermark", "int64"),
            f("error_code", "int16"),
        ]),
    ]),
])


DESCRIBE_CONFIGS_REQUEST = request(32, "DescribeConfigs", "0-4", flexible="4+", fields=[
    f("resources", "[]DescribeConfigsResource", fields=[
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("configuration_keys", "[]string", nullable="0+"),
    ]),
    f("include_synonyms", "bool", "1+", default=False),
    f("include_documentation", "bool", "3+", default=False),
])


DESCRIBE_CONFIGS_RESPONSE = response(32, "DescribeConfigs", "0-4", flexible="4+", fields=[
    f("throttle_time_ms", "int32"),
    f("results", "[]DescribeConfigsResult", fields=[
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("configs", "[]DescribeConfigsResourceResult", fields=[
            f("name", "string"),
            f("value", "string", nullable="0+"),
            f("read_only", "bool"),
            f("is_default", "bool", "0"),
            f("config_source", "int8", "1+", default=-1),
            f("is_sensitive", "bool"),
            f("synonyms", "[]DescribeConfigsSynonym", "1+", fields=[
                f("name", "string", "1+"),
                f("value", "string", "1+", nullable="0+"),
                f("source", "int8", "1+"),
            ]),
            f("config_type", "int8", "3+", default=0),
            f("documentation", "string", "3+", nullable="0+"),
        ]),
    ]),
])


ALTER_CONFIGS_REQUEST = request(33, "AlterConfigs", "0-2", flexible="2+", fields=[
    f("resources", "[]AlterConfigsResource", fields=[
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("configs", "[]AlterableConfig", fields=[
            f("name", "string"),
            f("value", "string", nullable="0+"),
        ]),
    ]),
    f("validate_only", "bool"),
])


ALTER_CONFIGS_RESPONSE = response(33, "AlterConfigs", "0-2", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("responses", "[]AlterConfigsResourceResponse", fields=[
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("resource_type", "int8"),
        f("resource_name", "string"),
    ]),
])


INCREMENTAL_ALTER_CONFIGS_REQUEST = request(
    44, "IncrementalAlterConfigs", "0-1", flexible="1+", fields=[
    f("resources", "[]AlterConfigsResource", fields=[
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("configs", "[]AlterableConfig", fields=[
            f("name", "string"),
            f("config_operation", "int8"),
            f("value", "string", nullable="0+"),
        ]),
    ]),
    f("validate_only", "bool"),
])


INCREMENTAL_ALTER_CONFIGS_RESPONSE = response(
    44, "IncrementalAlterConfigs", "0-1", flexible="1+", fields=[
    f("throttle_time_ms", "int32"),
    f("responses", "[]AlterConfigsResourceResponse", fields=[
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("resource_type", "int8"),
        f("resource_name", "string"),
    ]),
])


DESCRIBE_LOG_DIRS_REQUEST = request(35, "DescribeLogDirs", "0-4", flexible="2+", fields=[
    # Null: every partition of every log directory.
    f("topics", "[]DescribableLogDirTopic", nullable="0+", fields=[
        f("topic", "string"),
        f("partitions", "[]int32"),
    ]),
])


DESCRIBE_LOG_DIRS_RESPONSE = response(35, "DescribeLogDirs", "0-4", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16", "3+", default=0),
    f("results", "[]DescribeLogDirsResult", fields=[
        f("error_code", "int16"),
        f("log_dir", "string"),
        f("topics", "[]DescribeLogDirsTopic", fields=[
            f("name", "string"),
            f("partitions", "[]DescribeLogDirsPartition", fields=[
                f("partition_index", "int32"),
                f("partition_size", "int64"),
                f("offset_lag", "int64"),
                f("is_future_key", "bool"),
            ]),
        ]),
        f("total_bytes", "int64", "4+", default=-1),
        f("usable_bytes", "int64", "4+", default=-1),
    ]),
])


DESCRIBE_PRODUCERS_REQUEST = request(61, "DescribeProducers", "0", flexible="0+", fields=[
    f("topics", "[]TopicRequest", fields=[
        f("name", "string"),
        f("partition_indexes", "[]int32"),
    ]),
])


DESCRIBE_PRODUCERS_RESPONSE = response(61, "DescribeProducers", "0", flexible="0+", fields=[
    f("throttle_time_ms", "int32"),
    f("topics", "[]TopicResponse", fields=[
        f("name", "string"),
        f("partitions", "[]PartitionResponse", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+", default=None),
            f("active_producers", "[]ProducerState", fields=[
                f("producer_id", "int64"),
                f("producer_epoch", "int32"),
                f("last_sequence", "int32", default=-1),
                f("last_timestamp", "int64", default=-1),
                f("coordinator_epoch", "int32"),
                f("current_txn_start_offset", "int64", default=-1),
            ]),
        ]),
    ]),
])


DESCRIBE_TRANSACTIONS_REQUEST = request(65, "DescribeTransactions", "0", flexible="0+", fields=[
    f("transactional_ids", "[]string"),
])


DESCRIBE_TRANSACTIONS_RESPONSE = response(65, "DescribeTransactions", "0", flexible="0+", fields=[
    f("throttle_time_ms", "int32"),
    f("transaction_states", "[]TransactionState", fields=[
        f("error_code", "int16"),
        f("transactional_id", "string"),
        f("transaction_state", "string"),
        f("transaction_timeout_ms", "int32"),
        f("transaction_start_time_ms", "int64"),
        f("producer_id", "int64"),
        f("producer_epoch", "int16"),
        f("topics", "[]TopicData", fields=[
            f("topic", "string"),
            f("partitions", "[]int32"),
        ]),
    ]),
])


LIST_TRANSACTIONS_REQUEST = request(66, "ListTransactions", "0-1", flexible="0+", fields=[
    f("state_filters", "[]string"),
    f("producer_id_filters", "[]int64"),
    f("duration_filter", "int64", "1+", default=-1),
])


LIST_TRANSACTIONS_RESPONSE = response(66, "ListTransactions", "0-1", flexible="0+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
    f("unknown_state_filters", "[]string"),
    f("transaction_states", "[]TransactionState", fields=[
        f("transactional_id", "string"),
        f("producer_id", "int64"),
        f("transaction_state", "string"),
    ]),
])


ELECT_LEADERS_REQUEST = request(43, "ElectLeaders", "0-2", flexible="2+", fields=[
    f("election_type", "int8", "1+", default=0),
    f("topic_partitions", "[]TopicPartitions", nullable="0+", fields=[
        f("topic", "string"),
        f("partitions", "[]int32"),
    ]),
    f("timeout_ms", "int32", default=60000),
])


ELECT_LEADERS_RESPONSE = response(43, "ElectLeaders", "0-2", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16", "1+"),
    f("replica_election_results", "[]ReplicaElectionResult", fields=[
        f("topic", "string"),
        f("partition_result", "[]PartitionResult", fields=[
            f("partition_id", "int32"),
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+", default=None),
        ]),
    ]),
])
