"""Schemas of the produce APIs: field layouts for the versions Samsa implements."""

from protocol.schema.dsl import f, request, response

PRODUCE_REQUEST = request(0, "Produce", "0-8", fields=[
    f("transactional_id", "string", "3+", nullable="3+", default=None),
    f("acks", "int16"),
    f("timeout_ms", "int32"),
    f("topic_data", "[]TopicProduceData", fields=[
        f("name", "string"),
        f("partition_data", "[]PartitionProduceData", fields=[
            f("index", "int32"),
            f("records", "records", nullable="0+"),
        ]),
    ]),
])


PRODUCE_RESPONSE = response(0, "Produce", "0-8", fields=[
    f("responses", "[]TopicProduceResponse", fields=[
        f("name", "string"),
        f("partition_responses", "[]PartitionProduceResponse", fields=[
            f("index", "int32"),
            f("error_code", "int16"),
            f("base_offset", "int64"),
            f("log_append_time_ms", "int64", "2+", default=-1),
            f("log_start_offset", "int64", "5+", default=-1),
            f("record_errors", "[]BatchIndexAndErrorMessage", "8+", fields=[
                f("batch_index", "int32", "8+"),
                f("batch_index_error_message", "string", "8+", nullable="8+", default=None),
            ]),
            f("error_message", "string", "8+", nullable="8+", default=None),
        ]),
    ]),
    f("throttle_time_ms", "int32", "1+", default=0),
])


INIT_PRODUCER_ID_REQUEST = request(22, "InitProducerId", "0-4", flexible="2+", fields=[
    f("transactional_id", "string", nullable="0+"),
    f("transaction_timeout_ms", "int32"),
    f("producer_id", "int64", "3+", default=-1),
    f("producer_epoch", "int16", "3+", default=-1),
])


INIT_PRODUCER_ID_RESPONSE = response(22, "InitProducerId", "0-4", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
    f("producer_id", "int64", default=-1),
    f("producer_epoch", "int16"),
])


ADD_PARTITIONS_TO_TXN_REQUEST = request(24, "AddPartitionsToTxn", "0-5", flexible="3+", fields=[
    # v4+ (KIP-890): broker to coordinator only, several transactions per request; a client's
    # producer speaks v0-3.
    f("transactions", "[]AddPartitionsToTxnTransaction", "4+", fields=[
        f("transactional_id", "string", "4+"),
        f("producer_id", "int64", "4+"),
        f("producer_epoch", "int16", "4+"),
        f("verify_only", "bool", "4+", default=False),
        f("topics", "[]AddPartitionsToTxnTopic", "4+", fields=[
            f("name", "string"),
            f("partitions", "[]int32"),
        ]),
    ]),
    f("v3_and_below_transactional_id", "string", "0-3"),
    f("v3_and_below_producer_id", "int64", "0-3"),
    f("v3_and_below_producer_epoch", "int16", "0-3"),
    f("v3_and_below_topics", "[]AddPartitionsToTxnTopic", "0-3", fields=[
        f("name", "string"),
        f("partitions", "[]int32"),
    ]),
])


ADD_PARTITIONS_TO_TXN_RESPONSE = response(24, "AddPartitionsToTxn", "0-5", flexible="3+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16", "4+", default=0),
    f("results_by_transaction", "[]AddPartitionsToTxnResult", "4+", fields=[
        f("transactional_id", "string", "4+"),
        f("topic_results", "[]AddPartitionsToTxnTopicResult", "4+", fields=[
            f("name", "string"),
            f("results_by_partition", "[]AddPartitionsToTxnPartitionResult", fields=[
                f("partition_index", "int32"),
                f("partition_error_code", "int16"),
            ]),
        ]),
    ]),
    f("results_by_topic_v3_and_below", "[]AddPartitionsToTxnTopicResult", "0-3", fields=[
        f("name", "string"),
        f("results_by_partition", "[]AddPartitionsToTxnPartitionResult", fields=[
            f("partition_index", "int32"),
            f("partition_error_code", "int16"),
        ]),
    ]),
])


ADD_OFFSETS_TO_TXN_REQUEST = request(25, "AddOffsetsToTxn", "0-3", flexible="3+", fields=[
    f("transactional_id", "string"),
    f("producer_id", "int64"),
    f("producer_epoch", "int16"),
    f("group_id", "string"),
])


ADD_OFFSETS_TO_TXN_RESPONSE = response(25, "AddOffsetsToTxn", "0-3", flexible="3+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
])


END_TXN_REQUEST = request(26, "EndTxn", "0-3", flexible="3+", fields=[
    f("transactional_id", "string"),
    f("producer_id", "int64"),
    f("producer_epoch", "int16"),
    f("committed", "bool"),
])


END_TXN_RESPONSE = response(26, "EndTxn", "0-3", flexible="3+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
])


WRITE_TXN_MARKERS_REQUEST = request(27, "WriteTxnMarkers", "0-1", flexible="1+", fields=[
    f("markers", "[]WritableTxnMarker", fields=[
        f("producer_id", "int64"),
        f("producer_epoch", "int16"),
        f("transaction_result", "bool"),
        f("topics", "[]WritableTxnMarkerTopic", fields=[
            f("name", "string"),
            f("partition_indexes", "[]int32"),
        ]),
        f("coordinator_epoch", "int32"),
    ]),
])


WRITE_TXN_MARKERS_RESPONSE = response(27, "WriteTxnMarkers", "0-1", flexible="1+", fields=[
    f("markers", "[]WritableTxnMarkerResult", fields=[
        f("producer_id", "int64"),
        f("topics", "[]WritableTxnMarkerTopicResult", fields=[
            f("name", "string"),
            f("partitions", "[]WritableTxnMarkerPartitionResult", fields=[
                f("partition_index", "int32"),
                f("error_code", "int16"),
            ]),
        ]),
    ]),
])


TXN_OFFSET_COMMIT_REQUEST = request(28, "TxnOffsetCommit", "0-3", flexible="3+", fields=[
    f("transactional_id", "string"),
    f("group_id", "string"),
    f("producer_id", "int64"),
    f("producer_epoch", "int16"),
    f("generation_id", "int32", "3+", default=-1),
    f("member_id", "string", "3+", default=""),
    f("group_instance_id", "string", "3+", nullable="3+", default=None),
    f("topics", "[]TxnOffsetCommitRequestTopic", fields=[
        f("name", "string"),
        f("partitions", "[]TxnOffsetCommitRequestPartition", fields=[
            f("partition_index", "int32"),
            f("committed_offset", "int64"),
            f("committed_leader_epoch", "int32", "2+", default=-1),
            f("committed_metadata", "string", nullable="0+"),
        ]),
    ]),
])


TXN_OFFSET_COMMIT_RESPONSE = response(28, "TxnOffsetCommit", "0-3", flexible="3+", fields=[
    f("throttle_time_ms", "int32"),
    f("topics", "[]TxnOffsetCommitResponseTopic", fields=[
        f("name", "string"),
        f("partitions", "[]TxnOffsetCommitResponsePartition", fields=[
            f("partition_index", "int32"),
            f("error_code", "int16"),
        ]),
    ]),
])
