"""Schemas of Samsa's private APIs (``protocol.extensions``), never sent to stock clients.

ConditionalProduce mirrors Produce v9 (flexible from its first version) with one more field per
partition: ``expected_offset``, the log end offset the partition must have for the append to
happen. Its response mirrors Produce's plus ``log_end_offset``, the partition's log end offset
after the request (the current one when the append was refused). There is no
``transactional_id`` (Samsa has no transactions) and no ``record_errors`` (a batch is accepted
or refused whole).
"""

from protocol.extensions import CONDITIONAL_PRODUCE_KEY
from protocol.schema.dsl import f, request, response

CONDITIONAL_PRODUCE_REQUEST = request(
    CONDITIONAL_PRODUCE_KEY, "ConditionalProduce", "0", flexible="0+", fields=[
        f("acks", "int16"),
        f("timeout_ms", "int32"),
        f("topic_data", "[]TopicProduceData", fields=[
            f("name", "string"),
            f("partition_data", "[]PartitionProduceData", fields=[
                f("index", "int32"),
                f("expected_offset", "int64"),
                f("records", "records", nullable="0+"),
            ]),
        ]),
    ],
)


CONDITIONAL_PRODUCE_RESPONSE = response(
    CONDITIONAL_PRODUCE_KEY, "ConditionalProduce", "0", flexible="0+", fields=[
        f("responses", "[]TopicProduceResponse", fields=[
            f("name", "string"),
            f("partition_responses", "[]PartitionProduceResponse", fields=[
                f("index", "int32"),
                f("error_code", "int16"),
                f("base_offset", "int64"),
                f("log_append_time_ms", "int64", default=-1),
                f("log_start_offset", "int64", default=-1),
                f("log_end_offset", "int64", default=-1),
                f("error_message", "string", nullable="0+", default=None),
            ]),
        ]),
        f("throttle_time_ms", "int32", default=0),
    ],
)
