"""Kafka message classes and codecs, generated from ``protocol/schema``.

Do not edit: run ``python -m protocol.schema.generate`` after changing a schema.
"""

# fmt: off
# mypy: disable-error-code="misc,attr-defined,no-untyped-def,assignment"
from __future__ import annotations

import struct
import uuid
from typing import Any, ClassVar

from protocol.errors import DecodeError
from protocol.messages.base import Message, Records, Refs, Struct
from protocol.primitives import (
    ZERO_UUID,
    read_array_length,
    read_bytes,
    read_bytes_view,
    read_string,
    read_tagged_field_header,
    read_uuid,
    read_uvarint,
    skip_tagged_fields,
    write_array_length,
    write_bytes,
    write_records,
    write_string,
    write_uvarint,
)

_new = object.__new__
# The default of a nullable array or struct argument: None there means null.
UNSET: Any = object()

_S_o = struct.Struct('>?')
_S_oo = struct.Struct('>??')
_S_ooo = struct.Struct('>???')
_S_ob = struct.Struct('>?b')
_S_obo = struct.Struct('>?b?')
_S_b = struct.Struct('>b')
_S_bb = struct.Struct('>bb')
_S_bi = struct.Struct('>bi')
_S_h = struct.Struct('>h')
_S_hh = struct.Struct('>hh')
_S_hhh = struct.Struct('>hhh')
_S_hi = struct.Struct('>hi')
_S_hii = struct.Struct('>hii')
_S_hiii = struct.Struct('>hiii')
_S_hiiq = struct.Struct('>hiiq')
_S_i = struct.Struct('>i')
_S_io = struct.Struct('>i?')
_S_ib = struct.Struct('>ib')
_S_ih = struct.Struct('>ih')
_S_ihi = struct.Struct('>ihi')
_S_ihq = struct.Struct('>ihq')
_S_ihqh = struct.Struct('>ihqh')
_S_ihqq = struct.Struct('>ihqq')
_S_ihqqi = struct.Struct('>ihqqi')
_S_ihqqq = struct.Struct('>ihqqq')
_S_ihqqqq = struct.Struct('>ihqqqq')
_S_ii = struct.Struct('>ii')
_S_iii = struct.Struct('>iii')
_S_iiiib = struct.Struct('>iiiib')
_S_iiiibii = struct.Struct('>iiiibii')
_S_iiq = struct.Struct('>iiq')
_S_iiqqi = struct.Struct('>iiqqi')
_S_iq = struct.Struct('>iq')
_S_iqh = struct.Struct('>iqh')
_S_iqi = struct.Struct('>iqi')
_S_iqqo = struct.Struct('>iqq?')
_S_iqqh = struct.Struct('>iqqh')
_S_iqqi = struct.Struct('>iqqi')
_S_q = struct.Struct('>q')
_S_qh = struct.Struct('>qh')
_S_qho = struct.Struct('>qh?')
_S_qhi = struct.Struct('>qhi')
_S_qiiqiq = struct.Struct('>qiiqiq')
_S_qq = struct.Struct('>qq')


class ProduceRequest(Message):
    """ProduceRequest: API key 0, versions 0-8."""

    __slots__ = ('transactional_id', 'acks', 'timeout_ms', 'topic_data', )
    API_KEY: ClassVar[int] = 0
    API_NAME: ClassVar[str] = 'Produce'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 8
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    transactional_id: str | None
    acks: int
    timeout_ms: int
    topic_data: list[ProduceRequest.TopicProduceData]

    class TopicProduceData(Struct):
        """TopicProduceData, a struct of ProduceRequest."""

        __slots__ = ('name', 'partition_data', )

        name: str
        partition_data: list[ProduceRequest.TopicProduceData.PartitionProduceData]

        class PartitionProduceData(Struct):
            """PartitionProduceData, a struct of ProduceRequest."""

            __slots__ = ('index', 'records', )

            index: int
            records: Records

            def __init__(
                self,
                *,
                index: int = 0,
                records: Records = None,
            ) -> None:
                self.index = index
                self.records = records

        def __init__(
            self,
            *,
            name: str = '',
            partition_data: list[ProduceRequest.TopicProduceData.PartitionProduceData] | None = None,
        ) -> None:
            self.name = name
            self.partition_data = [] if partition_data is None else partition_data

    def __init__(
        self,
        *,
        transactional_id: str | None = None,
        acks: int = 0,
        timeout_ms: int = 0,
        topic_data: list[ProduceRequest.TopicProduceData] | None = None,
    ) -> None:
        self.transactional_id = transactional_id
        self.acks = acks
        self.timeout_ms = timeout_ms
        self.topic_data = [] if topic_data is None else topic_data


class ProduceResponse(Message):
    """ProduceResponse: API key 0, versions 0-8."""

    __slots__ = ('responses', 'throttle_time_ms', )
    API_KEY: ClassVar[int] = 0
    API_NAME: ClassVar[str] = 'Produce'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 8
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    responses: list[ProduceResponse.TopicProduceResponse]
    throttle_time_ms: int

    class TopicProduceResponse(Struct):
        """TopicProduceResponse, a struct of ProduceResponse."""

        __slots__ = ('name', 'partition_responses', )

        name: str
        partition_responses: list[ProduceResponse.TopicProduceResponse.PartitionProduceResponse]

        class PartitionProduceResponse(Struct):
            """PartitionProduceResponse, a struct of ProduceResponse."""

            __slots__ = ('index', 'error_code', 'base_offset', 'log_append_time_ms', 'log_start_offset', 'record_errors', 'error_message', )

            index: int
            error_code: int
            base_offset: int
            log_append_time_ms: int
            log_start_offset: int
            record_errors: list[ProduceResponse.TopicProduceResponse.PartitionProduceResponse.BatchIndexAndErrorMessage]
            error_message: str | None

            class BatchIndexAndErrorMessage(Struct):
                """BatchIndexAndErrorMessage, a struct of ProduceResponse."""

                __slots__ = ('batch_index', 'batch_index_error_message', )

                batch_index: int
                batch_index_error_message: str | None

                def __init__(
                    self,
                    *,
                    batch_index: int = 0,
                    batch_index_error_message: str | None = None,
                ) -> None:
                    self.batch_index = batch_index
                    self.batch_index_error_message = batch_index_error_message

            def __init__(
                self,
                *,
                index: int = 0,
                error_code: int = 0,
                base_offset: int = 0,
                log_append_time_ms: int = -1,
                log_start_offset: int = -1,
                record_errors: list[ProduceResponse.TopicProduceResponse.PartitionProduceResponse.BatchIndexAndErrorMessage] | None = None,
                error_message: str | None = None,
            ) -> None:
                self.index = index
                self.error_code = error_code
                self.base_offset = base_offset
                self.log_append_time_ms = log_append_time_ms
                self.log_start_offset = log_start_offset
                self.record_errors = [] if record_errors is None else record_errors
                self.error_message = error_message

        def __init__(
            self,
            *,
            name: str = '',
            partition_responses: list[ProduceResponse.TopicProduceResponse.PartitionProduceResponse] | None = None,
        ) -> None:
            self.name = name
            self.partition_responses = [] if partition_responses is None else partition_responses

    def __init__(
        self,
        *,
        responses: list[ProduceResponse.TopicProduceResponse] | None = None,
        throttle_time_ms: int = 0,
    ) -> None:
        self.responses = [] if responses is None else responses
        self.throttle_time_ms = throttle_time_ms


class FetchRequest(Message):
    """FetchRequest: API key 1, versions 4-11."""

    __slots__ = ('replica_id', 'max_wait_ms', 'min_bytes', 'max_bytes', 'isolation_level', 'session_id', 'session_epoch', 'topics', 'forgotten_topics_data', 'rack_id', )
    API_KEY: ClassVar[int] = 1
    API_NAME: ClassVar[str] = 'Fetch'
    MIN_VERSION: ClassVar[int] = 4
    MAX_VERSION: ClassVar[int] = 11
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    replica_id: int
    max_wait_ms: int
    min_bytes: int
    max_bytes: int
    isolation_level: int
    session_id: int
    session_epoch: int
    topics: list[FetchRequest.FetchTopic]
    forgotten_topics_data: list[FetchRequest.ForgottenTopic]
    rack_id: str

    class FetchTopic(Struct):
        """FetchTopic, a struct of FetchRequest."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[FetchRequest.FetchTopic.FetchPartition]

        class FetchPartition(Struct):
            """FetchPartition, a struct of FetchRequest."""

            __slots__ = ('partition', 'current_leader_epoch', 'fetch_offset', 'log_start_offset', 'partition_max_bytes', )

            partition: int
            current_leader_epoch: int
            fetch_offset: int
            log_start_offset: int
            partition_max_bytes: int

            def __init__(
                self,
                *,
                partition: int = 0,
                current_leader_epoch: int = -1,
                fetch_offset: int = 0,
                log_start_offset: int = -1,
                partition_max_bytes: int = 0,
            ) -> None:
                self.partition = partition
                self.current_leader_epoch = current_leader_epoch
                self.fetch_offset = fetch_offset
                self.log_start_offset = log_start_offset
                self.partition_max_bytes = partition_max_bytes

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[FetchRequest.FetchTopic.FetchPartition] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    class ForgottenTopic(Struct):
        """ForgottenTopic, a struct of FetchRequest."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[int]

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[int] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        replica_id: int = -1,
        max_wait_ms: int = 0,
        min_bytes: int = 0,
        max_bytes: int = 2147483647,
        isolation_level: int = 0,
        session_id: int = 0,
        session_epoch: int = -1,
        topics: list[FetchRequest.FetchTopic] | None = None,
        forgotten_topics_data: list[FetchRequest.ForgottenTopic] | None = None,
        rack_id: str = '',
    ) -> None:
        self.replica_id = replica_id
        self.max_wait_ms = max_wait_ms
        self.min_bytes = min_bytes
        self.max_bytes = max_bytes
        self.isolation_level = isolation_level
        self.session_id = session_id
        self.session_epoch = session_epoch
        self.topics = [] if topics is None else topics
        self.forgotten_topics_data = [] if forgotten_topics_data is None else forgotten_topics_data
        self.rack_id = rack_id


class FetchResponse(Message):
    """FetchResponse: API key 1, versions 4-11."""

    __slots__ = ('throttle_time_ms', 'error_code', 'session_id', 'responses', )
    API_KEY: ClassVar[int] = 1
    API_NAME: ClassVar[str] = 'Fetch'
    MIN_VERSION: ClassVar[int] = 4
    MAX_VERSION: ClassVar[int] = 11
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    throttle_time_ms: int
    error_code: int
    session_id: int
    responses: list[FetchResponse.FetchableTopicResponse]

    class FetchableTopicResponse(Struct):
        """FetchableTopicResponse, a struct of FetchResponse."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[FetchResponse.FetchableTopicResponse.PartitionData]

        class PartitionData(Struct):
            """PartitionData, a struct of FetchResponse."""

            __slots__ = ('partition_index', 'error_code', 'high_watermark', 'last_stable_offset', 'log_start_offset', 'aborted_transactions', 'preferred_read_replica', 'records', )

            partition_index: int
            error_code: int
            high_watermark: int
            last_stable_offset: int
            log_start_offset: int
            aborted_transactions: list[FetchResponse.FetchableTopicResponse.PartitionData.AbortedTransaction] | None
            preferred_read_replica: int
            records: Records

            class AbortedTransaction(Struct):
                """AbortedTransaction, a struct of FetchResponse."""

                __slots__ = ('producer_id', 'first_offset', )

                producer_id: int
                first_offset: int

                def __init__(
                    self,
                    *,
                    producer_id: int = 0,
                    first_offset: int = 0,
                ) -> None:
                    self.producer_id = producer_id
                    self.first_offset = first_offset

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
                high_watermark: int = 0,
                last_stable_offset: int = -1,
                log_start_offset: int = -1,
                aborted_transactions: list[FetchResponse.FetchableTopicResponse.PartitionData.AbortedTransaction] | None = UNSET,
                preferred_read_replica: int = -1,
                records: Records = None,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code
                self.high_watermark = high_watermark
                self.last_stable_offset = last_stable_offset
                self.log_start_offset = log_start_offset
                self.aborted_transactions = [] if aborted_transactions is UNSET else aborted_transactions
                self.preferred_read_replica = preferred_read_replica
                self.records = records

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[FetchResponse.FetchableTopicResponse.PartitionData] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        session_id: int = 0,
        responses: list[FetchResponse.FetchableTopicResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.session_id = session_id
        self.responses = [] if responses is None else responses


class ListOffsetsRequest(Message):
    """ListOffsetsRequest: API key 2, versions 1-7."""

    __slots__ = ('replica_id', 'isolation_level', 'topics', )
    API_KEY: ClassVar[int] = 2
    API_NAME: ClassVar[str] = 'ListOffsets'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 7
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    replica_id: int
    isolation_level: int
    topics: list[ListOffsetsRequest.ListOffsetsTopic]

    class ListOffsetsTopic(Struct):
        """ListOffsetsTopic, a struct of ListOffsetsRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition]

        class ListOffsetsPartition(Struct):
            """ListOffsetsPartition, a struct of ListOffsetsRequest."""

            __slots__ = ('partition_index', 'current_leader_epoch', 'timestamp', )

            partition_index: int
            current_leader_epoch: int
            timestamp: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                current_leader_epoch: int = -1,
                timestamp: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.current_leader_epoch = current_leader_epoch
                self.timestamp = timestamp

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        replica_id: int = 0,
        isolation_level: int = 0,
        topics: list[ListOffsetsRequest.ListOffsetsTopic] | None = None,
    ) -> None:
        self.replica_id = replica_id
        self.isolation_level = isolation_level
        self.topics = [] if topics is None else topics


class ListOffsetsResponse(Message):
    """ListOffsetsResponse: API key 2, versions 1-7."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 2
    API_NAME: ClassVar[str] = 'ListOffsets'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 7
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    throttle_time_ms: int
    topics: list[ListOffsetsResponse.ListOffsetsTopicResponse]

    class ListOffsetsTopicResponse(Struct):
        """ListOffsetsTopicResponse, a struct of ListOffsetsResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse]

        class ListOffsetsPartitionResponse(Struct):
            """ListOffsetsPartitionResponse, a struct of ListOffsetsResponse."""

            __slots__ = ('partition_index', 'error_code', 'timestamp', 'offset', 'leader_epoch', )

            partition_index: int
            error_code: int
            timestamp: int
            offset: int
            leader_epoch: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
                timestamp: int = -1,
                offset: int = -1,
                leader_epoch: int = -1,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code
                self.timestamp = timestamp
                self.offset = offset
                self.leader_epoch = leader_epoch

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[ListOffsetsResponse.ListOffsetsTopicResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class MetadataRequest(Message):
    """MetadataRequest: API key 3, versions 0-12."""

    __slots__ = ('topics', 'allow_auto_topic_creation', 'include_cluster_authorized_operations', 'include_topic_authorized_operations', )
    API_KEY: ClassVar[int] = 3
    API_NAME: ClassVar[str] = 'Metadata'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 12
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 9

    topics: list[MetadataRequest.MetadataRequestTopic] | None
    allow_auto_topic_creation: bool
    include_cluster_authorized_operations: bool
    include_topic_authorized_operations: bool

    class MetadataRequestTopic(Struct):
        """MetadataRequestTopic, a struct of MetadataRequest."""

        __slots__ = ('topic_id', 'name', )

        topic_id: uuid.UUID
        name: str | None

        def __init__(
            self,
            *,
            topic_id: uuid.UUID = ZERO_UUID,
            name: str | None = '',
        ) -> None:
            self.topic_id = topic_id
            self.name = name

    def __init__(
        self,
        *,
        topics: list[MetadataRequest.MetadataRequestTopic] | None = UNSET,
        allow_auto_topic_creation: bool = True,
        include_cluster_authorized_operations: bool = False,
        include_topic_authorized_operations: bool = False,
    ) -> None:
        self.topics = [] if topics is UNSET else topics
        self.allow_auto_topic_creation = allow_auto_topic_creation
        self.include_cluster_authorized_operations = include_cluster_authorized_operations
        self.include_topic_authorized_operations = include_topic_authorized_operations


class MetadataResponse(Message):
    """MetadataResponse: API key 3, versions 0-12."""

    __slots__ = ('throttle_time_ms', 'brokers', 'cluster_id', 'controller_id', 'topics', 'cluster_authorized_operations', )
    API_KEY: ClassVar[int] = 3
    API_NAME: ClassVar[str] = 'Metadata'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 12
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 9

    throttle_time_ms: int
    brokers: list[MetadataResponse.MetadataResponseBroker]
    cluster_id: str | None
    controller_id: int
    topics: list[MetadataResponse.MetadataResponseTopic]
    cluster_authorized_operations: int

    class MetadataResponseBroker(Struct):
        """MetadataResponseBroker, a struct of MetadataResponse."""

        __slots__ = ('node_id', 'host', 'port', 'rack', )

        node_id: int
        host: str
        port: int
        rack: str | None

        def __init__(
            self,
            *,
            node_id: int = 0,
            host: str = '',
            port: int = 0,
            rack: str | None = None,
        ) -> None:
            self.node_id = node_id
            self.host = host
            self.port = port
            self.rack = rack

    class MetadataResponseTopic(Struct):
        """MetadataResponseTopic, a struct of MetadataResponse."""

        __slots__ = ('error_code', 'name', 'topic_id', 'is_internal', 'partitions', 'topic_authorized_operations', )

        error_code: int
        name: str | None
        topic_id: uuid.UUID
        is_internal: bool
        partitions: list[MetadataResponse.MetadataResponseTopic.MetadataResponsePartition]
        topic_authorized_operations: int

        class MetadataResponsePartition(Struct):
            """MetadataResponsePartition, a struct of MetadataResponse."""

            __slots__ = ('error_code', 'partition_index', 'leader_id', 'leader_epoch', 'replica_nodes', 'isr_nodes', 'offline_replicas', )

            error_code: int
            partition_index: int
            leader_id: int
            leader_epoch: int
            replica_nodes: list[int]
            isr_nodes: list[int]
            offline_replicas: list[int]

            def __init__(
                self,
                *,
                error_code: int = 0,
                partition_index: int = 0,
                leader_id: int = 0,
                leader_epoch: int = -1,
                replica_nodes: list[int] | None = None,
                isr_nodes: list[int] | None = None,
                offline_replicas: list[int] | None = None,
            ) -> None:
                self.error_code = error_code
                self.partition_index = partition_index
                self.leader_id = leader_id
                self.leader_epoch = leader_epoch
                self.replica_nodes = [] if replica_nodes is None else replica_nodes
                self.isr_nodes = [] if isr_nodes is None else isr_nodes
                self.offline_replicas = [] if offline_replicas is None else offline_replicas

        def __init__(
            self,
            *,
            error_code: int = 0,
            name: str | None = '',
            topic_id: uuid.UUID = ZERO_UUID,
            is_internal: bool = False,
            partitions: list[MetadataResponse.MetadataResponseTopic.MetadataResponsePartition] | None = None,
            topic_authorized_operations: int = -2147483648,
        ) -> None:
            self.error_code = error_code
            self.name = name
            self.topic_id = topic_id
            self.is_internal = is_internal
            self.partitions = [] if partitions is None else partitions
            self.topic_authorized_operations = topic_authorized_operations

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        brokers: list[MetadataResponse.MetadataResponseBroker] | None = None,
        cluster_id: str | None = None,
        controller_id: int = -1,
        topics: list[MetadataResponse.MetadataResponseTopic] | None = None,
        cluster_authorized_operations: int = -2147483648,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.brokers = [] if brokers is None else brokers
        self.cluster_id = cluster_id
        self.controller_id = controller_id
        self.topics = [] if topics is None else topics
        self.cluster_authorized_operations = cluster_authorized_operations


class OffsetCommitRequest(Message):
    """OffsetCommitRequest: API key 8, versions 2-9."""

    __slots__ = ('group_id', 'generation_id_or_member_epoch', 'member_id', 'group_instance_id', 'retention_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 8
    API_NAME: ClassVar[str] = 'OffsetCommit'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 9
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 8

    group_id: str
    generation_id_or_member_epoch: int
    member_id: str
    group_instance_id: str | None
    retention_time_ms: int
    topics: list[OffsetCommitRequest.OffsetCommitRequestTopic]

    class OffsetCommitRequestTopic(Struct):
        """OffsetCommitRequestTopic, a struct of OffsetCommitRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition]

        class OffsetCommitRequestPartition(Struct):
            """OffsetCommitRequestPartition, a struct of OffsetCommitRequest."""

            __slots__ = ('partition_index', 'committed_offset', 'committed_leader_epoch', 'committed_metadata', )

            partition_index: int
            committed_offset: int
            committed_leader_epoch: int
            committed_metadata: str | None

            def __init__(
                self,
                *,
                partition_index: int = 0,
                committed_offset: int = 0,
                committed_leader_epoch: int = -1,
                committed_metadata: str | None = '',
            ) -> None:
                self.partition_index = partition_index
                self.committed_offset = committed_offset
                self.committed_leader_epoch = committed_leader_epoch
                self.committed_metadata = committed_metadata

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        group_id: str = '',
        generation_id_or_member_epoch: int = -1,
        member_id: str = '',
        group_instance_id: str | None = None,
        retention_time_ms: int = -1,
        topics: list[OffsetCommitRequest.OffsetCommitRequestTopic] | None = None,
    ) -> None:
        self.group_id = group_id
        self.generation_id_or_member_epoch = generation_id_or_member_epoch
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.retention_time_ms = retention_time_ms
        self.topics = [] if topics is None else topics


class OffsetCommitResponse(Message):
    """OffsetCommitResponse: API key 8, versions 2-9."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 8
    API_NAME: ClassVar[str] = 'OffsetCommit'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 9
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 8

    throttle_time_ms: int
    topics: list[OffsetCommitResponse.OffsetCommitResponseTopic]

    class OffsetCommitResponseTopic(Struct):
        """OffsetCommitResponseTopic, a struct of OffsetCommitResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[OffsetCommitResponse.OffsetCommitResponseTopic.OffsetCommitResponsePartition]

        class OffsetCommitResponsePartition(Struct):
            """OffsetCommitResponsePartition, a struct of OffsetCommitResponse."""

            __slots__ = ('partition_index', 'error_code', )

            partition_index: int
            error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[OffsetCommitResponse.OffsetCommitResponseTopic.OffsetCommitResponsePartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[OffsetCommitResponse.OffsetCommitResponseTopic] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class OffsetFetchRequest(Message):
    """OffsetFetchRequest: API key 9, versions 1-9."""

    __slots__ = ('group_id', 'topics', 'groups', 'require_stable', )
    API_KEY: ClassVar[int] = 9
    API_NAME: ClassVar[str] = 'OffsetFetch'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 9
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    group_id: str
    topics: list[OffsetFetchRequest.OffsetFetchRequestTopic] | None
    groups: list[OffsetFetchRequest.OffsetFetchRequestGroup]
    require_stable: bool

    class OffsetFetchRequestTopic(Struct):
        """OffsetFetchRequestTopic, a struct of OffsetFetchRequest."""

        __slots__ = ('name', 'partition_indexes', )

        name: str
        partition_indexes: list[int]

        def __init__(
            self,
            *,
            name: str = '',
            partition_indexes: list[int] | None = None,
        ) -> None:
            self.name = name
            self.partition_indexes = [] if partition_indexes is None else partition_indexes

    class OffsetFetchRequestGroup(Struct):
        """OffsetFetchRequestGroup, a struct of OffsetFetchRequest."""

        __slots__ = ('group_id', 'member_id', 'member_epoch', 'topics', )

        group_id: str
        member_id: str | None
        member_epoch: int
        topics: list[OffsetFetchRequest.OffsetFetchRequestGroup.OffsetFetchRequestTopics] | None

        class OffsetFetchRequestTopics(Struct):
            """OffsetFetchRequestTopics, a struct of OffsetFetchRequest."""

            __slots__ = ('name', 'partition_indexes', )

            name: str
            partition_indexes: list[int]

            def __init__(
                self,
                *,
                name: str = '',
                partition_indexes: list[int] | None = None,
            ) -> None:
                self.name = name
                self.partition_indexes = [] if partition_indexes is None else partition_indexes

        def __init__(
            self,
            *,
            group_id: str = '',
            member_id: str | None = None,
            member_epoch: int = -1,
            topics: list[OffsetFetchRequest.OffsetFetchRequestGroup.OffsetFetchRequestTopics] | None = UNSET,
        ) -> None:
            self.group_id = group_id
            self.member_id = member_id
            self.member_epoch = member_epoch
            self.topics = [] if topics is UNSET else topics

    def __init__(
        self,
        *,
        group_id: str = '',
        topics: list[OffsetFetchRequest.OffsetFetchRequestTopic] | None = UNSET,
        groups: list[OffsetFetchRequest.OffsetFetchRequestGroup] | None = None,
        require_stable: bool = False,
    ) -> None:
        self.group_id = group_id
        self.topics = [] if topics is UNSET else topics
        self.groups = [] if groups is None else groups
        self.require_stable = require_stable


class OffsetFetchResponse(Message):
    """OffsetFetchResponse: API key 9, versions 1-9."""

    __slots__ = ('throttle_time_ms', 'topics', 'error_code', 'groups', )
    API_KEY: ClassVar[int] = 9
    API_NAME: ClassVar[str] = 'OffsetFetch'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 9
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    throttle_time_ms: int
    topics: list[OffsetFetchResponse.OffsetFetchResponseTopic]
    error_code: int
    groups: list[OffsetFetchResponse.OffsetFetchResponseGroup]

    class OffsetFetchResponseTopic(Struct):
        """OffsetFetchResponseTopic, a struct of OffsetFetchResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition]

        class OffsetFetchResponsePartition(Struct):
            """OffsetFetchResponsePartition, a struct of OffsetFetchResponse."""

            __slots__ = ('partition_index', 'committed_offset', 'committed_leader_epoch', 'metadata', 'error_code', )

            partition_index: int
            committed_offset: int
            committed_leader_epoch: int
            metadata: str | None
            error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                committed_offset: int = 0,
                committed_leader_epoch: int = -1,
                metadata: str | None = '',
                error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.committed_offset = committed_offset
                self.committed_leader_epoch = committed_leader_epoch
                self.metadata = metadata
                self.error_code = error_code

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    class OffsetFetchResponseGroup(Struct):
        """OffsetFetchResponseGroup, a struct of OffsetFetchResponse."""

        __slots__ = ('group_id', 'topics', 'error_code', )

        group_id: str
        topics: list[OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics]
        error_code: int

        class OffsetFetchResponseTopics(Struct):
            """OffsetFetchResponseTopics, a struct of OffsetFetchResponse."""

            __slots__ = ('name', 'partitions', )

            name: str
            partitions: list[OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics.OffsetFetchResponsePartitions]

            class OffsetFetchResponsePartitions(Struct):
                """OffsetFetchResponsePartitions, a struct of OffsetFetchResponse."""

                __slots__ = ('partition_index', 'committed_offset', 'committed_leader_epoch', 'metadata', 'error_code', )

                partition_index: int
                committed_offset: int
                committed_leader_epoch: int
                metadata: str | None
                error_code: int

                def __init__(
                    self,
                    *,
                    partition_index: int = 0,
                    committed_offset: int = 0,
                    committed_leader_epoch: int = -1,
                    metadata: str | None = '',
                    error_code: int = 0,
                ) -> None:
                    self.partition_index = partition_index
                    self.committed_offset = committed_offset
                    self.committed_leader_epoch = committed_leader_epoch
                    self.metadata = metadata
                    self.error_code = error_code

            def __init__(
                self,
                *,
                name: str = '',
                partitions: list[OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics.OffsetFetchResponsePartitions] | None = None,
            ) -> None:
                self.name = name
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            group_id: str = '',
            topics: list[OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics] | None = None,
            error_code: int = 0,
        ) -> None:
            self.group_id = group_id
            self.topics = [] if topics is None else topics
            self.error_code = error_code

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[OffsetFetchResponse.OffsetFetchResponseTopic] | None = None,
        error_code: int = 0,
        groups: list[OffsetFetchResponse.OffsetFetchResponseGroup] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics
        self.error_code = error_code
        self.groups = [] if groups is None else groups


class FindCoordinatorRequest(Message):
    """FindCoordinatorRequest: API key 10, versions 0-3."""

    __slots__ = ('key', 'key_type', )
    API_KEY: ClassVar[int] = 10
    API_NAME: ClassVar[str] = 'FindCoordinator'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    key: str
    key_type: int

    def __init__(
        self,
        *,
        key: str = '',
        key_type: int = 0,
    ) -> None:
        self.key = key
        self.key_type = key_type


class FindCoordinatorResponse(Message):
    """FindCoordinatorResponse: API key 10, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'error_code', 'error_message', 'node_id', 'host', 'port', )
    API_KEY: ClassVar[int] = 10
    API_NAME: ClassVar[str] = 'FindCoordinator'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    error_code: int
    error_message: str | None
    node_id: int
    host: str
    port: int

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        error_message: str | None = '',
        node_id: int = 0,
        host: str = '',
        port: int = 0,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.error_message = error_message
        self.node_id = node_id
        self.host = host
        self.port = port


class JoinGroupRequest(Message):
    """JoinGroupRequest: API key 11, versions 0-7."""

    __slots__ = ('group_id', 'session_timeout_ms', 'rebalance_timeout_ms', 'member_id', 'group_instance_id', 'protocol_type', 'protocols', )
    API_KEY: ClassVar[int] = 11
    API_NAME: ClassVar[str] = 'JoinGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 7
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    group_id: str
    session_timeout_ms: int
    rebalance_timeout_ms: int
    member_id: str
    group_instance_id: str | None
    protocol_type: str
    protocols: list[JoinGroupRequest.JoinGroupRequestProtocol]

    class JoinGroupRequestProtocol(Struct):
        """JoinGroupRequestProtocol, a struct of JoinGroupRequest."""

        __slots__ = ('name', 'metadata', )

        name: str
        metadata: bytes

        def __init__(
            self,
            *,
            name: str = '',
            metadata: bytes = b'',
        ) -> None:
            self.name = name
            self.metadata = metadata

    def __init__(
        self,
        *,
        group_id: str = '',
        session_timeout_ms: int = 0,
        rebalance_timeout_ms: int = -1,
        member_id: str = '',
        group_instance_id: str | None = None,
        protocol_type: str = '',
        protocols: list[JoinGroupRequest.JoinGroupRequestProtocol] | None = None,
    ) -> None:
        self.group_id = group_id
        self.session_timeout_ms = session_timeout_ms
        self.rebalance_timeout_ms = rebalance_timeout_ms
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.protocol_type = protocol_type
        self.protocols = [] if protocols is None else protocols


class JoinGroupResponse(Message):
    """JoinGroupResponse: API key 11, versions 0-7."""

    __slots__ = ('throttle_time_ms', 'error_code', 'generation_id', 'protocol_type', 'protocol_name', 'leader', 'member_id', 'members', )
    API_KEY: ClassVar[int] = 11
    API_NAME: ClassVar[str] = 'JoinGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 7
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 6

    throttle_time_ms: int
    error_code: int
    generation_id: int
    protocol_type: str | None
    protocol_name: str | None
    leader: str
    member_id: str
    members: list[JoinGroupResponse.JoinGroupResponseMember]

    class JoinGroupResponseMember(Struct):
        """JoinGroupResponseMember, a struct of JoinGroupResponse."""

        __slots__ = ('member_id', 'group_instance_id', 'metadata', )

        member_id: str
        group_instance_id: str | None
        metadata: bytes

        def __init__(
            self,
            *,
            member_id: str = '',
            group_instance_id: str | None = None,
            metadata: bytes = b'',
        ) -> None:
            self.member_id = member_id
            self.group_instance_id = group_instance_id
            self.metadata = metadata

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        generation_id: int = -1,
        protocol_type: str | None = None,
        protocol_name: str | None = '',
        leader: str = '',
        member_id: str = '',
        members: list[JoinGroupResponse.JoinGroupResponseMember] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.generation_id = generation_id
        self.protocol_type = protocol_type
        self.protocol_name = protocol_name
        self.leader = leader
        self.member_id = member_id
        self.members = [] if members is None else members


class HeartbeatRequest(Message):
    """HeartbeatRequest: API key 12, versions 0-4."""

    __slots__ = ('group_id', 'generation_id', 'member_id', 'group_instance_id', )
    API_KEY: ClassVar[int] = 12
    API_NAME: ClassVar[str] = 'Heartbeat'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    group_id: str
    generation_id: int
    member_id: str
    group_instance_id: str | None

    def __init__(
        self,
        *,
        group_id: str = '',
        generation_id: int = 0,
        member_id: str = '',
        group_instance_id: str | None = None,
    ) -> None:
        self.group_id = group_id
        self.generation_id = generation_id
        self.member_id = member_id
        self.group_instance_id = group_instance_id


class HeartbeatResponse(Message):
    """HeartbeatResponse: API key 12, versions 0-4."""

    __slots__ = ('throttle_time_ms', 'error_code', )
    API_KEY: ClassVar[int] = 12
    API_NAME: ClassVar[str] = 'Heartbeat'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    error_code: int

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code


class LeaveGroupRequest(Message):
    """LeaveGroupRequest: API key 13, versions 0-4."""

    __slots__ = ('group_id', 'member_id', 'members', )
    API_KEY: ClassVar[int] = 13
    API_NAME: ClassVar[str] = 'LeaveGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    group_id: str
    member_id: str
    members: list[LeaveGroupRequest.MemberIdentity]

    class MemberIdentity(Struct):
        """MemberIdentity, a struct of LeaveGroupRequest."""

        __slots__ = ('member_id', 'group_instance_id', )

        member_id: str
        group_instance_id: str | None

        def __init__(
            self,
            *,
            member_id: str = '',
            group_instance_id: str | None = None,
        ) -> None:
            self.member_id = member_id
            self.group_instance_id = group_instance_id

    def __init__(
        self,
        *,
        group_id: str = '',
        member_id: str = '',
        members: list[LeaveGroupRequest.MemberIdentity] | None = None,
    ) -> None:
        self.group_id = group_id
        self.member_id = member_id
        self.members = [] if members is None else members


class LeaveGroupResponse(Message):
    """LeaveGroupResponse: API key 13, versions 0-4."""

    __slots__ = ('throttle_time_ms', 'error_code', 'members', )
    API_KEY: ClassVar[int] = 13
    API_NAME: ClassVar[str] = 'LeaveGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    error_code: int
    members: list[LeaveGroupResponse.MemberResponse]

    class MemberResponse(Struct):
        """MemberResponse, a struct of LeaveGroupResponse."""

        __slots__ = ('member_id', 'group_instance_id', 'error_code', )

        member_id: str
        group_instance_id: str | None
        error_code: int

        def __init__(
            self,
            *,
            member_id: str = '',
            group_instance_id: str | None = '',
            error_code: int = 0,
        ) -> None:
            self.member_id = member_id
            self.group_instance_id = group_instance_id
            self.error_code = error_code

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        members: list[LeaveGroupResponse.MemberResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.members = [] if members is None else members


class SyncGroupRequest(Message):
    """SyncGroupRequest: API key 14, versions 0-5."""

    __slots__ = ('group_id', 'generation_id', 'member_id', 'group_instance_id', 'protocol_type', 'protocol_name', 'assignments', )
    API_KEY: ClassVar[int] = 14
    API_NAME: ClassVar[str] = 'SyncGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    group_id: str
    generation_id: int
    member_id: str
    group_instance_id: str | None
    protocol_type: str | None
    protocol_name: str | None
    assignments: list[SyncGroupRequest.SyncGroupRequestAssignment]

    class SyncGroupRequestAssignment(Struct):
        """SyncGroupRequestAssignment, a struct of SyncGroupRequest."""

        __slots__ = ('member_id', 'assignment', )

        member_id: str
        assignment: bytes

        def __init__(
            self,
            *,
            member_id: str = '',
            assignment: bytes = b'',
        ) -> None:
            self.member_id = member_id
            self.assignment = assignment

    def __init__(
        self,
        *,
        group_id: str = '',
        generation_id: int = 0,
        member_id: str = '',
        group_instance_id: str | None = None,
        protocol_type: str | None = None,
        protocol_name: str | None = None,
        assignments: list[SyncGroupRequest.SyncGroupRequestAssignment] | None = None,
    ) -> None:
        self.group_id = group_id
        self.generation_id = generation_id
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.protocol_type = protocol_type
        self.protocol_name = protocol_name
        self.assignments = [] if assignments is None else assignments


class SyncGroupResponse(Message):
    """SyncGroupResponse: API key 14, versions 0-5."""

    __slots__ = ('throttle_time_ms', 'error_code', 'protocol_type', 'protocol_name', 'assignment', )
    API_KEY: ClassVar[int] = 14
    API_NAME: ClassVar[str] = 'SyncGroup'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    error_code: int
    protocol_type: str | None
    protocol_name: str | None
    assignment: bytes

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        protocol_type: str | None = None,
        protocol_name: str | None = None,
        assignment: bytes = b'',
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.protocol_type = protocol_type
        self.protocol_name = protocol_name
        self.assignment = assignment


class DescribeGroupsRequest(Message):
    """DescribeGroupsRequest: API key 15, versions 0-5."""

    __slots__ = ('groups', 'include_authorized_operations', )
    API_KEY: ClassVar[int] = 15
    API_NAME: ClassVar[str] = 'DescribeGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 5

    groups: list[str]
    include_authorized_operations: bool

    def __init__(
        self,
        *,
        groups: list[str] | None = None,
        include_authorized_operations: bool = False,
    ) -> None:
        self.groups = [] if groups is None else groups
        self.include_authorized_operations = include_authorized_operations


class DescribeGroupsResponse(Message):
    """DescribeGroupsResponse: API key 15, versions 0-5."""

    __slots__ = ('throttle_time_ms', 'groups', )
    API_KEY: ClassVar[int] = 15
    API_NAME: ClassVar[str] = 'DescribeGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 5

    throttle_time_ms: int
    groups: list[DescribeGroupsResponse.DescribedGroup]

    class DescribedGroup(Struct):
        """DescribedGroup, a struct of DescribeGroupsResponse."""

        __slots__ = ('error_code', 'group_id', 'group_state', 'protocol_type', 'protocol_data', 'members', 'authorized_operations', )

        error_code: int
        group_id: str
        group_state: str
        protocol_type: str
        protocol_data: str
        members: list[DescribeGroupsResponse.DescribedGroup.DescribedGroupMember]
        authorized_operations: int

        class DescribedGroupMember(Struct):
            """DescribedGroupMember, a struct of DescribeGroupsResponse."""

            __slots__ = ('member_id', 'group_instance_id', 'client_id', 'client_host', 'member_metadata', 'member_assignment', )

            member_id: str
            group_instance_id: str | None
            client_id: str
            client_host: str
            member_metadata: bytes
            member_assignment: bytes

            def __init__(
                self,
                *,
                member_id: str = '',
                group_instance_id: str | None = None,
                client_id: str = '',
                client_host: str = '',
                member_metadata: bytes = b'',
                member_assignment: bytes = b'',
            ) -> None:
                self.member_id = member_id
                self.group_instance_id = group_instance_id
                self.client_id = client_id
                self.client_host = client_host
                self.member_metadata = member_metadata
                self.member_assignment = member_assignment

        def __init__(
            self,
            *,
            error_code: int = 0,
            group_id: str = '',
            group_state: str = '',
            protocol_type: str = '',
            protocol_data: str = '',
            members: list[DescribeGroupsResponse.DescribedGroup.DescribedGroupMember] | None = None,
            authorized_operations: int = -2147483648,
        ) -> None:
            self.error_code = error_code
            self.group_id = group_id
            self.group_state = group_state
            self.protocol_type = protocol_type
            self.protocol_data = protocol_data
            self.members = [] if members is None else members
            self.authorized_operations = authorized_operations

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        groups: list[DescribeGroupsResponse.DescribedGroup] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.groups = [] if groups is None else groups


class ListGroupsRequest(Message):
    """ListGroupsRequest: API key 16, versions 0-5."""

    __slots__ = ('states_filter', 'types_filter', )
    API_KEY: ClassVar[int] = 16
    API_NAME: ClassVar[str] = 'ListGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    states_filter: list[str]
    types_filter: list[str]

    def __init__(
        self,
        *,
        states_filter: list[str] | None = None,
        types_filter: list[str] | None = None,
    ) -> None:
        self.states_filter = [] if states_filter is None else states_filter
        self.types_filter = [] if types_filter is None else types_filter


class ListGroupsResponse(Message):
    """ListGroupsResponse: API key 16, versions 0-5."""

    __slots__ = ('throttle_time_ms', 'error_code', 'groups', )
    API_KEY: ClassVar[int] = 16
    API_NAME: ClassVar[str] = 'ListGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    error_code: int
    groups: list[ListGroupsResponse.ListedGroup]

    class ListedGroup(Struct):
        """ListedGroup, a struct of ListGroupsResponse."""

        __slots__ = ('group_id', 'protocol_type', 'group_state', 'group_type', )

        group_id: str
        protocol_type: str
        group_state: str
        group_type: str

        def __init__(
            self,
            *,
            group_id: str = '',
            protocol_type: str = '',
            group_state: str = '',
            group_type: str = '',
        ) -> None:
            self.group_id = group_id
            self.protocol_type = protocol_type
            self.group_state = group_state
            self.group_type = group_type

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        groups: list[ListGroupsResponse.ListedGroup] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.groups = [] if groups is None else groups


class SaslHandshakeRequest(Message):
    """SaslHandshakeRequest: API key 17, versions 0-1."""

    __slots__ = ('mechanism', )
    API_KEY: ClassVar[int] = 17
    API_NAME: ClassVar[str] = 'SaslHandshake'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    mechanism: str

    def __init__(
        self,
        *,
        mechanism: str = '',
    ) -> None:
        self.mechanism = mechanism


class SaslHandshakeResponse(Message):
    """SaslHandshakeResponse: API key 17, versions 0-1."""

    __slots__ = ('error_code', 'mechanisms', )
    API_KEY: ClassVar[int] = 17
    API_NAME: ClassVar[str] = 'SaslHandshake'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    error_code: int
    mechanisms: list[str]

    def __init__(
        self,
        *,
        error_code: int = 0,
        mechanisms: list[str] | None = None,
    ) -> None:
        self.error_code = error_code
        self.mechanisms = [] if mechanisms is None else mechanisms


class ApiVersionsRequest(Message):
    """ApiVersionsRequest: API key 18, versions 0-4."""

    __slots__ = ('client_software_name', 'client_software_version', )
    API_KEY: ClassVar[int] = 18
    API_NAME: ClassVar[str] = 'ApiVersions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    client_software_name: str
    client_software_version: str

    def __init__(
        self,
        *,
        client_software_name: str = '',
        client_software_version: str = '',
    ) -> None:
        self.client_software_name = client_software_name
        self.client_software_version = client_software_version


class ApiVersionsResponse(Message):
    """ApiVersionsResponse: API key 18, versions 0-4."""

    __slots__ = ('error_code', 'api_keys', 'throttle_time_ms', 'supported_features', 'finalized_features_epoch', 'finalized_features', 'zk_migration_ready', )
    API_KEY: ClassVar[int] = 18
    API_NAME: ClassVar[str] = 'ApiVersions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    error_code: int
    api_keys: list[ApiVersionsResponse.ApiVersion]
    throttle_time_ms: int
    supported_features: list[ApiVersionsResponse.SupportedFeatureKey]
    finalized_features_epoch: int
    finalized_features: list[ApiVersionsResponse.FinalizedFeatureKey]
    zk_migration_ready: bool

    class ApiVersion(Struct):
        """ApiVersion, a struct of ApiVersionsResponse."""

        __slots__ = ('api_key', 'min_version', 'max_version', )

        api_key: int
        min_version: int
        max_version: int

        def __init__(
            self,
            *,
            api_key: int = 0,
            min_version: int = 0,
            max_version: int = 0,
        ) -> None:
            self.api_key = api_key
            self.min_version = min_version
            self.max_version = max_version

    class SupportedFeatureKey(Struct):
        """SupportedFeatureKey, a struct of ApiVersionsResponse."""

        __slots__ = ('name', 'min_version', 'max_version', )

        name: str
        min_version: int
        max_version: int

        def __init__(
            self,
            *,
            name: str = '',
            min_version: int = 0,
            max_version: int = 0,
        ) -> None:
            self.name = name
            self.min_version = min_version
            self.max_version = max_version

    class FinalizedFeatureKey(Struct):
        """FinalizedFeatureKey, a struct of ApiVersionsResponse."""

        __slots__ = ('name', 'max_version_level', 'min_version_level', )

        name: str
        max_version_level: int
        min_version_level: int

        def __init__(
            self,
            *,
            name: str = '',
            max_version_level: int = 0,
            min_version_level: int = 0,
        ) -> None:
            self.name = name
            self.max_version_level = max_version_level
            self.min_version_level = min_version_level

    def __init__(
        self,
        *,
        error_code: int = 0,
        api_keys: list[ApiVersionsResponse.ApiVersion] | None = None,
        throttle_time_ms: int = 0,
        supported_features: list[ApiVersionsResponse.SupportedFeatureKey] | None = None,
        finalized_features_epoch: int = -1,
        finalized_features: list[ApiVersionsResponse.FinalizedFeatureKey] | None = None,
        zk_migration_ready: bool = False,
    ) -> None:
        self.error_code = error_code
        self.api_keys = [] if api_keys is None else api_keys
        self.throttle_time_ms = throttle_time_ms
        self.supported_features = [] if supported_features is None else supported_features
        self.finalized_features_epoch = finalized_features_epoch
        self.finalized_features = [] if finalized_features is None else finalized_features
        self.zk_migration_ready = zk_migration_ready


class CreateTopicsRequest(Message):
    """CreateTopicsRequest: API key 19, versions 2-5."""

    __slots__ = ('topics', 'timeout_ms', 'validate_only', )
    API_KEY: ClassVar[int] = 19
    API_NAME: ClassVar[str] = 'CreateTopics'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 5

    topics: list[CreateTopicsRequest.CreatableTopic]
    timeout_ms: int
    validate_only: bool

    class CreatableTopic(Struct):
        """CreatableTopic, a struct of CreateTopicsRequest."""

        __slots__ = ('name', 'num_partitions', 'replication_factor', 'assignments', 'configs', )

        name: str
        num_partitions: int
        replication_factor: int
        assignments: list[CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment]
        configs: list[CreateTopicsRequest.CreatableTopic.CreatableTopicConfig]

        class CreatableReplicaAssignment(Struct):
            """CreatableReplicaAssignment, a struct of CreateTopicsRequest."""

            __slots__ = ('partition_index', 'broker_ids', )

            partition_index: int
            broker_ids: list[int]

            def __init__(
                self,
                *,
                partition_index: int = 0,
                broker_ids: list[int] | None = None,
            ) -> None:
                self.partition_index = partition_index
                self.broker_ids = [] if broker_ids is None else broker_ids

        class CreatableTopicConfig(Struct):
            """CreatableTopicConfig, a struct of CreateTopicsRequest."""

            __slots__ = ('name', 'value', )

            name: str
            value: str | None

            def __init__(
                self,
                *,
                name: str = '',
                value: str | None = '',
            ) -> None:
                self.name = name
                self.value = value

        def __init__(
            self,
            *,
            name: str = '',
            num_partitions: int = 0,
            replication_factor: int = 0,
            assignments: list[CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment] | None = None,
            configs: list[CreateTopicsRequest.CreatableTopic.CreatableTopicConfig] | None = None,
        ) -> None:
            self.name = name
            self.num_partitions = num_partitions
            self.replication_factor = replication_factor
            self.assignments = [] if assignments is None else assignments
            self.configs = [] if configs is None else configs

    def __init__(
        self,
        *,
        topics: list[CreateTopicsRequest.CreatableTopic] | None = None,
        timeout_ms: int = 60000,
        validate_only: bool = False,
    ) -> None:
        self.topics = [] if topics is None else topics
        self.timeout_ms = timeout_ms
        self.validate_only = validate_only


class CreateTopicsResponse(Message):
    """CreateTopicsResponse: API key 19, versions 2-5."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 19
    API_NAME: ClassVar[str] = 'CreateTopics'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 5

    throttle_time_ms: int
    topics: list[CreateTopicsResponse.CreatableTopicResult]

    class CreatableTopicResult(Struct):
        """CreatableTopicResult, a struct of CreateTopicsResponse."""

        __slots__ = ('name', 'error_code', 'error_message', 'topic_config_error_code', 'num_partitions', 'replication_factor', 'configs', )

        name: str
        error_code: int
        error_message: str | None
        topic_config_error_code: int
        num_partitions: int
        replication_factor: int
        configs: list[CreateTopicsResponse.CreatableTopicResult.CreatableTopicConfigs] | None

        class CreatableTopicConfigs(Struct):
            """CreatableTopicConfigs, a struct of CreateTopicsResponse."""

            __slots__ = ('name', 'value', 'read_only', 'config_source', 'is_sensitive', )

            name: str
            value: str | None
            read_only: bool
            config_source: int
            is_sensitive: bool

            def __init__(
                self,
                *,
                name: str = '',
                value: str | None = '',
                read_only: bool = False,
                config_source: int = -1,
                is_sensitive: bool = False,
            ) -> None:
                self.name = name
                self.value = value
                self.read_only = read_only
                self.config_source = config_source
                self.is_sensitive = is_sensitive

        def __init__(
            self,
            *,
            name: str = '',
            error_code: int = 0,
            error_message: str | None = '',
            topic_config_error_code: int = 0,
            num_partitions: int = -1,
            replication_factor: int = -1,
            configs: list[CreateTopicsResponse.CreatableTopicResult.CreatableTopicConfigs] | None = UNSET,
        ) -> None:
            self.name = name
            self.error_code = error_code
            self.error_message = error_message
            self.topic_config_error_code = topic_config_error_code
            self.num_partitions = num_partitions
            self.replication_factor = replication_factor
            self.configs = [] if configs is UNSET else configs

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[CreateTopicsResponse.CreatableTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class DeleteTopicsRequest(Message):
    """DeleteTopicsRequest: API key 20, versions 1-4."""

    __slots__ = ('topic_names', 'timeout_ms', )
    API_KEY: ClassVar[int] = 20
    API_NAME: ClassVar[str] = 'DeleteTopics'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    topic_names: list[str]
    timeout_ms: int

    def __init__(
        self,
        *,
        topic_names: list[str] | None = None,
        timeout_ms: int = 0,
    ) -> None:
        self.topic_names = [] if topic_names is None else topic_names
        self.timeout_ms = timeout_ms


class DeleteTopicsResponse(Message):
    """DeleteTopicsResponse: API key 20, versions 1-4."""

    __slots__ = ('throttle_time_ms', 'responses', )
    API_KEY: ClassVar[int] = 20
    API_NAME: ClassVar[str] = 'DeleteTopics'
    MIN_VERSION: ClassVar[int] = 1
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    responses: list[DeleteTopicsResponse.DeletableTopicResult]

    class DeletableTopicResult(Struct):
        """DeletableTopicResult, a struct of DeleteTopicsResponse."""

        __slots__ = ('name', 'error_code', )

        name: str
        error_code: int

        def __init__(
            self,
            *,
            name: str = '',
            error_code: int = 0,
        ) -> None:
            self.name = name
            self.error_code = error_code

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        responses: list[DeleteTopicsResponse.DeletableTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.responses = [] if responses is None else responses


class DeleteRecordsRequest(Message):
    """DeleteRecordsRequest: API key 21, versions 0-2."""

    __slots__ = ('topics', 'timeout_ms', )
    API_KEY: ClassVar[int] = 21
    API_NAME: ClassVar[str] = 'DeleteRecords'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    topics: list[DeleteRecordsRequest.DeleteRecordsTopic]
    timeout_ms: int

    class DeleteRecordsTopic(Struct):
        """DeleteRecordsTopic, a struct of DeleteRecordsRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition]

        class DeleteRecordsPartition(Struct):
            """DeleteRecordsPartition, a struct of DeleteRecordsRequest."""

            __slots__ = ('partition_index', 'offset', )

            partition_index: int
            offset: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                offset: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.offset = offset

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        topics: list[DeleteRecordsRequest.DeleteRecordsTopic] | None = None,
        timeout_ms: int = 0,
    ) -> None:
        self.topics = [] if topics is None else topics
        self.timeout_ms = timeout_ms


class DeleteRecordsResponse(Message):
    """DeleteRecordsResponse: API key 21, versions 0-2."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 21
    API_NAME: ClassVar[str] = 'DeleteRecords'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    topics: list[DeleteRecordsResponse.DeleteRecordsTopicResult]

    class DeleteRecordsTopicResult(Struct):
        """DeleteRecordsTopicResult, a struct of DeleteRecordsResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[DeleteRecordsResponse.DeleteRecordsTopicResult.DeleteRecordsPartitionResult]

        class DeleteRecordsPartitionResult(Struct):
            """DeleteRecordsPartitionResult, a struct of DeleteRecordsResponse."""

            __slots__ = ('partition_index', 'low_watermark', 'error_code', )

            partition_index: int
            low_watermark: int
            error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                low_watermark: int = 0,
                error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.low_watermark = low_watermark
                self.error_code = error_code

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[DeleteRecordsResponse.DeleteRecordsTopicResult.DeleteRecordsPartitionResult] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[DeleteRecordsResponse.DeleteRecordsTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class InitProducerIdRequest(Message):
    """InitProducerIdRequest: API key 22, versions 0-4."""

    __slots__ = ('transactional_id', 'transaction_timeout_ms', 'producer_id', 'producer_epoch', )
    API_KEY: ClassVar[int] = 22
    API_NAME: ClassVar[str] = 'InitProducerId'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    transactional_id: str | None
    transaction_timeout_ms: int
    producer_id: int
    producer_epoch: int

    def __init__(
        self,
        *,
        transactional_id: str | None = '',
        transaction_timeout_ms: int = 0,
        producer_id: int = -1,
        producer_epoch: int = -1,
    ) -> None:
        self.transactional_id = transactional_id
        self.transaction_timeout_ms = transaction_timeout_ms
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch


class InitProducerIdResponse(Message):
    """InitProducerIdResponse: API key 22, versions 0-4."""

    __slots__ = ('throttle_time_ms', 'error_code', 'producer_id', 'producer_epoch', )
    API_KEY: ClassVar[int] = 22
    API_NAME: ClassVar[str] = 'InitProducerId'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    error_code: int
    producer_id: int
    producer_epoch: int

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        producer_id: int = -1,
        producer_epoch: int = 0,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch


class OffsetForLeaderEpochRequest(Message):
    """OffsetForLeaderEpochRequest: API key 23, versions 2-4."""

    __slots__ = ('replica_id', 'topics', )
    API_KEY: ClassVar[int] = 23
    API_NAME: ClassVar[str] = 'OffsetForLeaderEpoch'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    replica_id: int
    topics: list[OffsetForLeaderEpochRequest.OffsetForLeaderTopic]

    class OffsetForLeaderTopic(Struct):
        """OffsetForLeaderTopic, a struct of OffsetForLeaderEpochRequest."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition]

        class OffsetForLeaderPartition(Struct):
            """OffsetForLeaderPartition, a struct of OffsetForLeaderEpochRequest."""

            __slots__ = ('partition', 'current_leader_epoch', 'leader_epoch', )

            partition: int
            current_leader_epoch: int
            leader_epoch: int

            def __init__(
                self,
                *,
                partition: int = 0,
                current_leader_epoch: int = -1,
                leader_epoch: int = 0,
            ) -> None:
                self.partition = partition
                self.current_leader_epoch = current_leader_epoch
                self.leader_epoch = leader_epoch

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        replica_id: int = -2,
        topics: list[OffsetForLeaderEpochRequest.OffsetForLeaderTopic] | None = None,
    ) -> None:
        self.replica_id = replica_id
        self.topics = [] if topics is None else topics


class OffsetForLeaderEpochResponse(Message):
    """OffsetForLeaderEpochResponse: API key 23, versions 2-4."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 23
    API_NAME: ClassVar[str] = 'OffsetForLeaderEpoch'
    MIN_VERSION: ClassVar[int] = 2
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    topics: list[OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult]

    class OffsetForLeaderTopicResult(Struct):
        """OffsetForLeaderTopicResult, a struct of OffsetForLeaderEpochResponse."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset]

        class EpochEndOffset(Struct):
            """EpochEndOffset, a struct of OffsetForLeaderEpochResponse."""

            __slots__ = ('error_code', 'partition', 'leader_epoch', 'end_offset', )

            error_code: int
            partition: int
            leader_epoch: int
            end_offset: int

            def __init__(
                self,
                *,
                error_code: int = 0,
                partition: int = 0,
                leader_epoch: int = -1,
                end_offset: int = -1,
            ) -> None:
                self.error_code = error_code
                self.partition = partition
                self.leader_epoch = leader_epoch
                self.end_offset = end_offset

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class AddPartitionsToTxnRequest(Message):
    """AddPartitionsToTxnRequest: API key 24, versions 0-5."""

    __slots__ = ('transactions', 'v3_and_below_transactional_id', 'v3_and_below_producer_id', 'v3_and_below_producer_epoch', 'v3_and_below_topics', )
    API_KEY: ClassVar[int] = 24
    API_NAME: ClassVar[str] = 'AddPartitionsToTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    transactions: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction]
    v3_and_below_transactional_id: str
    v3_and_below_producer_id: int
    v3_and_below_producer_epoch: int
    v3_and_below_topics: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTopic]

    class AddPartitionsToTxnTransaction(Struct):
        """AddPartitionsToTxnTransaction, a struct of AddPartitionsToTxnRequest."""

        __slots__ = ('transactional_id', 'producer_id', 'producer_epoch', 'verify_only', 'topics', )

        transactional_id: str
        producer_id: int
        producer_epoch: int
        verify_only: bool
        topics: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction.AddPartitionsToTxnTopic]

        class AddPartitionsToTxnTopic(Struct):
            """AddPartitionsToTxnTopic, a struct of AddPartitionsToTxnRequest."""

            __slots__ = ('name', 'partitions', )

            name: str
            partitions: list[int]

            def __init__(
                self,
                *,
                name: str = '',
                partitions: list[int] | None = None,
            ) -> None:
                self.name = name
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            transactional_id: str = '',
            producer_id: int = 0,
            producer_epoch: int = 0,
            verify_only: bool = False,
            topics: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction.AddPartitionsToTxnTopic] | None = None,
        ) -> None:
            self.transactional_id = transactional_id
            self.producer_id = producer_id
            self.producer_epoch = producer_epoch
            self.verify_only = verify_only
            self.topics = [] if topics is None else topics

    class AddPartitionsToTxnTopic(Struct):
        """AddPartitionsToTxnTopic, a struct of AddPartitionsToTxnRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[int]

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[int] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        transactions: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction] | None = None,
        v3_and_below_transactional_id: str = '',
        v3_and_below_producer_id: int = 0,
        v3_and_below_producer_epoch: int = 0,
        v3_and_below_topics: list[AddPartitionsToTxnRequest.AddPartitionsToTxnTopic] | None = None,
    ) -> None:
        self.transactions = [] if transactions is None else transactions
        self.v3_and_below_transactional_id = v3_and_below_transactional_id
        self.v3_and_below_producer_id = v3_and_below_producer_id
        self.v3_and_below_producer_epoch = v3_and_below_producer_epoch
        self.v3_and_below_topics = [] if v3_and_below_topics is None else v3_and_below_topics


class AddPartitionsToTxnResponse(Message):
    """AddPartitionsToTxnResponse: API key 24, versions 0-5."""

    __slots__ = ('throttle_time_ms', 'error_code', 'results_by_transaction', 'results_by_topic_v3_and_below', )
    API_KEY: ClassVar[int] = 24
    API_NAME: ClassVar[str] = 'AddPartitionsToTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 5
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    error_code: int
    results_by_transaction: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult]
    results_by_topic_v3_and_below: list[AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult]

    class AddPartitionsToTxnResult(Struct):
        """AddPartitionsToTxnResult, a struct of AddPartitionsToTxnResponse."""

        __slots__ = ('transactional_id', 'topic_results', )

        transactional_id: str
        topic_results: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult]

        class AddPartitionsToTxnTopicResult(Struct):
            """AddPartitionsToTxnTopicResult, a struct of AddPartitionsToTxnResponse."""

            __slots__ = ('name', 'results_by_partition', )

            name: str
            results_by_partition: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult]

            class AddPartitionsToTxnPartitionResult(Struct):
                """AddPartitionsToTxnPartitionResult, a struct of AddPartitionsToTxnResponse."""

                __slots__ = ('partition_index', 'partition_error_code', )

                partition_index: int
                partition_error_code: int

                def __init__(
                    self,
                    *,
                    partition_index: int = 0,
                    partition_error_code: int = 0,
                ) -> None:
                    self.partition_index = partition_index
                    self.partition_error_code = partition_error_code

            def __init__(
                self,
                *,
                name: str = '',
                results_by_partition: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult] | None = None,
            ) -> None:
                self.name = name
                self.results_by_partition = [] if results_by_partition is None else results_by_partition

        def __init__(
            self,
            *,
            transactional_id: str = '',
            topic_results: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult] | None = None,
        ) -> None:
            self.transactional_id = transactional_id
            self.topic_results = [] if topic_results is None else topic_results

    class AddPartitionsToTxnTopicResult(Struct):
        """AddPartitionsToTxnTopicResult, a struct of AddPartitionsToTxnResponse."""

        __slots__ = ('name', 'results_by_partition', )

        name: str
        results_by_partition: list[AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult]

        class AddPartitionsToTxnPartitionResult(Struct):
            """AddPartitionsToTxnPartitionResult, a struct of AddPartitionsToTxnResponse."""

            __slots__ = ('partition_index', 'partition_error_code', )

            partition_index: int
            partition_error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                partition_error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.partition_error_code = partition_error_code

        def __init__(
            self,
            *,
            name: str = '',
            results_by_partition: list[AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult] | None = None,
        ) -> None:
            self.name = name
            self.results_by_partition = [] if results_by_partition is None else results_by_partition

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        results_by_transaction: list[AddPartitionsToTxnResponse.AddPartitionsToTxnResult] | None = None,
        results_by_topic_v3_and_below: list[AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.results_by_transaction = [] if results_by_transaction is None else results_by_transaction
        self.results_by_topic_v3_and_below = [] if results_by_topic_v3_and_below is None else results_by_topic_v3_and_below


class AddOffsetsToTxnRequest(Message):
    """AddOffsetsToTxnRequest: API key 25, versions 0-3."""

    __slots__ = ('transactional_id', 'producer_id', 'producer_epoch', 'group_id', )
    API_KEY: ClassVar[int] = 25
    API_NAME: ClassVar[str] = 'AddOffsetsToTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    transactional_id: str
    producer_id: int
    producer_epoch: int
    group_id: str

    def __init__(
        self,
        *,
        transactional_id: str = '',
        producer_id: int = 0,
        producer_epoch: int = 0,
        group_id: str = '',
    ) -> None:
        self.transactional_id = transactional_id
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.group_id = group_id


class AddOffsetsToTxnResponse(Message):
    """AddOffsetsToTxnResponse: API key 25, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'error_code', )
    API_KEY: ClassVar[int] = 25
    API_NAME: ClassVar[str] = 'AddOffsetsToTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    error_code: int

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code


class EndTxnRequest(Message):
    """EndTxnRequest: API key 26, versions 0-3."""

    __slots__ = ('transactional_id', 'producer_id', 'producer_epoch', 'committed', )
    API_KEY: ClassVar[int] = 26
    API_NAME: ClassVar[str] = 'EndTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    transactional_id: str
    producer_id: int
    producer_epoch: int
    committed: bool

    def __init__(
        self,
        *,
        transactional_id: str = '',
        producer_id: int = 0,
        producer_epoch: int = 0,
        committed: bool = False,
    ) -> None:
        self.transactional_id = transactional_id
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.committed = committed


class EndTxnResponse(Message):
    """EndTxnResponse: API key 26, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'error_code', )
    API_KEY: ClassVar[int] = 26
    API_NAME: ClassVar[str] = 'EndTxn'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    error_code: int

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code


class WriteTxnMarkersRequest(Message):
    """WriteTxnMarkersRequest: API key 27, versions 0-1."""

    __slots__ = ('markers', )
    API_KEY: ClassVar[int] = 27
    API_NAME: ClassVar[str] = 'WriteTxnMarkers'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 1

    markers: list[WriteTxnMarkersRequest.WritableTxnMarker]

    class WritableTxnMarker(Struct):
        """WritableTxnMarker, a struct of WriteTxnMarkersRequest."""

        __slots__ = ('producer_id', 'producer_epoch', 'transaction_result', 'topics', 'coordinator_epoch', )

        producer_id: int
        producer_epoch: int
        transaction_result: bool
        topics: list[WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic]
        coordinator_epoch: int

        class WritableTxnMarkerTopic(Struct):
            """WritableTxnMarkerTopic, a struct of WriteTxnMarkersRequest."""

            __slots__ = ('name', 'partition_indexes', )

            name: str
            partition_indexes: list[int]

            def __init__(
                self,
                *,
                name: str = '',
                partition_indexes: list[int] | None = None,
            ) -> None:
                self.name = name
                self.partition_indexes = [] if partition_indexes is None else partition_indexes

        def __init__(
            self,
            *,
            producer_id: int = 0,
            producer_epoch: int = 0,
            transaction_result: bool = False,
            topics: list[WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic] | None = None,
            coordinator_epoch: int = 0,
        ) -> None:
            self.producer_id = producer_id
            self.producer_epoch = producer_epoch
            self.transaction_result = transaction_result
            self.topics = [] if topics is None else topics
            self.coordinator_epoch = coordinator_epoch

    def __init__(
        self,
        *,
        markers: list[WriteTxnMarkersRequest.WritableTxnMarker] | None = None,
    ) -> None:
        self.markers = [] if markers is None else markers


class WriteTxnMarkersResponse(Message):
    """WriteTxnMarkersResponse: API key 27, versions 0-1."""

    __slots__ = ('markers', )
    API_KEY: ClassVar[int] = 27
    API_NAME: ClassVar[str] = 'WriteTxnMarkers'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 1

    markers: list[WriteTxnMarkersResponse.WritableTxnMarkerResult]

    class WritableTxnMarkerResult(Struct):
        """WritableTxnMarkerResult, a struct of WriteTxnMarkersResponse."""

        __slots__ = ('producer_id', 'topics', )

        producer_id: int
        topics: list[WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult]

        class WritableTxnMarkerTopicResult(Struct):
            """WritableTxnMarkerTopicResult, a struct of WriteTxnMarkersResponse."""

            __slots__ = ('name', 'partitions', )

            name: str
            partitions: list[WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult.WritableTxnMarkerPartitionResult]

            class WritableTxnMarkerPartitionResult(Struct):
                """WritableTxnMarkerPartitionResult, a struct of WriteTxnMarkersResponse."""

                __slots__ = ('partition_index', 'error_code', )

                partition_index: int
                error_code: int

                def __init__(
                    self,
                    *,
                    partition_index: int = 0,
                    error_code: int = 0,
                ) -> None:
                    self.partition_index = partition_index
                    self.error_code = error_code

            def __init__(
                self,
                *,
                name: str = '',
                partitions: list[WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult.WritableTxnMarkerPartitionResult] | None = None,
            ) -> None:
                self.name = name
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            producer_id: int = 0,
            topics: list[WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult] | None = None,
        ) -> None:
            self.producer_id = producer_id
            self.topics = [] if topics is None else topics

    def __init__(
        self,
        *,
        markers: list[WriteTxnMarkersResponse.WritableTxnMarkerResult] | None = None,
    ) -> None:
        self.markers = [] if markers is None else markers


class TxnOffsetCommitRequest(Message):
    """TxnOffsetCommitRequest: API key 28, versions 0-3."""

    __slots__ = ('transactional_id', 'group_id', 'producer_id', 'producer_epoch', 'generation_id', 'member_id', 'group_instance_id', 'topics', )
    API_KEY: ClassVar[int] = 28
    API_NAME: ClassVar[str] = 'TxnOffsetCommit'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    transactional_id: str
    group_id: str
    producer_id: int
    producer_epoch: int
    generation_id: int
    member_id: str
    group_instance_id: str | None
    topics: list[TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic]

    class TxnOffsetCommitRequestTopic(Struct):
        """TxnOffsetCommitRequestTopic, a struct of TxnOffsetCommitRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition]

        class TxnOffsetCommitRequestPartition(Struct):
            """TxnOffsetCommitRequestPartition, a struct of TxnOffsetCommitRequest."""

            __slots__ = ('partition_index', 'committed_offset', 'committed_leader_epoch', 'committed_metadata', )

            partition_index: int
            committed_offset: int
            committed_leader_epoch: int
            committed_metadata: str | None

            def __init__(
                self,
                *,
                partition_index: int = 0,
                committed_offset: int = 0,
                committed_leader_epoch: int = -1,
                committed_metadata: str | None = '',
            ) -> None:
                self.partition_index = partition_index
                self.committed_offset = committed_offset
                self.committed_leader_epoch = committed_leader_epoch
                self.committed_metadata = committed_metadata

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        transactional_id: str = '',
        group_id: str = '',
        producer_id: int = 0,
        producer_epoch: int = 0,
        generation_id: int = -1,
        member_id: str = '',
        group_instance_id: str | None = None,
        topics: list[TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic] | None = None,
    ) -> None:
        self.transactional_id = transactional_id
        self.group_id = group_id
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.generation_id = generation_id
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        self.topics = [] if topics is None else topics


class TxnOffsetCommitResponse(Message):
    """TxnOffsetCommitResponse: API key 28, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 28
    API_NAME: ClassVar[str] = 'TxnOffsetCommit'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 3

    throttle_time_ms: int
    topics: list[TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic]

    class TxnOffsetCommitResponseTopic(Struct):
        """TxnOffsetCommitResponseTopic, a struct of TxnOffsetCommitResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic.TxnOffsetCommitResponsePartition]

        class TxnOffsetCommitResponsePartition(Struct):
            """TxnOffsetCommitResponsePartition, a struct of TxnOffsetCommitResponse."""

            __slots__ = ('partition_index', 'error_code', )

            partition_index: int
            error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic.TxnOffsetCommitResponsePartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class DescribeAclsRequest(Message):
    """DescribeAclsRequest: API key 29, versions 0-3."""

    __slots__ = ('resource_type_filter', 'resource_name_filter', 'pattern_type_filter', 'principal_filter', 'host_filter', 'operation', 'permission_type', )
    API_KEY: ClassVar[int] = 29
    API_NAME: ClassVar[str] = 'DescribeAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    resource_type_filter: int
    resource_name_filter: str | None
    pattern_type_filter: int
    principal_filter: str | None
    host_filter: str | None
    operation: int
    permission_type: int

    def __init__(
        self,
        *,
        resource_type_filter: int = 0,
        resource_name_filter: str | None = '',
        pattern_type_filter: int = 3,
        principal_filter: str | None = '',
        host_filter: str | None = '',
        operation: int = 0,
        permission_type: int = 0,
    ) -> None:
        self.resource_type_filter = resource_type_filter
        self.resource_name_filter = resource_name_filter
        self.pattern_type_filter = pattern_type_filter
        self.principal_filter = principal_filter
        self.host_filter = host_filter
        self.operation = operation
        self.permission_type = permission_type


class DescribeAclsResponse(Message):
    """DescribeAclsResponse: API key 29, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'error_code', 'error_message', 'resources', )
    API_KEY: ClassVar[int] = 29
    API_NAME: ClassVar[str] = 'DescribeAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    error_code: int
    error_message: str | None
    resources: list[DescribeAclsResponse.DescribeAclsResource]

    class DescribeAclsResource(Struct):
        """DescribeAclsResource, a struct of DescribeAclsResponse."""

        __slots__ = ('resource_type', 'resource_name', 'pattern_type', 'acls', )

        resource_type: int
        resource_name: str
        pattern_type: int
        acls: list[DescribeAclsResponse.DescribeAclsResource.AclDescription]

        class AclDescription(Struct):
            """AclDescription, a struct of DescribeAclsResponse."""

            __slots__ = ('principal', 'host', 'operation', 'permission_type', )

            principal: str
            host: str
            operation: int
            permission_type: int

            def __init__(
                self,
                *,
                principal: str = '',
                host: str = '',
                operation: int = 0,
                permission_type: int = 0,
            ) -> None:
                self.principal = principal
                self.host = host
                self.operation = operation
                self.permission_type = permission_type

        def __init__(
            self,
            *,
            resource_type: int = 0,
            resource_name: str = '',
            pattern_type: int = 3,
            acls: list[DescribeAclsResponse.DescribeAclsResource.AclDescription] | None = None,
        ) -> None:
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.pattern_type = pattern_type
            self.acls = [] if acls is None else acls

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        error_message: str | None = '',
        resources: list[DescribeAclsResponse.DescribeAclsResource] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.error_message = error_message
        self.resources = [] if resources is None else resources


class CreateAclsRequest(Message):
    """CreateAclsRequest: API key 30, versions 0-3."""

    __slots__ = ('creations', )
    API_KEY: ClassVar[int] = 30
    API_NAME: ClassVar[str] = 'CreateAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    creations: list[CreateAclsRequest.AclCreation]

    class AclCreation(Struct):
        """AclCreation, a struct of CreateAclsRequest."""

        __slots__ = ('resource_type', 'resource_name', 'resource_pattern_type', 'principal', 'host', 'operation', 'permission_type', )

        resource_type: int
        resource_name: str
        resource_pattern_type: int
        principal: str
        host: str
        operation: int
        permission_type: int

        def __init__(
            self,
            *,
            resource_type: int = 0,
            resource_name: str = '',
            resource_pattern_type: int = 3,
            principal: str = '',
            host: str = '',
            operation: int = 0,
            permission_type: int = 0,
        ) -> None:
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.resource_pattern_type = resource_pattern_type
            self.principal = principal
            self.host = host
            self.operation = operation
            self.permission_type = permission_type

    def __init__(
        self,
        *,
        creations: list[CreateAclsRequest.AclCreation] | None = None,
    ) -> None:
        self.creations = [] if creations is None else creations


class CreateAclsResponse(Message):
    """CreateAclsResponse: API key 30, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'results', )
    API_KEY: ClassVar[int] = 30
    API_NAME: ClassVar[str] = 'CreateAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    results: list[CreateAclsResponse.AclCreationResult]

    class AclCreationResult(Struct):
        """AclCreationResult, a struct of CreateAclsResponse."""

        __slots__ = ('error_code', 'error_message', )

        error_code: int
        error_message: str | None

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = '',
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        results: list[CreateAclsResponse.AclCreationResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.results = [] if results is None else results


class DeleteAclsRequest(Message):
    """DeleteAclsRequest: API key 31, versions 0-3."""

    __slots__ = ('filters', )
    API_KEY: ClassVar[int] = 31
    API_NAME: ClassVar[str] = 'DeleteAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    filters: list[DeleteAclsRequest.DeleteAclsFilter]

    class DeleteAclsFilter(Struct):
        """DeleteAclsFilter, a struct of DeleteAclsRequest."""

        __slots__ = ('resource_type_filter', 'resource_name_filter', 'pattern_type_filter', 'principal_filter', 'host_filter', 'operation', 'permission_type', )

        resource_type_filter: int
        resource_name_filter: str | None
        pattern_type_filter: int
        principal_filter: str | None
        host_filter: str | None
        operation: int
        permission_type: int

        def __init__(
            self,
            *,
            resource_type_filter: int = 0,
            resource_name_filter: str | None = '',
            pattern_type_filter: int = 3,
            principal_filter: str | None = '',
            host_filter: str | None = '',
            operation: int = 0,
            permission_type: int = 0,
        ) -> None:
            self.resource_type_filter = resource_type_filter
            self.resource_name_filter = resource_name_filter
            self.pattern_type_filter = pattern_type_filter
            self.principal_filter = principal_filter
            self.host_filter = host_filter
            self.operation = operation
            self.permission_type = permission_type

    def __init__(
        self,
        *,
        filters: list[DeleteAclsRequest.DeleteAclsFilter] | None = None,
    ) -> None:
        self.filters = [] if filters is None else filters


class DeleteAclsResponse(Message):
    """DeleteAclsResponse: API key 31, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'filter_results', )
    API_KEY: ClassVar[int] = 31
    API_NAME: ClassVar[str] = 'DeleteAcls'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    filter_results: list[DeleteAclsResponse.DeleteAclsFilterResult]

    class DeleteAclsFilterResult(Struct):
        """DeleteAclsFilterResult, a struct of DeleteAclsResponse."""

        __slots__ = ('error_code', 'error_message', 'matching_acls', )

        error_code: int
        error_message: str | None
        matching_acls: list[DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl]

        class DeleteAclsMatchingAcl(Struct):
            """DeleteAclsMatchingAcl, a struct of DeleteAclsResponse."""

            __slots__ = ('error_code', 'error_message', 'resource_type', 'resource_name', 'pattern_type', 'principal', 'host', 'operation', 'permission_type', )

            error_code: int
            error_message: str | None
            resource_type: int
            resource_name: str
            pattern_type: int
            principal: str
            host: str
            operation: int
            permission_type: int

            def __init__(
                self,
                *,
                error_code: int = 0,
                error_message: str | None = '',
                resource_type: int = 0,
                resource_name: str = '',
                pattern_type: int = 3,
                principal: str = '',
                host: str = '',
                operation: int = 0,
                permission_type: int = 0,
            ) -> None:
                self.error_code = error_code
                self.error_message = error_message
                self.resource_type = resource_type
                self.resource_name = resource_name
                self.pattern_type = pattern_type
                self.principal = principal
                self.host = host
                self.operation = operation
                self.permission_type = permission_type

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = '',
            matching_acls: list[DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl] | None = None,
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message
            self.matching_acls = [] if matching_acls is None else matching_acls

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        filter_results: list[DeleteAclsResponse.DeleteAclsFilterResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.filter_results = [] if filter_results is None else filter_results


class DescribeConfigsRequest(Message):
    """DescribeConfigsRequest: API key 32, versions 0-4."""

    __slots__ = ('resources', 'include_synonyms', 'include_documentation', )
    API_KEY: ClassVar[int] = 32
    API_NAME: ClassVar[str] = 'DescribeConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    resources: list[DescribeConfigsRequest.DescribeConfigsResource]
    include_synonyms: bool
    include_documentation: bool

    class DescribeConfigsResource(Struct):
        """DescribeConfigsResource, a struct of DescribeConfigsRequest."""

        __slots__ = ('resource_type', 'resource_name', 'configuration_keys', )

        resource_type: int
        resource_name: str
        configuration_keys: list[str] | None

        def __init__(
            self,
            *,
            resource_type: int = 0,
            resource_name: str = '',
            configuration_keys: list[str] | None = UNSET,
        ) -> None:
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.configuration_keys = [] if configuration_keys is UNSET else configuration_keys

    def __init__(
        self,
        *,
        resources: list[DescribeConfigsRequest.DescribeConfigsResource] | None = None,
        include_synonyms: bool = False,
        include_documentation: bool = False,
    ) -> None:
        self.resources = [] if resources is None else resources
        self.include_synonyms = include_synonyms
        self.include_documentation = include_documentation


class DescribeConfigsResponse(Message):
    """DescribeConfigsResponse: API key 32, versions 0-4."""

    __slots__ = ('throttle_time_ms', 'results', )
    API_KEY: ClassVar[int] = 32
    API_NAME: ClassVar[str] = 'DescribeConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 4

    throttle_time_ms: int
    results: list[DescribeConfigsResponse.DescribeConfigsResult]

    class DescribeConfigsResult(Struct):
        """DescribeConfigsResult, a struct of DescribeConfigsResponse."""

        __slots__ = ('error_code', 'error_message', 'resource_type', 'resource_name', 'configs', )

        error_code: int
        error_message: str | None
        resource_type: int
        resource_name: str
        configs: list[DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult]

        class DescribeConfigsResourceResult(Struct):
            """DescribeConfigsResourceResult, a struct of DescribeConfigsResponse."""

            __slots__ = ('name', 'value', 'read_only', 'is_default', 'config_source', 'is_sensitive', 'synonyms', 'config_type', 'documentation', )

            name: str
            value: str | None
            read_only: bool
            is_default: bool
            config_source: int
            is_sensitive: bool
            synonyms: list[DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult.DescribeConfigsSynonym]
            config_type: int
            documentation: str | None

            class DescribeConfigsSynonym(Struct):
                """DescribeConfigsSynonym, a struct of DescribeConfigsResponse."""

                __slots__ = ('name', 'value', 'source', )

                name: str
                value: str | None
                source: int

                def __init__(
                    self,
                    *,
                    name: str = '',
                    value: str | None = '',
                    source: int = 0,
                ) -> None:
                    self.name = name
                    self.value = value
                    self.source = source

            def __init__(
                self,
                *,
                name: str = '',
                value: str | None = '',
                read_only: bool = False,
                is_default: bool = False,
                config_source: int = -1,
                is_sensitive: bool = False,
                synonyms: list[DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult.DescribeConfigsSynonym] | None = None,
                config_type: int = 0,
                documentation: str | None = '',
            ) -> None:
                self.name = name
                self.value = value
                self.read_only = read_only
                self.is_default = is_default
                self.config_source = config_source
                self.is_sensitive = is_sensitive
                self.synonyms = [] if synonyms is None else synonyms
                self.config_type = config_type
                self.documentation = documentation

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = '',
            resource_type: int = 0,
            resource_name: str = '',
            configs: list[DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult] | None = None,
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.configs = [] if configs is None else configs

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        results: list[DescribeConfigsResponse.DescribeConfigsResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.results = [] if results is None else results


class AlterConfigsRequest(Message):
    """AlterConfigsRequest: API key 33, versions 0-2."""

    __slots__ = ('resources', 'validate_only', )
    API_KEY: ClassVar[int] = 33
    API_NAME: ClassVar[str] = 'AlterConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    resources: list[AlterConfigsRequest.AlterConfigsResource]
    validate_only: bool

    class AlterConfigsResource(Struct):
        """AlterConfigsResource, a struct of AlterConfigsRequest."""

        __slots__ = ('resource_type', 'resource_name', 'configs', )

        resource_type: int
        resource_name: str
        configs: list[AlterConfigsRequest.AlterConfigsResource.AlterableConfig]

        class AlterableConfig(Struct):
            """AlterableConfig, a struct of AlterConfigsRequest."""

            __slots__ = ('name', 'value', )

            name: str
            value: str | None

            def __init__(
                self,
                *,
                name: str = '',
                value: str | None = '',
            ) -> None:
                self.name = name
                self.value = value

        def __init__(
            self,
            *,
            resource_type: int = 0,
            resource_name: str = '',
            configs: list[AlterConfigsRequest.AlterConfigsResource.AlterableConfig] | None = None,
        ) -> None:
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.configs = [] if configs is None else configs

    def __init__(
        self,
        *,
        resources: list[AlterConfigsRequest.AlterConfigsResource] | None = None,
        validate_only: bool = False,
    ) -> None:
        self.resources = [] if resources is None else resources
        self.validate_only = validate_only


class AlterConfigsResponse(Message):
    """AlterConfigsResponse: API key 33, versions 0-2."""

    __slots__ = ('throttle_time_ms', 'responses', )
    API_KEY: ClassVar[int] = 33
    API_NAME: ClassVar[str] = 'AlterConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    responses: list[AlterConfigsResponse.AlterConfigsResourceResponse]

    class AlterConfigsResourceResponse(Struct):
        """AlterConfigsResourceResponse, a struct of AlterConfigsResponse."""

        __slots__ = ('error_code', 'error_message', 'resource_type', 'resource_name', )

        error_code: int
        error_message: str | None
        resource_type: int
        resource_name: str

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = '',
            resource_type: int = 0,
            resource_name: str = '',
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message
            self.resource_type = resource_type
            self.resource_name = resource_name

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        responses: list[AlterConfigsResponse.AlterConfigsResourceResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.responses = [] if responses is None else responses


class DescribeLogDirsRequest(Message):
    """DescribeLogDirsRequest: API key 35, versions 0-4."""

    __slots__ = ('topics', )
    API_KEY: ClassVar[int] = 35
    API_NAME: ClassVar[str] = 'DescribeLogDirs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    topics: list[DescribeLogDirsRequest.DescribableLogDirTopic] | None

    class DescribableLogDirTopic(Struct):
        """DescribableLogDirTopic, a struct of DescribeLogDirsRequest."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[int]

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[int] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        topics: list[DescribeLogDirsRequest.DescribableLogDirTopic] | None = UNSET,
    ) -> None:
        self.topics = [] if topics is UNSET else topics


class DescribeLogDirsResponse(Message):
    """DescribeLogDirsResponse: API key 35, versions 0-4."""

    __slots__ = ('throttle_time_ms', 'error_code', 'results', )
    API_KEY: ClassVar[int] = 35
    API_NAME: ClassVar[str] = 'DescribeLogDirs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 4
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    error_code: int
    results: list[DescribeLogDirsResponse.DescribeLogDirsResult]

    class DescribeLogDirsResult(Struct):
        """DescribeLogDirsResult, a struct of DescribeLogDirsResponse."""

        __slots__ = ('error_code', 'log_dir', 'topics', 'total_bytes', 'usable_bytes', )

        error_code: int
        log_dir: str
        topics: list[DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic]
        total_bytes: int
        usable_bytes: int

        class DescribeLogDirsTopic(Struct):
            """DescribeLogDirsTopic, a struct of DescribeLogDirsResponse."""

            __slots__ = ('name', 'partitions', )

            name: str
            partitions: list[DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic.DescribeLogDirsPartition]

            class DescribeLogDirsPartition(Struct):
                """DescribeLogDirsPartition, a struct of DescribeLogDirsResponse."""

                __slots__ = ('partition_index', 'partition_size', 'offset_lag', 'is_future_key', )

                partition_index: int
                partition_size: int
                offset_lag: int
                is_future_key: bool

                def __init__(
                    self,
                    *,
                    partition_index: int = 0,
                    partition_size: int = 0,
                    offset_lag: int = 0,
                    is_future_key: bool = False,
                ) -> None:
                    self.partition_index = partition_index
                    self.partition_size = partition_size
                    self.offset_lag = offset_lag
                    self.is_future_key = is_future_key

            def __init__(
                self,
                *,
                name: str = '',
                partitions: list[DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic.DescribeLogDirsPartition] | None = None,
            ) -> None:
                self.name = name
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            error_code: int = 0,
            log_dir: str = '',
            topics: list[DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic] | None = None,
            total_bytes: int = -1,
            usable_bytes: int = -1,
        ) -> None:
            self.error_code = error_code
            self.log_dir = log_dir
            self.topics = [] if topics is None else topics
            self.total_bytes = total_bytes
            self.usable_bytes = usable_bytes

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        results: list[DescribeLogDirsResponse.DescribeLogDirsResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.results = [] if results is None else results


class SaslAuthenticateRequest(Message):
    """SaslAuthenticateRequest: API key 36, versions 0-2."""

    __slots__ = ('auth_bytes', )
    API_KEY: ClassVar[int] = 36
    API_NAME: ClassVar[str] = 'SaslAuthenticate'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    auth_bytes: bytes

    def __init__(
        self,
        *,
        auth_bytes: bytes = b'',
    ) -> None:
        self.auth_bytes = auth_bytes


class SaslAuthenticateResponse(Message):
    """SaslAuthenticateResponse: API key 36, versions 0-2."""

    __slots__ = ('error_code', 'error_message', 'auth_bytes', 'session_lifetime_ms', )
    API_KEY: ClassVar[int] = 36
    API_NAME: ClassVar[str] = 'SaslAuthenticate'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    error_code: int
    error_message: str | None
    auth_bytes: bytes
    session_lifetime_ms: int

    def __init__(
        self,
        *,
        error_code: int = 0,
        error_message: str | None = '',
        auth_bytes: bytes = b'',
        session_lifetime_ms: int = 0,
    ) -> None:
        self.error_code = error_code
        self.error_message = error_message
        self.auth_bytes = auth_bytes
        self.session_lifetime_ms = session_lifetime_ms


class CreatePartitionsRequest(Message):
    """CreatePartitionsRequest: API key 37, versions 0-3."""

    __slots__ = ('topics', 'timeout_ms', 'validate_only', )
    API_KEY: ClassVar[int] = 37
    API_NAME: ClassVar[str] = 'CreatePartitions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    topics: list[CreatePartitionsRequest.CreatePartitionsTopic]
    timeout_ms: int
    validate_only: bool

    class CreatePartitionsTopic(Struct):
        """CreatePartitionsTopic, a struct of CreatePartitionsRequest."""

        __slots__ = ('name', 'count', 'assignments', )

        name: str
        count: int
        assignments: list[CreatePartitionsRequest.CreatePartitionsTopic.CreatePartitionsAssignment] | None

        class CreatePartitionsAssignment(Struct):
            """CreatePartitionsAssignment, a struct of CreatePartitionsRequest."""

            __slots__ = ('broker_ids', )

            broker_ids: list[int]

            def __init__(
                self,
                *,
                broker_ids: list[int] | None = None,
            ) -> None:
                self.broker_ids = [] if broker_ids is None else broker_ids

        def __init__(
            self,
            *,
            name: str = '',
            count: int = 0,
            assignments: list[CreatePartitionsRequest.CreatePartitionsTopic.CreatePartitionsAssignment] | None = UNSET,
        ) -> None:
            self.name = name
            self.count = count
            self.assignments = [] if assignments is UNSET else assignments

    def __init__(
        self,
        *,
        topics: list[CreatePartitionsRequest.CreatePartitionsTopic] | None = None,
        timeout_ms: int = 0,
        validate_only: bool = False,
    ) -> None:
        self.topics = [] if topics is None else topics
        self.timeout_ms = timeout_ms
        self.validate_only = validate_only


class CreatePartitionsResponse(Message):
    """CreatePartitionsResponse: API key 37, versions 0-3."""

    __slots__ = ('throttle_time_ms', 'results', )
    API_KEY: ClassVar[int] = 37
    API_NAME: ClassVar[str] = 'CreatePartitions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 3
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    results: list[CreatePartitionsResponse.CreatePartitionsTopicResult]

    class CreatePartitionsTopicResult(Struct):
        """CreatePartitionsTopicResult, a struct of CreatePartitionsResponse."""

        __slots__ = ('name', 'error_code', 'error_message', )

        name: str
        error_code: int
        error_message: str | None

        def __init__(
            self,
            *,
            name: str = '',
            error_code: int = 0,
            error_message: str | None = None,
        ) -> None:
            self.name = name
            self.error_code = error_code
            self.error_message = error_message

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        results: list[CreatePartitionsResponse.CreatePartitionsTopicResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.results = [] if results is None else results


class DeleteGroupsRequest(Message):
    """DeleteGroupsRequest: API key 42, versions 0-2."""

    __slots__ = ('groups_names', )
    API_KEY: ClassVar[int] = 42
    API_NAME: ClassVar[str] = 'DeleteGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    groups_names: list[str]

    def __init__(
        self,
        *,
        groups_names: list[str] | None = None,
    ) -> None:
        self.groups_names = [] if groups_names is None else groups_names


class DeleteGroupsResponse(Message):
    """DeleteGroupsResponse: API key 42, versions 0-2."""

    __slots__ = ('throttle_time_ms', 'results', )
    API_KEY: ClassVar[int] = 42
    API_NAME: ClassVar[str] = 'DeleteGroups'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    results: list[DeleteGroupsResponse.DeletableGroupResult]

    class DeletableGroupResult(Struct):
        """DeletableGroupResult, a struct of DeleteGroupsResponse."""

        __slots__ = ('group_id', 'error_code', )

        group_id: str
        error_code: int

        def __init__(
            self,
            *,
            group_id: str = '',
            error_code: int = 0,
        ) -> None:
            self.group_id = group_id
            self.error_code = error_code

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        results: list[DeleteGroupsResponse.DeletableGroupResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.results = [] if results is None else results


class ElectLeadersRequest(Message):
    """ElectLeadersRequest: API key 43, versions 0-2."""

    __slots__ = ('election_type', 'topic_partitions', 'timeout_ms', )
    API_KEY: ClassVar[int] = 43
    API_NAME: ClassVar[str] = 'ElectLeaders'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    election_type: int
    topic_partitions: list[ElectLeadersRequest.TopicPartitions] | None
    timeout_ms: int

    class TopicPartitions(Struct):
        """TopicPartitions, a struct of ElectLeadersRequest."""

        __slots__ = ('topic', 'partitions', )

        topic: str
        partitions: list[int]

        def __init__(
            self,
            *,
            topic: str = '',
            partitions: list[int] | None = None,
        ) -> None:
            self.topic = topic
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        election_type: int = 0,
        topic_partitions: list[ElectLeadersRequest.TopicPartitions] | None = UNSET,
        timeout_ms: int = 60000,
    ) -> None:
        self.election_type = election_type
        self.topic_partitions = [] if topic_partitions is UNSET else topic_partitions
        self.timeout_ms = timeout_ms


class ElectLeadersResponse(Message):
    """ElectLeadersResponse: API key 43, versions 0-2."""

    __slots__ = ('throttle_time_ms', 'error_code', 'replica_election_results', )
    API_KEY: ClassVar[int] = 43
    API_NAME: ClassVar[str] = 'ElectLeaders'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 2
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 2

    throttle_time_ms: int
    error_code: int
    replica_election_results: list[ElectLeadersResponse.ReplicaElectionResult]

    class ReplicaElectionResult(Struct):
        """ReplicaElectionResult, a struct of ElectLeadersResponse."""

        __slots__ = ('topic', 'partition_result', )

        topic: str
        partition_result: list[ElectLeadersResponse.ReplicaElectionResult.PartitionResult]

        class PartitionResult(Struct):
            """PartitionResult, a struct of ElectLeadersResponse."""

            __slots__ = ('partition_id', 'error_code', 'error_message', )

            partition_id: int
            error_code: int
            error_message: str | None

            def __init__(
                self,
                *,
                partition_id: int = 0,
                error_code: int = 0,
                error_message: str | None = None,
            ) -> None:
                self.partition_id = partition_id
                self.error_code = error_code
                self.error_message = error_message

        def __init__(
            self,
            *,
            topic: str = '',
            partition_result: list[ElectLeadersResponse.ReplicaElectionResult.PartitionResult] | None = None,
        ) -> None:
            self.topic = topic
            self.partition_result = [] if partition_result is None else partition_result

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        replica_election_results: list[ElectLeadersResponse.ReplicaElectionResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.replica_election_results = [] if replica_election_results is None else replica_election_results


class IncrementalAlterConfigsRequest(Message):
    """IncrementalAlterConfigsRequest: API key 44, versions 0-1."""

    __slots__ = ('resources', 'validate_only', )
    API_KEY: ClassVar[int] = 44
    API_NAME: ClassVar[str] = 'IncrementalAlterConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 1

    resources: list[IncrementalAlterConfigsRequest.AlterConfigsResource]
    validate_only: bool

    class AlterConfigsResource(Struct):
        """AlterConfigsResource, a struct of IncrementalAlterConfigsRequest."""

        __slots__ = ('resource_type', 'resource_name', 'configs', )

        resource_type: int
        resource_name: str
        configs: list[IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig]

        class AlterableConfig(Struct):
            """AlterableConfig, a struct of IncrementalAlterConfigsRequest."""

            __slots__ = ('name', 'config_operation', 'value', )

            name: str
            config_operation: int
            value: str | None

            def __init__(
                self,
                *,
                name: str = '',
                config_operation: int = 0,
                value: str | None = '',
            ) -> None:
                self.name = name
                self.config_operation = config_operation
                self.value = value

        def __init__(
            self,
            *,
            resource_type: int = 0,
            resource_name: str = '',
            configs: list[IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig] | None = None,
        ) -> None:
            self.resource_type = resource_type
            self.resource_name = resource_name
            self.configs = [] if configs is None else configs

    def __init__(
        self,
        *,
        resources: list[IncrementalAlterConfigsRequest.AlterConfigsResource] | None = None,
        validate_only: bool = False,
    ) -> None:
        self.resources = [] if resources is None else resources
        self.validate_only = validate_only


class IncrementalAlterConfigsResponse(Message):
    """IncrementalAlterConfigsResponse: API key 44, versions 0-1."""

    __slots__ = ('throttle_time_ms', 'responses', )
    API_KEY: ClassVar[int] = 44
    API_NAME: ClassVar[str] = 'IncrementalAlterConfigs'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 1

    throttle_time_ms: int
    responses: list[IncrementalAlterConfigsResponse.AlterConfigsResourceResponse]

    class AlterConfigsResourceResponse(Struct):
        """AlterConfigsResourceResponse, a struct of IncrementalAlterConfigsResponse."""

        __slots__ = ('error_code', 'error_message', 'resource_type', 'resource_name', )

        error_code: int
        error_message: str | None
        resource_type: int
        resource_name: str

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = '',
            resource_type: int = 0,
            resource_name: str = '',
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message
            self.resource_type = resource_type
            self.resource_name = resource_name

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        responses: list[IncrementalAlterConfigsResponse.AlterConfigsResourceResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.responses = [] if responses is None else responses


class OffsetDeleteRequest(Message):
    """OffsetDeleteRequest: API key 47, versions 0."""

    __slots__ = ('group_id', 'topics', )
    API_KEY: ClassVar[int] = 47
    API_NAME: ClassVar[str] = 'OffsetDelete'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    group_id: str
    topics: list[OffsetDeleteRequest.OffsetDeleteRequestTopic]

    class OffsetDeleteRequestTopic(Struct):
        """OffsetDeleteRequestTopic, a struct of OffsetDeleteRequest."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition]

        class OffsetDeleteRequestPartition(Struct):
            """OffsetDeleteRequestPartition, a struct of OffsetDeleteRequest."""

            __slots__ = ('partition_index', )

            partition_index: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
            ) -> None:
                self.partition_index = partition_index

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        group_id: str = '',
        topics: list[OffsetDeleteRequest.OffsetDeleteRequestTopic] | None = None,
    ) -> None:
        self.group_id = group_id
        self.topics = [] if topics is None else topics


class OffsetDeleteResponse(Message):
    """OffsetDeleteResponse: API key 47, versions 0."""

    __slots__ = ('error_code', 'throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 47
    API_NAME: ClassVar[str] = 'OffsetDelete'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = None

    error_code: int
    throttle_time_ms: int
    topics: list[OffsetDeleteResponse.OffsetDeleteResponseTopic]

    class OffsetDeleteResponseTopic(Struct):
        """OffsetDeleteResponseTopic, a struct of OffsetDeleteResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[OffsetDeleteResponse.OffsetDeleteResponseTopic.OffsetDeleteResponsePartition]

        class OffsetDeleteResponsePartition(Struct):
            """OffsetDeleteResponsePartition, a struct of OffsetDeleteResponse."""

            __slots__ = ('partition_index', 'error_code', )

            partition_index: int
            error_code: int

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[OffsetDeleteResponse.OffsetDeleteResponseTopic.OffsetDeleteResponsePartition] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        error_code: int = 0,
        throttle_time_ms: int = 0,
        topics: list[OffsetDeleteResponse.OffsetDeleteResponseTopic] | None = None,
    ) -> None:
        self.error_code = error_code
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class DescribeUserScramCredentialsRequest(Message):
    """DescribeUserScramCredentialsRequest: API key 50, versions 0."""

    __slots__ = ('users', )
    API_KEY: ClassVar[int] = 50
    API_NAME: ClassVar[str] = 'DescribeUserScramCredentials'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    users: list[DescribeUserScramCredentialsRequest.UserName] | None

    class UserName(Struct):
        """UserName, a struct of DescribeUserScramCredentialsRequest."""

        __slots__ = ('name', )

        name: str

        def __init__(
            self,
            *,
            name: str = '',
        ) -> None:
            self.name = name

    def __init__(
        self,
        *,
        users: list[DescribeUserScramCredentialsRequest.UserName] | None = UNSET,
    ) -> None:
        self.users = [] if users is UNSET else users


class DescribeUserScramCredentialsResponse(Message):
    """DescribeUserScramCredentialsResponse: API key 50, versions 0."""

    __slots__ = ('throttle_time_ms', 'error_code', 'error_message', 'results', )
    API_KEY: ClassVar[int] = 50
    API_NAME: ClassVar[str] = 'DescribeUserScramCredentials'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    error_code: int
    error_message: str | None
    results: list[DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult]

    class DescribeUserScramCredentialsResult(Struct):
        """DescribeUserScramCredentialsResult, a struct of DescribeUserScramCredentialsResponse."""

        __slots__ = ('user', 'error_code', 'error_message', 'credential_infos', )

        user: str
        error_code: int
        error_message: str | None
        credential_infos: list[DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult.CredentialInfo]

        class CredentialInfo(Struct):
            """CredentialInfo, a struct of DescribeUserScramCredentialsResponse."""

            __slots__ = ('mechanism', 'iterations', )

            mechanism: int
            iterations: int

            def __init__(
                self,
                *,
                mechanism: int = 0,
                iterations: int = 0,
            ) -> None:
                self.mechanism = mechanism
                self.iterations = iterations

        def __init__(
            self,
            *,
            user: str = '',
            error_code: int = 0,
            error_message: str | None = '',
            credential_infos: list[DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult.CredentialInfo] | None = None,
        ) -> None:
            self.user = user
            self.error_code = error_code
            self.error_message = error_message
            self.credential_infos = [] if credential_infos is None else credential_infos

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        error_message: str | None = '',
        results: list[DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.error_message = error_message
        self.results = [] if results is None else results


class AlterUserScramCredentialsRequest(Message):
    """AlterUserScramCredentialsRequest: API key 51, versions 0."""

    __slots__ = ('deletions', 'upsertions', )
    API_KEY: ClassVar[int] = 51
    API_NAME: ClassVar[str] = 'AlterUserScramCredentials'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    deletions: list[AlterUserScramCredentialsRequest.ScramCredentialDeletion]
    upsertions: list[AlterUserScramCredentialsRequest.ScramCredentialUpsertion]

    class ScramCredentialDeletion(Struct):
        """ScramCredentialDeletion, a struct of AlterUserScramCredentialsRequest."""

        __slots__ = ('name', 'mechanism', )

        name: str
        mechanism: int

        def __init__(
            self,
            *,
            name: str = '',
            mechanism: int = 0,
        ) -> None:
            self.name = name
            self.mechanism = mechanism

    class ScramCredentialUpsertion(Struct):
        """ScramCredentialUpsertion, a struct of AlterUserScramCredentialsRequest."""

        __slots__ = ('name', 'mechanism', 'iterations', 'salt', 'salted_password', )

        name: str
        mechanism: int
        iterations: int
        salt: bytes
        salted_password: bytes

        def __init__(
            self,
            *,
            name: str = '',
            mechanism: int = 0,
            iterations: int = 0,
            salt: bytes = b'',
            salted_password: bytes = b'',
        ) -> None:
            self.name = name
            self.mechanism = mechanism
            self.iterations = iterations
            self.salt = salt
            self.salted_password = salted_password

    def __init__(
        self,
        *,
        deletions: list[AlterUserScramCredentialsRequest.ScramCredentialDeletion] | None = None,
        upsertions: list[AlterUserScramCredentialsRequest.ScramCredentialUpsertion] | None = None,
    ) -> None:
        self.deletions = [] if deletions is None else deletions
        self.upsertions = [] if upsertions is None else upsertions


class AlterUserScramCredentialsResponse(Message):
    """AlterUserScramCredentialsResponse: API key 51, versions 0."""

    __slots__ = ('throttle_time_ms', 'results', )
    API_KEY: ClassVar[int] = 51
    API_NAME: ClassVar[str] = 'AlterUserScramCredentials'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    results: list[AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult]

    class AlterUserScramCredentialsResult(Struct):
        """AlterUserScramCredentialsResult, a struct of AlterUserScramCredentialsResponse."""

        __slots__ = ('user', 'error_code', 'error_message', )

        user: str
        error_code: int
        error_message: str | None

        def __init__(
            self,
            *,
            user: str = '',
            error_code: int = 0,
            error_message: str | None = '',
        ) -> None:
            self.user = user
            self.error_code = error_code
            self.error_message = error_message

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        results: list[AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.results = [] if results is None else results


class DescribeClusterRequest(Message):
    """DescribeClusterRequest: API key 60, versions 0-1."""

    __slots__ = ('include_cluster_authorized_operations', 'endpoint_type', )
    API_KEY: ClassVar[int] = 60
    API_NAME: ClassVar[str] = 'DescribeCluster'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    include_cluster_authorized_operations: bool
    endpoint_type: int

    def __init__(
        self,
        *,
        include_cluster_authorized_operations: bool = False,
        endpoint_type: int = 1,
    ) -> None:
        self.include_cluster_authorized_operations = include_cluster_authorized_operations
        self.endpoint_type = endpoint_type


class DescribeClusterResponse(Message):
    """DescribeClusterResponse: API key 60, versions 0-1."""

    __slots__ = ('throttle_time_ms', 'error_code', 'error_message', 'endpoint_type', 'cluster_id', 'controller_id', 'brokers', 'cluster_authorized_operations', )
    API_KEY: ClassVar[int] = 60
    API_NAME: ClassVar[str] = 'DescribeCluster'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    error_code: int
    error_message: str | None
    endpoint_type: int
    cluster_id: str
    controller_id: int
    brokers: list[DescribeClusterResponse.DescribeClusterBroker]
    cluster_authorized_operations: int

    class DescribeClusterBroker(Struct):
        """DescribeClusterBroker, a struct of DescribeClusterResponse."""

        __slots__ = ('broker_id', 'host', 'port', 'rack', )

        broker_id: int
        host: str
        port: int
        rack: str | None

        def __init__(
            self,
            *,
            broker_id: int = 0,
            host: str = '',
            port: int = 0,
            rack: str | None = None,
        ) -> None:
            self.broker_id = broker_id
            self.host = host
            self.port = port
            self.rack = rack

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        error_message: str | None = None,
        endpoint_type: int = 1,
        cluster_id: str = '',
        controller_id: int = -1,
        brokers: list[DescribeClusterResponse.DescribeClusterBroker] | None = None,
        cluster_authorized_operations: int = -2147483648,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.error_message = error_message
        self.endpoint_type = endpoint_type
        self.cluster_id = cluster_id
        self.controller_id = controller_id
        self.brokers = [] if brokers is None else brokers
        self.cluster_authorized_operations = cluster_authorized_operations


class DescribeProducersRequest(Message):
    """DescribeProducersRequest: API key 61, versions 0."""

    __slots__ = ('topics', )
    API_KEY: ClassVar[int] = 61
    API_NAME: ClassVar[str] = 'DescribeProducers'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    topics: list[DescribeProducersRequest.TopicRequest]

    class TopicRequest(Struct):
        """TopicRequest, a struct of DescribeProducersRequest."""

        __slots__ = ('name', 'partition_indexes', )

        name: str
        partition_indexes: list[int]

        def __init__(
            self,
            *,
            name: str = '',
            partition_indexes: list[int] | None = None,
        ) -> None:
            self.name = name
            self.partition_indexes = [] if partition_indexes is None else partition_indexes

    def __init__(
        self,
        *,
        topics: list[DescribeProducersRequest.TopicRequest] | None = None,
    ) -> None:
        self.topics = [] if topics is None else topics


class DescribeProducersResponse(Message):
    """DescribeProducersResponse: API key 61, versions 0."""

    __slots__ = ('throttle_time_ms', 'topics', )
    API_KEY: ClassVar[int] = 61
    API_NAME: ClassVar[str] = 'DescribeProducers'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    topics: list[DescribeProducersResponse.TopicResponse]

    class TopicResponse(Struct):
        """TopicResponse, a struct of DescribeProducersResponse."""

        __slots__ = ('name', 'partitions', )

        name: str
        partitions: list[DescribeProducersResponse.TopicResponse.PartitionResponse]

        class PartitionResponse(Struct):
            """PartitionResponse, a struct of DescribeProducersResponse."""

            __slots__ = ('partition_index', 'error_code', 'error_message', 'active_producers', )

            partition_index: int
            error_code: int
            error_message: str | None
            active_producers: list[DescribeProducersResponse.TopicResponse.PartitionResponse.ProducerState]

            class ProducerState(Struct):
                """ProducerState, a struct of DescribeProducersResponse."""

                __slots__ = ('producer_id', 'producer_epoch', 'last_sequence', 'last_timestamp', 'coordinator_epoch', 'current_txn_start_offset', )

                producer_id: int
                producer_epoch: int
                last_sequence: int
                last_timestamp: int
                coordinator_epoch: int
                current_txn_start_offset: int

                def __init__(
                    self,
                    *,
                    producer_id: int = 0,
                    producer_epoch: int = 0,
                    last_sequence: int = -1,
                    last_timestamp: int = -1,
                    coordinator_epoch: int = 0,
                    current_txn_start_offset: int = -1,
                ) -> None:
                    self.producer_id = producer_id
                    self.producer_epoch = producer_epoch
                    self.last_sequence = last_sequence
                    self.last_timestamp = last_timestamp
                    self.coordinator_epoch = coordinator_epoch
                    self.current_txn_start_offset = current_txn_start_offset

            def __init__(
                self,
                *,
                partition_index: int = 0,
                error_code: int = 0,
                error_message: str | None = None,
                active_producers: list[DescribeProducersResponse.TopicResponse.PartitionResponse.ProducerState] | None = None,
            ) -> None:
                self.partition_index = partition_index
                self.error_code = error_code
                self.error_message = error_message
                self.active_producers = [] if active_producers is None else active_producers

        def __init__(
            self,
            *,
            name: str = '',
            partitions: list[DescribeProducersResponse.TopicResponse.PartitionResponse] | None = None,
        ) -> None:
            self.name = name
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        topics: list[DescribeProducersResponse.TopicResponse] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.topics = [] if topics is None else topics


class DescribeTransactionsRequest(Message):
    """DescribeTransactionsRequest: API key 65, versions 0."""

    __slots__ = ('transactional_ids', )
    API_KEY: ClassVar[int] = 65
    API_NAME: ClassVar[str] = 'DescribeTransactions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    transactional_ids: list[str]

    def __init__(
        self,
        *,
        transactional_ids: list[str] | None = None,
    ) -> None:
        self.transactional_ids = [] if transactional_ids is None else transactional_ids


class DescribeTransactionsResponse(Message):
    """DescribeTransactionsResponse: API key 65, versions 0."""

    __slots__ = ('throttle_time_ms', 'transaction_states', )
    API_KEY: ClassVar[int] = 65
    API_NAME: ClassVar[str] = 'DescribeTransactions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    transaction_states: list[DescribeTransactionsResponse.TransactionState]

    class TransactionState(Struct):
        """TransactionState, a struct of DescribeTransactionsResponse."""

        __slots__ = ('error_code', 'transactional_id', 'transaction_state', 'transaction_timeout_ms', 'transaction_start_time_ms', 'producer_id', 'producer_epoch', 'topics', )

        error_code: int
        transactional_id: str
        transaction_state: str
        transaction_timeout_ms: int
        transaction_start_time_ms: int
        producer_id: int
        producer_epoch: int
        topics: list[DescribeTransactionsResponse.TransactionState.TopicData]

        class TopicData(Struct):
            """TopicData, a struct of DescribeTransactionsResponse."""

            __slots__ = ('topic', 'partitions', )

            topic: str
            partitions: list[int]

            def __init__(
                self,
                *,
                topic: str = '',
                partitions: list[int] | None = None,
            ) -> None:
                self.topic = topic
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            error_code: int = 0,
            transactional_id: str = '',
            transaction_state: str = '',
            transaction_timeout_ms: int = 0,
            transaction_start_time_ms: int = 0,
            producer_id: int = 0,
            producer_epoch: int = 0,
            topics: list[DescribeTransactionsResponse.TransactionState.TopicData] | None = None,
        ) -> None:
            self.error_code = error_code
            self.transactional_id = transactional_id
            self.transaction_state = transaction_state
            self.transaction_timeout_ms = transaction_timeout_ms
            self.transaction_start_time_ms = transaction_start_time_ms
            self.producer_id = producer_id
            self.producer_epoch = producer_epoch
            self.topics = [] if topics is None else topics

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        transaction_states: list[DescribeTransactionsResponse.TransactionState] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.transaction_states = [] if transaction_states is None else transaction_states


class ListTransactionsRequest(Message):
    """ListTransactionsRequest: API key 66, versions 0-1."""

    __slots__ = ('state_filters', 'producer_id_filters', 'duration_filter', )
    API_KEY: ClassVar[int] = 66
    API_NAME: ClassVar[str] = 'ListTransactions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    state_filters: list[str]
    producer_id_filters: list[int]
    duration_filter: int

    def __init__(
        self,
        *,
        state_filters: list[str] | None = None,
        producer_id_filters: list[int] | None = None,
        duration_filter: int = -1,
    ) -> None:
        self.state_filters = [] if state_filters is None else state_filters
        self.producer_id_filters = [] if producer_id_filters is None else producer_id_filters
        self.duration_filter = duration_filter


class ListTransactionsResponse(Message):
    """ListTransactionsResponse: API key 66, versions 0-1."""

    __slots__ = ('throttle_time_ms', 'error_code', 'unknown_state_filters', 'transaction_states', )
    API_KEY: ClassVar[int] = 66
    API_NAME: ClassVar[str] = 'ListTransactions'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    error_code: int
    unknown_state_filters: list[str]
    transaction_states: list[ListTransactionsResponse.TransactionState]

    class TransactionState(Struct):
        """TransactionState, a struct of ListTransactionsResponse."""

        __slots__ = ('transactional_id', 'producer_id', 'transaction_state', )

        transactional_id: str
        producer_id: int
        transaction_state: str

        def __init__(
            self,
            *,
            transactional_id: str = '',
            producer_id: int = 0,
            transaction_state: str = '',
        ) -> None:
            self.transactional_id = transactional_id
            self.producer_id = producer_id
            self.transaction_state = transaction_state

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        unknown_state_filters: list[str] | None = None,
        transaction_states: list[ListTransactionsResponse.TransactionState] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.unknown_state_filters = [] if unknown_state_filters is None else unknown_state_filters
        self.transaction_states = [] if transaction_states is None else transaction_states


class ConsumerGroupHeartbeatRequest(Message):
    """ConsumerGroupHeartbeatRequest: API key 68, versions 0-1."""

    __slots__ = ('group_id', 'member_id', 'member_epoch', 'instance_id', 'rack_id', 'rebalance_timeout_ms', 'subscribed_topic_names', 'subscribed_topic_regex', 'server_assignor', 'topic_partitions', )
    API_KEY: ClassVar[int] = 68
    API_NAME: ClassVar[str] = 'ConsumerGroupHeartbeat'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    group_id: str
    member_id: str
    member_epoch: int
    instance_id: str | None
    rack_id: str | None
    rebalance_timeout_ms: int
    subscribed_topic_names: list[str] | None
    subscribed_topic_regex: str | None
    server_assignor: str | None
    topic_partitions: list[ConsumerGroupHeartbeatRequest.TopicPartitions] | None

    class TopicPartitions(Struct):
        """TopicPartitions, a struct of ConsumerGroupHeartbeatRequest."""

        __slots__ = ('topic_id', 'partitions', )

        topic_id: uuid.UUID
        partitions: list[int]

        def __init__(
            self,
            *,
            topic_id: uuid.UUID = ZERO_UUID,
            partitions: list[int] | None = None,
        ) -> None:
            self.topic_id = topic_id
            self.partitions = [] if partitions is None else partitions

    def __init__(
        self,
        *,
        group_id: str = '',
        member_id: str = '',
        member_epoch: int = 0,
        instance_id: str | None = None,
        rack_id: str | None = None,
        rebalance_timeout_ms: int = -1,
        subscribed_topic_names: list[str] | None = None,
        subscribed_topic_regex: str | None = None,
        server_assignor: str | None = None,
        topic_partitions: list[ConsumerGroupHeartbeatRequest.TopicPartitions] | None = None,
    ) -> None:
        self.group_id = group_id
        self.member_id = member_id
        self.member_epoch = member_epoch
        self.instance_id = instance_id
        self.rack_id = rack_id
        self.rebalance_timeout_ms = rebalance_timeout_ms
        self.subscribed_topic_names = subscribed_topic_names
        self.subscribed_topic_regex = subscribed_topic_regex
        self.server_assignor = server_assignor
        self.topic_partitions = topic_partitions


class ConsumerGroupHeartbeatResponse(Message):
    """ConsumerGroupHeartbeatResponse: API key 68, versions 0-1."""

    __slots__ = ('throttle_time_ms', 'error_code', 'error_message', 'member_id', 'member_epoch', 'heartbeat_interval_ms', 'assignment', )
    API_KEY: ClassVar[int] = 68
    API_NAME: ClassVar[str] = 'ConsumerGroupHeartbeat'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 1
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    error_code: int
    error_message: str | None
    member_id: str | None
    member_epoch: int
    heartbeat_interval_ms: int
    assignment: ConsumerGroupHeartbeatResponse.Assignment | None

    class Assignment(Struct):
        """Assignment, a struct of ConsumerGroupHeartbeatResponse."""

        __slots__ = ('topic_partitions', )

        topic_partitions: list[ConsumerGroupHeartbeatResponse.Assignment.TopicPartitions]

        class TopicPartitions(Struct):
            """TopicPartitions, a struct of ConsumerGroupHeartbeatResponse."""

            __slots__ = ('topic_id', 'partitions', )

            topic_id: uuid.UUID
            partitions: list[int]

            def __init__(
                self,
                *,
                topic_id: uuid.UUID = ZERO_UUID,
                partitions: list[int] | None = None,
            ) -> None:
                self.topic_id = topic_id
                self.partitions = [] if partitions is None else partitions

        def __init__(
            self,
            *,
            topic_partitions: list[ConsumerGroupHeartbeatResponse.Assignment.TopicPartitions] | None = None,
        ) -> None:
            self.topic_partitions = [] if topic_partitions is None else topic_partitions

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        error_code: int = 0,
        error_message: str | None = None,
        member_id: str | None = None,
        member_epoch: int = 0,
        heartbeat_interval_ms: int = 0,
        assignment: ConsumerGroupHeartbeatResponse.Assignment | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.error_code = error_code
        self.error_message = error_message
        self.member_id = member_id
        self.member_epoch = member_epoch
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.assignment = assignment


class ConsumerGroupDescribeRequest(Message):
    """ConsumerGroupDescribeRequest: API key 69, versions 0."""

    __slots__ = ('group_ids', 'include_authorized_operations', )
    API_KEY: ClassVar[int] = 69
    API_NAME: ClassVar[str] = 'ConsumerGroupDescribe'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    group_ids: list[str]
    include_authorized_operations: bool

    def __init__(
        self,
        *,
        group_ids: list[str] | None = None,
        include_authorized_operations: bool = False,
    ) -> None:
        self.group_ids = [] if group_ids is None else group_ids
        self.include_authorized_operations = include_authorized_operations


class ConsumerGroupDescribeResponse(Message):
    """ConsumerGroupDescribeResponse: API key 69, versions 0."""

    __slots__ = ('throttle_time_ms', 'groups', )
    API_KEY: ClassVar[int] = 69
    API_NAME: ClassVar[str] = 'ConsumerGroupDescribe'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    throttle_time_ms: int
    groups: list[ConsumerGroupDescribeResponse.DescribedGroup]

    class DescribedGroup(Struct):
        """DescribedGroup, a struct of ConsumerGroupDescribeResponse."""

        __slots__ = ('error_code', 'error_message', 'group_id', 'group_state', 'group_epoch', 'assignment_epoch', 'assignor_name', 'members', 'authorized_operations', )

        error_code: int
        error_message: str | None
        group_id: str
        group_state: str
        group_epoch: int
        assignment_epoch: int
        assignor_name: str
        members: list[ConsumerGroupDescribeResponse.DescribedGroup.Member]
        authorized_operations: int

        class Member(Struct):
            """Member, a struct of ConsumerGroupDescribeResponse."""

            __slots__ = ('member_id', 'instance_id', 'rack_id', 'member_epoch', 'client_id', 'client_host', 'subscribed_topic_names', 'subscribed_topic_regex', 'assignment', 'target_assignment', )

            member_id: str
            instance_id: str | None
            rack_id: str | None
            member_epoch: int
            client_id: str
            client_host: str
            subscribed_topic_names: list[str]
            subscribed_topic_regex: str | None
            assignment: ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment
            target_assignment: ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment

            class Assignment(Struct):
                """Assignment, a struct of ConsumerGroupDescribeResponse."""

                __slots__ = ('topic_partitions', )

                topic_partitions: list[ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment.TopicPartitions]

                class TopicPartitions(Struct):
                    """TopicPartitions, a struct of ConsumerGroupDescribeResponse."""

                    __slots__ = ('topic_id', 'topic_name', 'partitions', )

                    topic_id: uuid.UUID
                    topic_name: str
                    partitions: list[int]

                    def __init__(
                        self,
                        *,
                        topic_id: uuid.UUID = ZERO_UUID,
                        topic_name: str = '',
                        partitions: list[int] | None = None,
                    ) -> None:
                        self.topic_id = topic_id
                        self.topic_name = topic_name
                        self.partitions = [] if partitions is None else partitions

                def __init__(
                    self,
                    *,
                    topic_partitions: list[ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment.TopicPartitions] | None = None,
                ) -> None:
                    self.topic_partitions = [] if topic_partitions is None else topic_partitions

            class TargetAssignment(Struct):
                """TargetAssignment, a struct of ConsumerGroupDescribeResponse."""

                __slots__ = ('topic_partitions', )

                topic_partitions: list[ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment.TopicPartitions]

                class TopicPartitions(Struct):
                    """TopicPartitions, a struct of ConsumerGroupDescribeResponse."""

                    __slots__ = ('topic_id', 'topic_name', 'partitions', )

                    topic_id: uuid.UUID
                    topic_name: str
                    partitions: list[int]

                    def __init__(
                        self,
                        *,
                        topic_id: uuid.UUID = ZERO_UUID,
                        topic_name: str = '',
                        partitions: list[int] | None = None,
                    ) -> None:
                        self.topic_id = topic_id
                        self.topic_name = topic_name
                        self.partitions = [] if partitions is None else partitions

                def __init__(
                    self,
                    *,
                    topic_partitions: list[ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment.TopicPartitions] | None = None,
                ) -> None:
                    self.topic_partitions = [] if topic_partitions is None else topic_partitions

            def __init__(
                self,
                *,
                member_id: str = '',
                instance_id: str | None = None,
                rack_id: str | None = None,
                member_epoch: int = 0,
                client_id: str = '',
                client_host: str = '',
                subscribed_topic_names: list[str] | None = None,
                subscribed_topic_regex: str | None = None,
                assignment: ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment | None = None,
                target_assignment: ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment | None = None,
            ) -> None:
                self.member_id = member_id
                self.instance_id = instance_id
                self.rack_id = rack_id
                self.member_epoch = member_epoch
                self.client_id = client_id
                self.client_host = client_host
                self.subscribed_topic_names = [] if subscribed_topic_names is None else subscribed_topic_names
                self.subscribed_topic_regex = subscribed_topic_regex
                self.assignment = ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment() if assignment is None else assignment
                self.target_assignment = ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment() if target_assignment is None else target_assignment

        def __init__(
            self,
            *,
            error_code: int = 0,
            error_message: str | None = None,
            group_id: str = '',
            group_state: str = '',
            group_epoch: int = 0,
            assignment_epoch: int = 0,
            assignor_name: str = '',
            members: list[ConsumerGroupDescribeResponse.DescribedGroup.Member] | None = None,
            authorized_operations: int = -2147483648,
        ) -> None:
            self.error_code = error_code
            self.error_message = error_message
            self.group_id = group_id
            self.group_state = group_state
            self.group_epoch = group_epoch
            self.assignment_epoch = assignment_epoch
            self.assignor_name = assignor_name
            self.members = [] if members is None else members
            self.authorized_operations = authorized_operations

    def __init__(
        self,
        *,
        throttle_time_ms: int = 0,
        groups: list[ConsumerGroupDescribeResponse.DescribedGroup] | None = None,
    ) -> None:
        self.throttle_time_ms = throttle_time_ms
        self.groups = [] if groups is None else groups


class ConditionalProduceRequest(Message):
    """ConditionalProduceRequest: API key 32000, versions 0."""

    __slots__ = ('acks', 'timeout_ms', 'topic_data', )
    API_KEY: ClassVar[int] = 32000
    API_NAME: ClassVar[str] = 'ConditionalProduce'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    acks: int
    timeout_ms: int
    topic_data: list[ConditionalProduceRequest.TopicProduceData]

    class TopicProduceData(Struct):
        """TopicProduceData, a struct of ConditionalProduceRequest."""

        __slots__ = ('name', 'partition_data', )

        name: str
        partition_data: list[ConditionalProduceRequest.TopicProduceData.PartitionProduceData]

        class PartitionProduceData(Struct):
            """PartitionProduceData, a struct of ConditionalProduceRequest."""

            __slots__ = ('index', 'expected_offset', 'records', )

            index: int
            expected_offset: int
            records: Records

            def __init__(
                self,
                *,
                index: int = 0,
                expected_offset: int = 0,
                records: Records = None,
            ) -> None:
                self.index = index
                self.expected_offset = expected_offset
                self.records = records

        def __init__(
            self,
            *,
            name: str = '',
            partition_data: list[ConditionalProduceRequest.TopicProduceData.PartitionProduceData] | None = None,
        ) -> None:
            self.name = name
            self.partition_data = [] if partition_data is None else partition_data

    def __init__(
        self,
        *,
        acks: int = 0,
        timeout_ms: int = 0,
        topic_data: list[ConditionalProduceRequest.TopicProduceData] | None = None,
    ) -> None:
        self.acks = acks
        self.timeout_ms = timeout_ms
        self.topic_data = [] if topic_data is None else topic_data


class ConditionalProduceResponse(Message):
    """ConditionalProduceResponse: API key 32000, versions 0."""

    __slots__ = ('responses', 'throttle_time_ms', )
    API_KEY: ClassVar[int] = 32000
    API_NAME: ClassVar[str] = 'ConditionalProduce'
    MIN_VERSION: ClassVar[int] = 0
    MAX_VERSION: ClassVar[int] = 0
    FIRST_FLEXIBLE_VERSION: ClassVar[int | None] = 0

    responses: list[ConditionalProduceResponse.TopicProduceResponse]
    throttle_time_ms: int

    class TopicProduceResponse(Struct):
        """TopicProduceResponse, a struct of ConditionalProduceResponse."""

        __slots__ = ('name', 'partition_responses', )

        name: str
        partition_responses: list[ConditionalProduceResponse.TopicProduceResponse.PartitionProduceResponse]

        class PartitionProduceResponse(Struct):
            """PartitionProduceResponse, a struct of ConditionalProduceResponse."""

            __slots__ = ('index', 'error_code', 'base_offset', 'log_append_time_ms', 'log_start_offset', 'log_end_offset', 'error_message', )

            index: int
            error_code: int
            base_offset: int
            log_append_time_ms: int
            log_start_offset: int
            log_end_offset: int
            error_message: str | None

            def __init__(
                self,
                *,
                index: int = 0,
                error_code: int = 0,
                base_offset: int = 0,
                log_append_time_ms: int = -1,
                log_start_offset: int = -1,
                log_end_offset: int = -1,
                error_message: str | None = None,
            ) -> None:
                self.index = index
                self.error_code = error_code
                self.base_offset = base_offset
                self.log_append_time_ms = log_append_time_ms
                self.log_start_offset = log_start_offset
                self.log_end_offset = log_end_offset
                self.error_message = error_message

        def __init__(
            self,
            *,
            name: str = '',
            partition_responses: list[ConditionalProduceResponse.TopicProduceResponse.PartitionProduceResponse] | None = None,
        ) -> None:
            self.name = name
            self.partition_responses = [] if partition_responses is None else partition_responses

    def __init__(
        self,
        *,
        responses: list[ConditionalProduceResponse.TopicProduceResponse] | None = None,
        throttle_time_ms: int = 0,
    ) -> None:
        self.responses = [] if responses is None else responses
        self.throttle_time_ms = throttle_time_ms


def _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceRequest.TopicProduceData.PartitionProduceData)
    o.index, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.records, pos = read_bytes_view(buf, pos, compact=False)
    return o, pos

_d_ProduceRequest_TopicProduceData_PartitionProduceData_v1 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v2 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v3 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v4 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v5 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v6 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v7 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_d_ProduceRequest_TopicProduceData_PartitionProduceData_v8 = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0

def _d_ProduceRequest_TopicProduceData_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceRequest.TopicProduceData)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceRequest_TopicProduceData_PartitionProduceData_v0(buf, pos)
            lst.append(e)
        o.partition_data = lst
    return o, pos

_d_ProduceRequest_TopicProduceData_v1 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v2 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v3 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v4 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v5 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v6 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v7 = _d_ProduceRequest_TopicProduceData_v0
_d_ProduceRequest_TopicProduceData_v8 = _d_ProduceRequest_TopicProduceData_v0

def _d_ProduceRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceRequest)
    o.transactional_id = None
    o.acks, o.timeout_ms, = _S_hi.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topic_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceRequest_TopicProduceData_v0(buf, pos)
            lst.append(e)
        o.topic_data = lst
    return o, pos

_d_ProduceRequest_v1 = _d_ProduceRequest_v0
_d_ProduceRequest_v2 = _d_ProduceRequest_v0
def _d_ProduceRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    o.acks, o.timeout_ms, = _S_hi.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topic_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceRequest_TopicProduceData_v3(buf, pos)
            lst.append(e)
        o.topic_data = lst
    return o, pos

_d_ProduceRequest_v4 = _d_ProduceRequest_v3
_d_ProduceRequest_v5 = _d_ProduceRequest_v3
_d_ProduceRequest_v6 = _d_ProduceRequest_v3
_d_ProduceRequest_v7 = _d_ProduceRequest_v3
_d_ProduceRequest_v8 = _d_ProduceRequest_v3

def _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.index)
    write_records(out, refs, o.records, compact=False)

_e_ProduceRequest_TopicProduceData_PartitionProduceData_v1 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v2 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v3 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v4 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v5 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v6 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v7 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0
_e_ProduceRequest_TopicProduceData_PartitionProduceData_v8 = _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0

def _e_ProduceRequest_TopicProduceData_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceRequest_TopicProduceData_PartitionProduceData_v0(e, out, refs)

_e_ProduceRequest_TopicProduceData_v1 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v2 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v3 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v4 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v5 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v6 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v7 = _e_ProduceRequest_TopicProduceData_v0
_e_ProduceRequest_TopicProduceData_v8 = _e_ProduceRequest_TopicProduceData_v0

def _e_ProduceRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hi.pack(o.acks, o.timeout_ms)
    lst = o.topic_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceRequest_TopicProduceData_v0(e, out, refs)

_e_ProduceRequest_v1 = _e_ProduceRequest_v0
_e_ProduceRequest_v2 = _e_ProduceRequest_v0
def _e_ProduceRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    out += _S_hi.pack(o.acks, o.timeout_ms)
    lst = o.topic_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceRequest_TopicProduceData_v3(e, out, refs)

_e_ProduceRequest_v4 = _e_ProduceRequest_v3
_e_ProduceRequest_v5 = _e_ProduceRequest_v3
_e_ProduceRequest_v6 = _e_ProduceRequest_v3
_e_ProduceRequest_v7 = _e_ProduceRequest_v3
_e_ProduceRequest_v8 = _e_ProduceRequest_v3

def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse.BatchIndexAndErrorMessage)
    o.batch_index = 0
    o.batch_index_error_message = None
    return o, pos

_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v1 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v2 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v3 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v4 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v5 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v6 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v7 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse.BatchIndexAndErrorMessage)
    o.batch_index, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.batch_index_error_message, pos = read_string(buf, pos, compact=False)
    return o, pos


def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse)
    o.log_append_time_ms = -1
    o.log_start_offset = -1
    o.record_errors = []
    o.error_message = None
    o.index, o.error_code, o.base_offset, = _S_ihq.unpack_from(buf, pos)
    pos += 14
    return o, pos

_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v1 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0
def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse)
    o.log_start_offset = -1
    o.record_errors = []
    o.error_message = None
    o.index, o.error_code, o.base_offset, o.log_append_time_ms, = _S_ihqq.unpack_from(buf, pos)
    pos += 22
    return o, pos

_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v3 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v4 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2
def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse)
    o.record_errors = []
    o.error_message = None
    o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset, = _S_ihqqq.unpack_from(buf, pos)
    pos += 30
    return o, pos

_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v6 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5
_d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v7 = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5
def _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse.PartitionProduceResponse)
    o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset, = _S_ihqqq.unpack_from(buf, pos)
    pos += 30
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array record_errors')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v8(buf, pos)
            lst.append(e)
        o.record_errors = lst
    o.error_message, pos = read_string(buf, pos, compact=False)
    return o, pos


def _d_ProduceResponse_TopicProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(buf, pos)
            lst.append(e)
        o.partition_responses = lst
    return o, pos

_d_ProduceResponse_TopicProduceResponse_v1 = _d_ProduceResponse_TopicProduceResponse_v0
def _d_ProduceResponse_TopicProduceResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2(buf, pos)
            lst.append(e)
        o.partition_responses = lst
    return o, pos

_d_ProduceResponse_TopicProduceResponse_v3 = _d_ProduceResponse_TopicProduceResponse_v2
_d_ProduceResponse_TopicProduceResponse_v4 = _d_ProduceResponse_TopicProduceResponse_v2
def _d_ProduceResponse_TopicProduceResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5(buf, pos)
            lst.append(e)
        o.partition_responses = lst
    return o, pos

_d_ProduceResponse_TopicProduceResponse_v6 = _d_ProduceResponse_TopicProduceResponse_v5
_d_ProduceResponse_TopicProduceResponse_v7 = _d_ProduceResponse_TopicProduceResponse_v5
def _d_ProduceResponse_TopicProduceResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse.TopicProduceResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v8(buf, pos)
            lst.append(e)
        o.partition_responses = lst
    return o, pos


def _d_ProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse)
    o.throttle_time_ms = 0
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_v0(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

def _d_ProduceResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_v1(buf, pos)
            lst.append(e)
        o.responses = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_ProduceResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_v2(buf, pos)
            lst.append(e)
        o.responses = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_ProduceResponse_v3 = _d_ProduceResponse_v2
_d_ProduceResponse_v4 = _d_ProduceResponse_v2
def _d_ProduceResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_v5(buf, pos)
            lst.append(e)
        o.responses = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_ProduceResponse_v6 = _d_ProduceResponse_v5
_d_ProduceResponse_v7 = _d_ProduceResponse_v5
def _d_ProduceResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ProduceResponse)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ProduceResponse_TopicProduceResponse_v8(buf, pos)
            lst.append(e)
        o.responses = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos


def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v1 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v2 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v3 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v4 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v5 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v6 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v7 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v0
def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.batch_index)
    write_string(out, o.batch_index_error_message, compact=False)


def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihq.pack(o.index, o.error_code, o.base_offset)

_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v1 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0
def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqq.pack(o.index, o.error_code, o.base_offset, o.log_append_time_ms)

_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v3 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v4 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2
def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqq.pack(o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset)

_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v6 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5
_e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v7 = _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5
def _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqq.pack(o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset)
    lst = o.record_errors
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_BatchIndexAndErrorMessage_v8(e, out, refs)
    write_string(out, o.error_message, compact=False)


def _e_ProduceResponse_TopicProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(e, out, refs)

_e_ProduceResponse_TopicProduceResponse_v1 = _e_ProduceResponse_TopicProduceResponse_v0
def _e_ProduceResponse_TopicProduceResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v2(e, out, refs)

_e_ProduceResponse_TopicProduceResponse_v3 = _e_ProduceResponse_TopicProduceResponse_v2
_e_ProduceResponse_TopicProduceResponse_v4 = _e_ProduceResponse_TopicProduceResponse_v2
def _e_ProduceResponse_TopicProduceResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v5(e, out, refs)

_e_ProduceResponse_TopicProduceResponse_v6 = _e_ProduceResponse_TopicProduceResponse_v5
_e_ProduceResponse_TopicProduceResponse_v7 = _e_ProduceResponse_TopicProduceResponse_v5
def _e_ProduceResponse_TopicProduceResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_PartitionProduceResponse_v8(e, out, refs)


def _e_ProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_v0(e, out, refs)

def _e_ProduceResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_v1(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)

def _e_ProduceResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_v2(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)

_e_ProduceResponse_v3 = _e_ProduceResponse_v2
_e_ProduceResponse_v4 = _e_ProduceResponse_v2
def _e_ProduceResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_v5(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)

_e_ProduceResponse_v6 = _e_ProduceResponse_v5
_e_ProduceResponse_v7 = _e_ProduceResponse_v5
def _e_ProduceResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ProduceResponse_TopicProduceResponse_v8(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)


def _d_FetchRequest_ForgottenTopic_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.ForgottenTopic)
    o.topic = ''
    o.partitions = []
    return o, pos

_d_FetchRequest_ForgottenTopic_v5 = _d_FetchRequest_ForgottenTopic_v4
_d_FetchRequest_ForgottenTopic_v6 = _d_FetchRequest_ForgottenTopic_v4
def _d_FetchRequest_ForgottenTopic_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.ForgottenTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_FetchRequest_ForgottenTopic_v8 = _d_FetchRequest_ForgottenTopic_v7
_d_FetchRequest_ForgottenTopic_v9 = _d_FetchRequest_ForgottenTopic_v7
_d_FetchRequest_ForgottenTopic_v10 = _d_FetchRequest_ForgottenTopic_v7
_d_FetchRequest_ForgottenTopic_v11 = _d_FetchRequest_ForgottenTopic_v7

def _d_FetchRequest_FetchTopic_FetchPartition_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic.FetchPartition)
    o.current_leader_epoch = -1
    o.log_start_offset = -1
    o.partition, o.fetch_offset, o.partition_max_bytes, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    return o, pos

def _d_FetchRequest_FetchTopic_FetchPartition_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic.FetchPartition)
    o.current_leader_epoch = -1
    o.partition, o.fetch_offset, o.log_start_offset, o.partition_max_bytes, = _S_iqqi.unpack_from(buf, pos)
    pos += 24
    return o, pos

_d_FetchRequest_FetchTopic_FetchPartition_v6 = _d_FetchRequest_FetchTopic_FetchPartition_v5
_d_FetchRequest_FetchTopic_FetchPartition_v7 = _d_FetchRequest_FetchTopic_FetchPartition_v5
_d_FetchRequest_FetchTopic_FetchPartition_v8 = _d_FetchRequest_FetchTopic_FetchPartition_v5
def _d_FetchRequest_FetchTopic_FetchPartition_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic.FetchPartition)
    o.partition, o.current_leader_epoch, o.fetch_offset, o.log_start_offset, o.partition_max_bytes, = _S_iiqqi.unpack_from(buf, pos)
    pos += 28
    return o, pos

_d_FetchRequest_FetchTopic_FetchPartition_v10 = _d_FetchRequest_FetchTopic_FetchPartition_v9
_d_FetchRequest_FetchTopic_FetchPartition_v11 = _d_FetchRequest_FetchTopic_FetchPartition_v9

def _d_FetchRequest_FetchTopic_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_FetchPartition_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_FetchRequest_FetchTopic_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_FetchPartition_v5(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_FetchRequest_FetchTopic_v6 = _d_FetchRequest_FetchTopic_v5
_d_FetchRequest_FetchTopic_v7 = _d_FetchRequest_FetchTopic_v5
_d_FetchRequest_FetchTopic_v8 = _d_FetchRequest_FetchTopic_v5
def _d_FetchRequest_FetchTopic_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest.FetchTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_FetchPartition_v9(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_FetchRequest_FetchTopic_v10 = _d_FetchRequest_FetchTopic_v9
_d_FetchRequest_FetchTopic_v11 = _d_FetchRequest_FetchTopic_v9

def _d_FetchRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest)
    o.session_id = 0
    o.session_epoch = -1
    o.forgotten_topics_data = []
    o.rack_id = ''
    o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, = _S_iiiib.unpack_from(buf, pos)
    pos += 17
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_FetchRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest)
    o.session_id = 0
    o.session_epoch = -1
    o.forgotten_topics_data = []
    o.rack_id = ''
    o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, = _S_iiiib.unpack_from(buf, pos)
    pos += 17
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_FetchRequest_v6 = _d_FetchRequest_v5
def _d_FetchRequest_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest)
    o.rack_id = ''
    o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch, = _S_iiiibii.unpack_from(buf, pos)
    pos += 25
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_v7(buf, pos)
            lst.append(e)
        o.topics = lst
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array forgotten_topics_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_ForgottenTopic_v7(buf, pos)
            lst.append(e)
        o.forgotten_topics_data = lst
    return o, pos

_d_FetchRequest_v8 = _d_FetchRequest_v7
def _d_FetchRequest_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest)
    o.rack_id = ''
    o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch, = _S_iiiibii.unpack_from(buf, pos)
    pos += 25
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_v9(buf, pos)
            lst.append(e)
        o.topics = lst
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array forgotten_topics_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_ForgottenTopic_v9(buf, pos)
            lst.append(e)
        o.forgotten_topics_data = lst
    return o, pos

_d_FetchRequest_v10 = _d_FetchRequest_v9
def _d_FetchRequest_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchRequest)
    o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch, = _S_iiiibii.unpack_from(buf, pos)
    pos += 25
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_FetchTopic_v11(buf, pos)
            lst.append(e)
        o.topics = lst
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array forgotten_topics_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchRequest_ForgottenTopic_v11(buf, pos)
            lst.append(e)
        o.forgotten_topics_data = lst
    o.rack_id, pos = read_string(buf, pos, compact=False)
    if o.rack_id is None:
        raise DecodeError('null rack_id')
    return o, pos


def _e_FetchRequest_ForgottenTopic_v4(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_FetchRequest_ForgottenTopic_v5 = _e_FetchRequest_ForgottenTopic_v4
_e_FetchRequest_ForgottenTopic_v6 = _e_FetchRequest_ForgottenTopic_v4
def _e_FetchRequest_ForgottenTopic_v7(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_FetchRequest_ForgottenTopic_v8 = _e_FetchRequest_ForgottenTopic_v7
_e_FetchRequest_ForgottenTopic_v9 = _e_FetchRequest_ForgottenTopic_v7
_e_FetchRequest_ForgottenTopic_v10 = _e_FetchRequest_ForgottenTopic_v7
_e_FetchRequest_ForgottenTopic_v11 = _e_FetchRequest_ForgottenTopic_v7

def _e_FetchRequest_FetchTopic_FetchPartition_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition, o.fetch_offset, o.partition_max_bytes)

def _e_FetchRequest_FetchTopic_FetchPartition_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqqi.pack(o.partition, o.fetch_offset, o.log_start_offset, o.partition_max_bytes)

_e_FetchRequest_FetchTopic_FetchPartition_v6 = _e_FetchRequest_FetchTopic_FetchPartition_v5
_e_FetchRequest_FetchTopic_FetchPartition_v7 = _e_FetchRequest_FetchTopic_FetchPartition_v5
_e_FetchRequest_FetchTopic_FetchPartition_v8 = _e_FetchRequest_FetchTopic_FetchPartition_v5
def _e_FetchRequest_FetchTopic_FetchPartition_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiqqi.pack(o.partition, o.current_leader_epoch, o.fetch_offset, o.log_start_offset, o.partition_max_bytes)

_e_FetchRequest_FetchTopic_FetchPartition_v10 = _e_FetchRequest_FetchTopic_FetchPartition_v9
_e_FetchRequest_FetchTopic_FetchPartition_v11 = _e_FetchRequest_FetchTopic_FetchPartition_v9

def _e_FetchRequest_FetchTopic_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_FetchPartition_v4(e, out, refs)

def _e_FetchRequest_FetchTopic_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_FetchPartition_v5(e, out, refs)

_e_FetchRequest_FetchTopic_v6 = _e_FetchRequest_FetchTopic_v5
_e_FetchRequest_FetchTopic_v7 = _e_FetchRequest_FetchTopic_v5
_e_FetchRequest_FetchTopic_v8 = _e_FetchRequest_FetchTopic_v5
def _e_FetchRequest_FetchTopic_v9(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_FetchPartition_v9(e, out, refs)

_e_FetchRequest_FetchTopic_v10 = _e_FetchRequest_FetchTopic_v9
_e_FetchRequest_FetchTopic_v11 = _e_FetchRequest_FetchTopic_v9

def _e_FetchRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiiib.pack(o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_v4(e, out, refs)

def _e_FetchRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiiib.pack(o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_v5(e, out, refs)

_e_FetchRequest_v6 = _e_FetchRequest_v5
def _e_FetchRequest_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiiibii.pack(o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_v7(e, out, refs)
    lst = o.forgotten_topics_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_ForgottenTopic_v7(e, out, refs)

_e_FetchRequest_v8 = _e_FetchRequest_v7
def _e_FetchRequest_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiiibii.pack(o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_v9(e, out, refs)
    lst = o.forgotten_topics_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_ForgottenTopic_v9(e, out, refs)

_e_FetchRequest_v10 = _e_FetchRequest_v9
def _e_FetchRequest_v11(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiiibii.pack(o.replica_id, o.max_wait_ms, o.min_bytes, o.max_bytes, o.isolation_level, o.session_id, o.session_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_FetchTopic_v11(e, out, refs)
    lst = o.forgotten_topics_data
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchRequest_ForgottenTopic_v11(e, out, refs)
    write_string(out, o.rack_id, compact=False)


def _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse.PartitionData.AbortedTransaction)
    o.producer_id, o.first_offset, = _S_qq.unpack_from(buf, pos)
    pos += 16
    return o, pos

_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v5 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v6 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v7 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v8 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v9 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v10 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v11 = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4

def _d_FetchResponse_FetchableTopicResponse_PartitionData_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse.PartitionData)
    o.log_start_offset = -1
    o.preferred_read_replica = -1
    o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset, = _S_ihqq.unpack_from(buf, pos)
    pos += 22
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.aborted_transactions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4(buf, pos)
            lst.append(e)
        o.aborted_transactions = lst
    o.records, pos = read_bytes_view(buf, pos, compact=False)
    return o, pos

def _d_FetchResponse_FetchableTopicResponse_PartitionData_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse.PartitionData)
    o.preferred_read_replica = -1
    o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset, o.log_start_offset, = _S_ihqqq.unpack_from(buf, pos)
    pos += 30
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.aborted_transactions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v5(buf, pos)
            lst.append(e)
        o.aborted_transactions = lst
    o.records, pos = read_bytes_view(buf, pos, compact=False)
    return o, pos

_d_FetchResponse_FetchableTopicResponse_PartitionData_v6 = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5
_d_FetchResponse_FetchableTopicResponse_PartitionData_v7 = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5
_d_FetchResponse_FetchableTopicResponse_PartitionData_v8 = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5
_d_FetchResponse_FetchableTopicResponse_PartitionData_v9 = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5
_d_FetchResponse_FetchableTopicResponse_PartitionData_v10 = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5
def _d_FetchResponse_FetchableTopicResponse_PartitionData_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse.PartitionData)
    o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset, o.log_start_offset, = _S_ihqqq.unpack_from(buf, pos)
    pos += 30
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.aborted_transactions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v11(buf, pos)
            lst.append(e)
        o.aborted_transactions = lst
    o.preferred_read_replica, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.records, pos = read_bytes_view(buf, pos, compact=False)
    return o, pos


def _d_FetchResponse_FetchableTopicResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_FetchResponse_FetchableTopicResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_v5(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_FetchResponse_FetchableTopicResponse_v6 = _d_FetchResponse_FetchableTopicResponse_v5
_d_FetchResponse_FetchableTopicResponse_v7 = _d_FetchResponse_FetchableTopicResponse_v5
_d_FetchResponse_FetchableTopicResponse_v8 = _d_FetchResponse_FetchableTopicResponse_v5
_d_FetchResponse_FetchableTopicResponse_v9 = _d_FetchResponse_FetchableTopicResponse_v5
_d_FetchResponse_FetchableTopicResponse_v10 = _d_FetchResponse_FetchableTopicResponse_v5
def _d_FetchResponse_FetchableTopicResponse_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse.FetchableTopicResponse)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_PartitionData_v11(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos


def _d_FetchResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse)
    o.error_code = 0
    o.session_id = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_v4(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

def _d_FetchResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse)
    o.error_code = 0
    o.session_id = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_v5(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

_d_FetchResponse_v6 = _d_FetchResponse_v5
def _d_FetchResponse_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse)
    o.throttle_time_ms, o.error_code, o.session_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_v7(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

_d_FetchResponse_v8 = _d_FetchResponse_v7
_d_FetchResponse_v9 = _d_FetchResponse_v7
_d_FetchResponse_v10 = _d_FetchResponse_v7
def _d_FetchResponse_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FetchResponse)
    o.throttle_time_ms, o.error_code, o.session_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_FetchResponse_FetchableTopicResponse_v11(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos


def _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_qq.pack(o.producer_id, o.first_offset)

_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v5 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v6 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v7 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v8 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v9 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v10 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4
_e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v11 = _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4

def _e_FetchResponse_FetchableTopicResponse_PartitionData_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqq.pack(o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset)
    lst = o.aborted_transactions
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v4(e, out, refs)
    write_records(out, refs, o.records, compact=False)

def _e_FetchResponse_FetchableTopicResponse_PartitionData_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqq.pack(o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset, o.log_start_offset)
    lst = o.aborted_transactions
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v5(e, out, refs)
    write_records(out, refs, o.records, compact=False)

_e_FetchResponse_FetchableTopicResponse_PartitionData_v6 = _e_FetchResponse_FetchableTopicResponse_PartitionData_v5
_e_FetchResponse_FetchableTopicResponse_PartitionData_v7 = _e_FetchResponse_FetchableTopicResponse_PartitionData_v5
_e_FetchResponse_FetchableTopicResponse_PartitionData_v8 = _e_FetchResponse_FetchableTopicResponse_PartitionData_v5
_e_FetchResponse_FetchableTopicResponse_PartitionData_v9 = _e_FetchResponse_FetchableTopicResponse_PartitionData_v5
_e_FetchResponse_FetchableTopicResponse_PartitionData_v10 = _e_FetchResponse_FetchableTopicResponse_PartitionData_v5
def _e_FetchResponse_FetchableTopicResponse_PartitionData_v11(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqq.pack(o.partition_index, o.error_code, o.high_watermark, o.last_stable_offset, o.log_start_offset)
    lst = o.aborted_transactions
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_FetchResponse_FetchableTopicResponse_PartitionData_AbortedTransaction_v11(e, out, refs)
    out += _S_i.pack(o.preferred_read_replica)
    write_records(out, refs, o.records, compact=False)


def _e_FetchResponse_FetchableTopicResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_PartitionData_v4(e, out, refs)

def _e_FetchResponse_FetchableTopicResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_PartitionData_v5(e, out, refs)

_e_FetchResponse_FetchableTopicResponse_v6 = _e_FetchResponse_FetchableTopicResponse_v5
_e_FetchResponse_FetchableTopicResponse_v7 = _e_FetchResponse_FetchableTopicResponse_v5
_e_FetchResponse_FetchableTopicResponse_v8 = _e_FetchResponse_FetchableTopicResponse_v5
_e_FetchResponse_FetchableTopicResponse_v9 = _e_FetchResponse_FetchableTopicResponse_v5
_e_FetchResponse_FetchableTopicResponse_v10 = _e_FetchResponse_FetchableTopicResponse_v5
def _e_FetchResponse_FetchableTopicResponse_v11(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_PartitionData_v11(e, out, refs)


def _e_FetchResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_v4(e, out, refs)

def _e_FetchResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_v5(e, out, refs)

_e_FetchResponse_v6 = _e_FetchResponse_v5
def _e_FetchResponse_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.session_id)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_v7(e, out, refs)

_e_FetchResponse_v8 = _e_FetchResponse_v7
_e_FetchResponse_v9 = _e_FetchResponse_v7
_e_FetchResponse_v10 = _e_FetchResponse_v7
def _e_FetchResponse_v11(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.session_id)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_FetchResponse_FetchableTopicResponse_v11(e, out, refs)


def _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition)
    o.current_leader_epoch = -1
    o.partition_index, o.timestamp, = _S_iq.unpack_from(buf, pos)
    pos += 12
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v2 = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1
_d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v3 = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1
def _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition)
    o.partition_index, o.current_leader_epoch, o.timestamp, = _S_iiq.unpack_from(buf, pos)
    pos += 16
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v5 = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4
def _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic.ListOffsetsPartition)
    o.partition_index, o.current_leader_epoch, o.timestamp, = _S_iiq.unpack_from(buf, pos)
    pos += 16
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v7 = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6

def _d_ListOffsetsRequest_ListOffsetsTopic_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_v2 = _d_ListOffsetsRequest_ListOffsetsTopic_v1
_d_ListOffsetsRequest_ListOffsetsTopic_v3 = _d_ListOffsetsRequest_ListOffsetsTopic_v1
def _d_ListOffsetsRequest_ListOffsetsTopic_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_v5 = _d_ListOffsetsRequest_ListOffsetsTopic_v4
def _d_ListOffsetsRequest_ListOffsetsTopic_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest.ListOffsetsTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsRequest_ListOffsetsTopic_v7 = _d_ListOffsetsRequest_ListOffsetsTopic_v6

def _d_ListOffsetsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest)
    o.isolation_level = 0
    o.replica_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_ListOffsetsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest)
    o.replica_id, o.isolation_level, = _S_ib.unpack_from(buf, pos)
    pos += 5
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_ListOffsetsRequest_v3 = _d_ListOffsetsRequest_v2
def _d_ListOffsetsRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest)
    o.replica_id, o.isolation_level, = _S_ib.unpack_from(buf, pos)
    pos += 5
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_ListOffsetsRequest_v5 = _d_ListOffsetsRequest_v4
def _d_ListOffsetsRequest_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsRequest)
    o.replica_id, o.isolation_level, = _S_ib.unpack_from(buf, pos)
    pos += 5
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsRequest_ListOffsetsTopic_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsRequest_v7 = _d_ListOffsetsRequest_v6

def _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.timestamp)

_e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v2 = _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1
_e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v3 = _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1
def _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiq.pack(o.partition_index, o.current_leader_epoch, o.timestamp)

_e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v5 = _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4
def _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iiq.pack(o.partition_index, o.current_leader_epoch, o.timestamp)
    out.append(0)

_e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v7 = _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6

def _e_ListOffsetsRequest_ListOffsetsTopic_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v1(e, out, refs)

_e_ListOffsetsRequest_ListOffsetsTopic_v2 = _e_ListOffsetsRequest_ListOffsetsTopic_v1
_e_ListOffsetsRequest_ListOffsetsTopic_v3 = _e_ListOffsetsRequest_ListOffsetsTopic_v1
def _e_ListOffsetsRequest_ListOffsetsTopic_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v4(e, out, refs)

_e_ListOffsetsRequest_ListOffsetsTopic_v5 = _e_ListOffsetsRequest_ListOffsetsTopic_v4
def _e_ListOffsetsRequest_ListOffsetsTopic_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_ListOffsetsPartition_v6(e, out, refs)
    out.append(0)

_e_ListOffsetsRequest_ListOffsetsTopic_v7 = _e_ListOffsetsRequest_ListOffsetsTopic_v6

def _e_ListOffsetsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.replica_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_v1(e, out, refs)

def _e_ListOffsetsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ib.pack(o.replica_id, o.isolation_level)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_v2(e, out, refs)

_e_ListOffsetsRequest_v3 = _e_ListOffsetsRequest_v2
def _e_ListOffsetsRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ib.pack(o.replica_id, o.isolation_level)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_v4(e, out, refs)

_e_ListOffsetsRequest_v5 = _e_ListOffsetsRequest_v4
def _e_ListOffsetsRequest_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ib.pack(o.replica_id, o.isolation_level)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListOffsetsRequest_ListOffsetsTopic_v6(e, out, refs)
    out.append(0)

_e_ListOffsetsRequest_v7 = _e_ListOffsetsRequest_v6

def _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse)
    o.leader_epoch = -1
    o.partition_index, o.error_code, o.timestamp, o.offset, = _S_ihqq.unpack_from(buf, pos)
    pos += 22
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v2 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1
_d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v3 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1
def _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse)
    o.partition_index, o.error_code, o.timestamp, o.offset, o.leader_epoch, = _S_ihqqi.unpack_from(buf, pos)
    pos += 26
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v5 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4
def _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse.ListOffsetsPartitionResponse)
    o.partition_index, o.error_code, o.timestamp, o.offset, o.leader_epoch, = _S_ihqqi.unpack_from(buf, pos)
    pos += 26
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v7 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6

def _d_ListOffsetsResponse_ListOffsetsTopicResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_v2 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v1
_d_ListOffsetsResponse_ListOffsetsTopicResponse_v3 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v1
def _d_ListOffsetsResponse_ListOffsetsTopicResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_v5 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v4
def _d_ListOffsetsResponse_ListOffsetsTopicResponse_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse.ListOffsetsTopicResponse)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsResponse_ListOffsetsTopicResponse_v7 = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v6

def _d_ListOffsetsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse)
    o.throttle_time_ms = 0
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_ListOffsetsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_ListOffsetsResponse_v3 = _d_ListOffsetsResponse_v2
def _d_ListOffsetsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_ListOffsetsResponse_v5 = _d_ListOffsetsResponse_v4
def _d_ListOffsetsResponse_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListOffsetsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListOffsetsResponse_ListOffsetsTopicResponse_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListOffsetsResponse_v7 = _d_ListOffsetsResponse_v6

def _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqq.pack(o.partition_index, o.error_code, o.timestamp, o.offset)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v2 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1
_e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v3 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1
def _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqi.pack(o.partition_index, o.error_code, o.timestamp, o.offset, o.leader_epoch)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v5 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4
def _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqi.pack(o.partition_index, o.error_code, o.timestamp, o.offset, o.leader_epoch)
    out.append(0)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v7 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6

def _e_ListOffsetsResponse_ListOffsetsTopicResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v1(e, out, refs)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_v2 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_v1
_e_ListOffsetsResponse_ListOffsetsTopicResponse_v3 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_v1
def _e_ListOffsetsResponse_ListOffsetsTopicResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v4(e, out, refs)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_v5 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_v4
def _e_ListOffsetsResponse_ListOffsetsTopicResponse_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_ListOffsetsPartitionResponse_v6(e, out, refs)
    out.append(0)

_e_ListOffsetsResponse_ListOffsetsTopicResponse_v7 = _e_ListOffsetsResponse_ListOffsetsTopicResponse_v6

def _e_ListOffsetsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_v1(e, out, refs)

def _e_ListOffsetsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_v2(e, out, refs)

_e_ListOffsetsResponse_v3 = _e_ListOffsetsResponse_v2
def _e_ListOffsetsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_v4(e, out, refs)

_e_ListOffsetsResponse_v5 = _e_ListOffsetsResponse_v4
def _e_ListOffsetsResponse_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListOffsetsResponse_ListOffsetsTopicResponse_v6(e, out, refs)
    out.append(0)

_e_ListOffsetsResponse_v7 = _e_ListOffsetsResponse_v6

def _d_MetadataRequest_MetadataRequestTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest.MetadataRequestTopic)
    o.topic_id = ZERO_UUID
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    return o, pos

_d_MetadataRequest_MetadataRequestTopic_v1 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v2 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v3 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v4 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v5 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v6 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v7 = _d_MetadataRequest_MetadataRequestTopic_v0
_d_MetadataRequest_MetadataRequestTopic_v8 = _d_MetadataRequest_MetadataRequestTopic_v0
def _d_MetadataRequest_MetadataRequestTopic_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest.MetadataRequestTopic)
    o.topic_id = ZERO_UUID
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataRequest_MetadataRequestTopic_v10(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest.MetadataRequestTopic)
    o.topic_id, pos = read_uuid(buf, pos)
    o.name, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_MetadataRequest_MetadataRequestTopic_v11 = _d_MetadataRequest_MetadataRequestTopic_v10
_d_MetadataRequest_MetadataRequestTopic_v12 = _d_MetadataRequest_MetadataRequestTopic_v10

def _d_MetadataRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    o.allow_auto_topic_creation = True
    o.include_cluster_authorized_operations = False
    o.include_topic_authorized_operations = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_MetadataRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    o.allow_auto_topic_creation = True
    o.include_cluster_authorized_operations = False
    o.include_topic_authorized_operations = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_MetadataRequest_v2 = _d_MetadataRequest_v1
_d_MetadataRequest_v3 = _d_MetadataRequest_v1
def _d_MetadataRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    o.include_cluster_authorized_operations = False
    o.include_topic_authorized_operations = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    o.allow_auto_topic_creation, = _S_o.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_MetadataRequest_v5 = _d_MetadataRequest_v4
_d_MetadataRequest_v6 = _d_MetadataRequest_v4
_d_MetadataRequest_v7 = _d_MetadataRequest_v4
def _d_MetadataRequest_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v8(buf, pos)
            lst.append(e)
        o.topics = lst
    o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations, = _S_ooo.unpack_from(buf, pos)
    pos += 3
    return o, pos

def _d_MetadataRequest_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v9(buf, pos)
            lst.append(e)
        o.topics = lst
    o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations, = _S_ooo.unpack_from(buf, pos)
    pos += 3
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataRequest_v10(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v10(buf, pos)
            lst.append(e)
        o.topics = lst
    o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations, = _S_ooo.unpack_from(buf, pos)
    pos += 3
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataRequest_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataRequest)
    o.include_cluster_authorized_operations = False
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataRequest_MetadataRequestTopic_v11(buf, pos)
            lst.append(e)
        o.topics = lst
    o.allow_auto_topic_creation, o.include_topic_authorized_operations, = _S_oo.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_MetadataRequest_v12 = _d_MetadataRequest_v11

def _e_MetadataRequest_MetadataRequestTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)

_e_MetadataRequest_MetadataRequestTopic_v1 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v2 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v3 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v4 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v5 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v6 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v7 = _e_MetadataRequest_MetadataRequestTopic_v0
_e_MetadataRequest_MetadataRequestTopic_v8 = _e_MetadataRequest_MetadataRequestTopic_v0
def _e_MetadataRequest_MetadataRequestTopic_v9(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out.append(0)

def _e_MetadataRequest_MetadataRequestTopic_v10(o: Any, out: bytearray, refs: Refs) -> None:
    out += o.topic_id.bytes
    write_string(out, o.name, compact=True)
    out.append(0)

_e_MetadataRequest_MetadataRequestTopic_v11 = _e_MetadataRequest_MetadataRequestTopic_v10
_e_MetadataRequest_MetadataRequestTopic_v12 = _e_MetadataRequest_MetadataRequestTopic_v10

def _e_MetadataRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataRequest_MetadataRequestTopic_v0(e, out, refs)

def _e_MetadataRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v1(e, out, refs)

_e_MetadataRequest_v2 = _e_MetadataRequest_v1
_e_MetadataRequest_v3 = _e_MetadataRequest_v1
def _e_MetadataRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v4(e, out, refs)
    out += _S_o.pack(o.allow_auto_topic_creation)

_e_MetadataRequest_v5 = _e_MetadataRequest_v4
_e_MetadataRequest_v6 = _e_MetadataRequest_v4
_e_MetadataRequest_v7 = _e_MetadataRequest_v4
def _e_MetadataRequest_v8(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v8(e, out, refs)
    out += _S_ooo.pack(o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations)

def _e_MetadataRequest_v9(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v9(e, out, refs)
    out += _S_ooo.pack(o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations)
    out.append(0)

def _e_MetadataRequest_v10(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v10(e, out, refs)
    out += _S_ooo.pack(o.allow_auto_topic_creation, o.include_cluster_authorized_operations, o.include_topic_authorized_operations)
    out.append(0)

def _e_MetadataRequest_v11(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_MetadataRequest_MetadataRequestTopic_v11(e, out, refs)
    out += _S_oo.pack(o.allow_auto_topic_creation, o.include_topic_authorized_operations)
    out.append(0)

_e_MetadataRequest_v12 = _e_MetadataRequest_v11

def _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic.MetadataResponsePartition)
    o.leader_epoch = -1
    o.offline_replicas = []
    o.error_code, o.partition_index, o.leader_id, = _S_hii.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array replica_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array replica_nodes')
        o.replica_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array isr_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array isr_nodes')
        o.isr_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v1 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v2 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v3 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v4 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
def _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic.MetadataResponsePartition)
    o.leader_epoch = -1
    o.error_code, o.partition_index, o.leader_id, = _S_hii.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array replica_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array replica_nodes')
        o.replica_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array isr_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array isr_nodes')
        o.isr_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array offline_replicas')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array offline_replicas')
        o.offline_replicas = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v6 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5
def _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic.MetadataResponsePartition)
    o.error_code, o.partition_index, o.leader_id, o.leader_epoch, = _S_hiii.unpack_from(buf, pos)
    pos += 14
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array replica_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array replica_nodes')
        o.replica_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array isr_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array isr_nodes')
        o.isr_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array offline_replicas')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array offline_replicas')
        o.offline_replicas = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v8 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7
def _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic.MetadataResponsePartition)
    o.error_code, o.partition_index, o.leader_id, o.leader_epoch, = _S_hiii.unpack_from(buf, pos)
    pos += 14
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array replica_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array replica_nodes')
        o.replica_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array isr_nodes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array isr_nodes')
        o.isr_nodes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array offline_replicas')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array offline_replicas')
        o.offline_replicas = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v10 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9
_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v11 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9
_d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v12 = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9

def _d_MetadataResponse_MetadataResponseTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.is_internal = False
    o.topic_authorized_operations = -2147483648
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_MetadataResponse_MetadataResponseTopic_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.topic_authorized_operations = -2147483648
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_v2 = _d_MetadataResponse_MetadataResponseTopic_v1
_d_MetadataResponse_MetadataResponseTopic_v3 = _d_MetadataResponse_MetadataResponseTopic_v1
_d_MetadataResponse_MetadataResponseTopic_v4 = _d_MetadataResponse_MetadataResponseTopic_v1
def _d_MetadataResponse_MetadataResponseTopic_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.topic_authorized_operations = -2147483648
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_v6 = _d_MetadataResponse_MetadataResponseTopic_v5
def _d_MetadataResponse_MetadataResponseTopic_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.topic_authorized_operations = -2147483648
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_MetadataResponse_MetadataResponseTopic_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v8(buf, pos)
            lst.append(e)
        o.partitions = lst
    o.topic_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_MetadataResponse_MetadataResponseTopic_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.topic_id = ZERO_UUID
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9(buf, pos)
            lst.append(e)
        o.partitions = lst
    o.topic_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataResponse_MetadataResponseTopic_v10(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.topic_id, pos = read_uuid(buf, pos)
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v10(buf, pos)
            lst.append(e)
        o.partitions = lst
    o.topic_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_MetadataResponse_MetadataResponseTopic_v11 = _d_MetadataResponse_MetadataResponseTopic_v10
def _d_MetadataResponse_MetadataResponseTopic_v12(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseTopic)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.name, pos = read_string(buf, pos, compact=True)
    o.topic_id, pos = read_uuid(buf, pos)
    o.is_internal, = _S_o.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v12(buf, pos)
            lst.append(e)
        o.partitions = lst
    o.topic_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_MetadataResponse_MetadataResponseBroker_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseBroker)
    o.rack = None
    o.node_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_MetadataResponse_MetadataResponseBroker_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseBroker)
    o.node_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.rack, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_MetadataResponse_MetadataResponseBroker_v2 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v3 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v4 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v5 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v6 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v7 = _d_MetadataResponse_MetadataResponseBroker_v1
_d_MetadataResponse_MetadataResponseBroker_v8 = _d_MetadataResponse_MetadataResponseBroker_v1
def _d_MetadataResponse_MetadataResponseBroker_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse.MetadataResponseBroker)
    o.node_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.rack, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_MetadataResponse_MetadataResponseBroker_v10 = _d_MetadataResponse_MetadataResponseBroker_v9
_d_MetadataResponse_MetadataResponseBroker_v11 = _d_MetadataResponse_MetadataResponseBroker_v9
_d_MetadataResponse_MetadataResponseBroker_v12 = _d_MetadataResponse_MetadataResponseBroker_v9

def _d_MetadataResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms = 0
    o.cluster_id = None
    o.controller_id = -1
    o.cluster_authorized_operations = -2147483648
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v0(buf, pos)
            lst.append(e)
        o.brokers = lst
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_MetadataResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms = 0
    o.cluster_id = None
    o.cluster_authorized_operations = -2147483648
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v1(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_MetadataResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms = 0
    o.cluster_authorized_operations = -2147483648
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v2(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=False)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_MetadataResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.cluster_authorized_operations = -2147483648
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v3(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=False)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_MetadataResponse_v4 = _d_MetadataResponse_v3
def _d_MetadataResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.cluster_authorized_operations = -2147483648
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v5(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=False)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_MetadataResponse_v6 = _d_MetadataResponse_v5
def _d_MetadataResponse_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.cluster_authorized_operations = -2147483648
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v7(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=False)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v7(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_MetadataResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v8(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=False)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v8(buf, pos)
            lst.append(e)
        o.topics = lst
    o.cluster_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_MetadataResponse_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v9(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v9(buf, pos)
            lst.append(e)
        o.topics = lst
    o.cluster_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataResponse_v10(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v10(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v10(buf, pos)
            lst.append(e)
        o.topics = lst
    o.cluster_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataResponse_v11(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.cluster_authorized_operations = -2147483648
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v11(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v11(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_MetadataResponse_v12(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(MetadataResponse)
    o.cluster_authorized_operations = -2147483648
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseBroker_v12(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_MetadataResponse_MetadataResponseTopic_v12(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hii.pack(o.error_code, o.partition_index, o.leader_id)
    lst = o.replica_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.isr_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v1 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v2 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v3 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v4 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0
def _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hii.pack(o.error_code, o.partition_index, o.leader_id)
    lst = o.replica_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.isr_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.offline_replicas
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v6 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5
def _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hiii.pack(o.error_code, o.partition_index, o.leader_id, o.leader_epoch)
    lst = o.replica_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.isr_nodes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.offline_replicas
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v8 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7
def _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hiii.pack(o.error_code, o.partition_index, o.leader_id, o.leader_epoch)
    lst = o.replica_nodes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.isr_nodes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    lst = o.offline_replicas
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v10 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9
_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v11 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9
_e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v12 = _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9

def _e_MetadataResponse_MetadataResponseTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v0(e, out, refs)

def _e_MetadataResponse_MetadataResponseTopic_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=False)
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v1(e, out, refs)

_e_MetadataResponse_MetadataResponseTopic_v2 = _e_MetadataResponse_MetadataResponseTopic_v1
_e_MetadataResponse_MetadataResponseTopic_v3 = _e_MetadataResponse_MetadataResponseTopic_v1
_e_MetadataResponse_MetadataResponseTopic_v4 = _e_MetadataResponse_MetadataResponseTopic_v1
def _e_MetadataResponse_MetadataResponseTopic_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=False)
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v5(e, out, refs)

_e_MetadataResponse_MetadataResponseTopic_v6 = _e_MetadataResponse_MetadataResponseTopic_v5
def _e_MetadataResponse_MetadataResponseTopic_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=False)
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v7(e, out, refs)

def _e_MetadataResponse_MetadataResponseTopic_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=False)
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v8(e, out, refs)
    out += _S_i.pack(o.topic_authorized_operations)

def _e_MetadataResponse_MetadataResponseTopic_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=True)
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v9(e, out, refs)
    out += _S_i.pack(o.topic_authorized_operations)
    out.append(0)

def _e_MetadataResponse_MetadataResponseTopic_v10(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.name, compact=True)
    out += o.topic_id.bytes
    out += _S_o.pack(o.is_internal)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_MetadataResponsePartition_v10(e, out, refs)
    out += _S_i.pack(o.topic_authorized_operations)
    out.append(0)

_e_MetadataResponse_MetadataResponseTopic_v11 = _e_MetadataResponse_MetadataResponseTopic_v10
_e_MetadataResponse_MetadataResponseTopic_v12 = _e_MetadataResponse_MetadataResponseTopic_v10

def _e_MetadataResponse_MetadataResponseBroker_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.node_id)
    write_string(out, o.host, compact=False)
    out += _S_i.pack(o.port)

def _e_MetadataResponse_MetadataResponseBroker_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.node_id)
    write_string(out, o.host, compact=False)
    out += _S_i.pack(o.port)
    write_string(out, o.rack, compact=False)

_e_MetadataResponse_MetadataResponseBroker_v2 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v3 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v4 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v5 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v6 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v7 = _e_MetadataResponse_MetadataResponseBroker_v1
_e_MetadataResponse_MetadataResponseBroker_v8 = _e_MetadataResponse_MetadataResponseBroker_v1
def _e_MetadataResponse_MetadataResponseBroker_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.node_id)
    write_string(out, o.host, compact=True)
    out += _S_i.pack(o.port)
    write_string(out, o.rack, compact=True)
    out.append(0)

_e_MetadataResponse_MetadataResponseBroker_v10 = _e_MetadataResponse_MetadataResponseBroker_v9
_e_MetadataResponse_MetadataResponseBroker_v11 = _e_MetadataResponse_MetadataResponseBroker_v9
_e_MetadataResponse_MetadataResponseBroker_v12 = _e_MetadataResponse_MetadataResponseBroker_v9

def _e_MetadataResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v0(e, out, refs)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v0(e, out, refs)

def _e_MetadataResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v1(e, out, refs)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v1(e, out, refs)

def _e_MetadataResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v2(e, out, refs)
    write_string(out, o.cluster_id, compact=False)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v2(e, out, refs)

def _e_MetadataResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v3(e, out, refs)
    write_string(out, o.cluster_id, compact=False)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v3(e, out, refs)

_e_MetadataResponse_v4 = _e_MetadataResponse_v3
def _e_MetadataResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v5(e, out, refs)
    write_string(out, o.cluster_id, compact=False)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v5(e, out, refs)

_e_MetadataResponse_v6 = _e_MetadataResponse_v5
def _e_MetadataResponse_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v7(e, out, refs)
    write_string(out, o.cluster_id, compact=False)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v7(e, out, refs)

def _e_MetadataResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v8(e, out, refs)
    write_string(out, o.cluster_id, compact=False)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v8(e, out, refs)
    out += _S_i.pack(o.cluster_authorized_operations)

def _e_MetadataResponse_v9(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v9(e, out, refs)
    write_string(out, o.cluster_id, compact=True)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v9(e, out, refs)
    out += _S_i.pack(o.cluster_authorized_operations)
    out.append(0)

def _e_MetadataResponse_v10(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v10(e, out, refs)
    write_string(out, o.cluster_id, compact=True)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v10(e, out, refs)
    out += _S_i.pack(o.cluster_authorized_operations)
    out.append(0)

def _e_MetadataResponse_v11(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.brokers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseBroker_v11(e, out, refs)
    write_string(out, o.cluster_id, compact=True)
    out += _S_i.pack(o.controller_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_MetadataResponse_MetadataResponseTopic_v11(e, out, refs)
    out.append(0)

_e_MetadataResponse_v12 = _e_MetadataResponse_v11

def _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition)
    o.committed_leader_epoch = -1
    o.partition_index, o.committed_offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    o.committed_metadata, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v3 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
_d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v4 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
_d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v5 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
def _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.committed_metadata, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v7 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6
def _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic.OffsetCommitRequestPartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.committed_metadata, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v9 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8

def _d_OffsetCommitRequest_OffsetCommitRequestTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_v3 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v2
_d_OffsetCommitRequest_OffsetCommitRequestTopic_v4 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v2
_d_OffsetCommitRequest_OffsetCommitRequestTopic_v5 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v2
def _d_OffsetCommitRequest_OffsetCommitRequestTopic_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_v7 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v6
def _d_OffsetCommitRequest_OffsetCommitRequestTopic_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest.OffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitRequest_OffsetCommitRequestTopic_v9 = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v8

def _d_OffsetCommitRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest)
    o.group_instance_id = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id_or_member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.retention_time_ms, = _S_q.unpack_from(buf, pos)
    pos += 8
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_OffsetCommitRequest_v3 = _d_OffsetCommitRequest_v2
_d_OffsetCommitRequest_v4 = _d_OffsetCommitRequest_v2
def _d_OffsetCommitRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest)
    o.group_instance_id = None
    o.retention_time_ms = -1
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id_or_member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetCommitRequest_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest)
    o.group_instance_id = None
    o.retention_time_ms = -1
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id_or_member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetCommitRequest_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest)
    o.retention_time_ms = -1
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id_or_member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v7(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetCommitRequest_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitRequest)
    o.retention_time_ms = -1
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id_or_member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitRequest_OffsetCommitRequestTopic_v8(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitRequest_v9 = _d_OffsetCommitRequest_v8

def _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.committed_offset)
    write_string(out, o.committed_metadata, compact=False)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v3 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
_e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v4 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
_e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v5 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2
def _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.committed_metadata, compact=False)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v7 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6
def _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.committed_metadata, compact=True)
    out.append(0)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v9 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8

def _e_OffsetCommitRequest_OffsetCommitRequestTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v2(e, out, refs)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_v3 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_v2
_e_OffsetCommitRequest_OffsetCommitRequestTopic_v4 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_v2
_e_OffsetCommitRequest_OffsetCommitRequestTopic_v5 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_v2
def _e_OffsetCommitRequest_OffsetCommitRequestTopic_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v6(e, out, refs)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_v7 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_v6
def _e_OffsetCommitRequest_OffsetCommitRequestTopic_v8(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_OffsetCommitRequestPartition_v8(e, out, refs)
    out.append(0)

_e_OffsetCommitRequest_OffsetCommitRequestTopic_v9 = _e_OffsetCommitRequest_OffsetCommitRequestTopic_v8

def _e_OffsetCommitRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id_or_member_epoch)
    write_string(out, o.member_id, compact=False)
    out += _S_q.pack(o.retention_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_v2(e, out, refs)

_e_OffsetCommitRequest_v3 = _e_OffsetCommitRequest_v2
_e_OffsetCommitRequest_v4 = _e_OffsetCommitRequest_v2
def _e_OffsetCommitRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id_or_member_epoch)
    write_string(out, o.member_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_v5(e, out, refs)

def _e_OffsetCommitRequest_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id_or_member_epoch)
    write_string(out, o.member_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_v6(e, out, refs)

def _e_OffsetCommitRequest_v7(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id_or_member_epoch)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_v7(e, out, refs)

def _e_OffsetCommitRequest_v8(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_i.pack(o.generation_id_or_member_epoch)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetCommitRequest_OffsetCommitRequestTopic_v8(e, out, refs)
    out.append(0)

_e_OffsetCommitRequest_v9 = _e_OffsetCommitRequest_v8

def _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse.OffsetCommitResponseTopic.OffsetCommitResponsePartition)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v3 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v4 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v5 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v6 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v7 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
def _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse.OffsetCommitResponseTopic.OffsetCommitResponsePartition)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v9 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8

def _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse.OffsetCommitResponseTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetCommitResponse_OffsetCommitResponseTopic_v3 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_v4 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_v5 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_v6 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_d_OffsetCommitResponse_OffsetCommitResponseTopic_v7 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2
def _d_OffsetCommitResponse_OffsetCommitResponseTopic_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse.OffsetCommitResponseTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitResponse_OffsetCommitResponseTopic_v9 = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v8

def _d_OffsetCommitResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse)
    o.throttle_time_ms = 0
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetCommitResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_OffsetCommitResponse_v4 = _d_OffsetCommitResponse_v3
_d_OffsetCommitResponse_v5 = _d_OffsetCommitResponse_v3
_d_OffsetCommitResponse_v6 = _d_OffsetCommitResponse_v3
_d_OffsetCommitResponse_v7 = _d_OffsetCommitResponse_v3
def _d_OffsetCommitResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetCommitResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetCommitResponse_OffsetCommitResponseTopic_v8(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetCommitResponse_v9 = _d_OffsetCommitResponse_v8

def _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)

_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v3 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v4 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v5 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v6 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v7 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2
def _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)
    out.append(0)

_e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v9 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8

def _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v2(e, out, refs)

_e_OffsetCommitResponse_OffsetCommitResponseTopic_v3 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_v4 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_v5 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_v6 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2
_e_OffsetCommitResponse_OffsetCommitResponseTopic_v7 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2
def _e_OffsetCommitResponse_OffsetCommitResponseTopic_v8(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetCommitResponse_OffsetCommitResponseTopic_OffsetCommitResponsePartition_v8(e, out, refs)
    out.append(0)

_e_OffsetCommitResponse_OffsetCommitResponseTopic_v9 = _e_OffsetCommitResponse_OffsetCommitResponseTopic_v8

def _e_OffsetCommitResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitResponse_OffsetCommitResponseTopic_v2(e, out, refs)

def _e_OffsetCommitResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetCommitResponse_OffsetCommitResponseTopic_v3(e, out, refs)

_e_OffsetCommitResponse_v4 = _e_OffsetCommitResponse_v3
_e_OffsetCommitResponse_v5 = _e_OffsetCommitResponse_v3
_e_OffsetCommitResponse_v6 = _e_OffsetCommitResponse_v3
_e_OffsetCommitResponse_v7 = _e_OffsetCommitResponse_v3
def _e_OffsetCommitResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetCommitResponse_OffsetCommitResponseTopic_v8(e, out, refs)
    out.append(0)

_e_OffsetCommitResponse_v9 = _e_OffsetCommitResponse_v8

def _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup.OffsetFetchRequestTopics)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v2 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v3 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v4 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v5 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
def _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup.OffsetFetchRequestTopics)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v7 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6
_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v8 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6
_d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v9 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6

def _d_OffsetFetchRequest_OffsetFetchRequestGroup_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup)
    o.member_id = None
    o.member_epoch = -1
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestGroup_v2 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_v3 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_v4 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_d_OffsetFetchRequest_OffsetFetchRequestGroup_v5 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v1
def _d_OffsetFetchRequest_OffsetFetchRequestGroup_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup)
    o.member_id = None
    o.member_epoch = -1
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestGroup_v7 = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v6
def _d_OffsetFetchRequest_OffsetFetchRequestGroup_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup)
    o.member_id = None
    o.member_epoch = -1
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v8(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_OffsetFetchRequest_OffsetFetchRequestGroup_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestGroup)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.member_id, pos = read_string(buf, pos, compact=True)
    o.member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v9(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestTopic_v2 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_d_OffsetFetchRequest_OffsetFetchRequestTopic_v3 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_d_OffsetFetchRequest_OffsetFetchRequestTopic_v4 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_d_OffsetFetchRequest_OffsetFetchRequestTopic_v5 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1
def _d_OffsetFetchRequest_OffsetFetchRequestTopic_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest.OffsetFetchRequestTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchRequest_OffsetFetchRequestTopic_v7 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v6
_d_OffsetFetchRequest_OffsetFetchRequestTopic_v8 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v6
_d_OffsetFetchRequest_OffsetFetchRequestTopic_v9 = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v6

def _d_OffsetFetchRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.groups = []
    o.require_stable = False
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetFetchRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.groups = []
    o.require_stable = False
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_OffsetFetchRequest_v3 = _d_OffsetFetchRequest_v2
_d_OffsetFetchRequest_v4 = _d_OffsetFetchRequest_v2
_d_OffsetFetchRequest_v5 = _d_OffsetFetchRequest_v2
def _d_OffsetFetchRequest_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.groups = []
    o.require_stable = False
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_OffsetFetchRequest_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.groups = []
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestTopic_v7(buf, pos)
            lst.append(e)
        o.topics = lst
    o.require_stable, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_OffsetFetchRequest_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.group_id = ''
    o.topics = []
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v8(buf, pos)
            lst.append(e)
        o.groups = lst
    o.require_stable, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_OffsetFetchRequest_v9(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchRequest)
    o.group_id = ''
    o.topics = []
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchRequest_OffsetFetchRequestGroup_v9(buf, pos)
            lst.append(e)
        o.groups = lst
    o.require_stable, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v2 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v3 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v4 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v5 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1
def _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v7 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6
_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v8 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6
_e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v9 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6

def _e_OffsetFetchRequest_OffsetFetchRequestGroup_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v1(e, out, refs)

_e_OffsetFetchRequest_OffsetFetchRequestGroup_v2 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_v3 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_v4 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_v1
_e_OffsetFetchRequest_OffsetFetchRequestGroup_v5 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_v1
def _e_OffsetFetchRequest_OffsetFetchRequestGroup_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v6(e, out, refs)
    out.append(0)

_e_OffsetFetchRequest_OffsetFetchRequestGroup_v7 = _e_OffsetFetchRequest_OffsetFetchRequestGroup_v6
def _e_OffsetFetchRequest_OffsetFetchRequestGroup_v8(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v8(e, out, refs)
    out.append(0)

def _e_OffsetFetchRequest_OffsetFetchRequestGroup_v9(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.member_id, compact=True)
    out += _S_i.pack(o.member_epoch)
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_OffsetFetchRequest_OffsetFetchRequestGroup_OffsetFetchRequestTopics_v9(e, out, refs)
    out.append(0)


def _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_OffsetFetchRequest_OffsetFetchRequestTopic_v2 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_e_OffsetFetchRequest_OffsetFetchRequestTopic_v3 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_e_OffsetFetchRequest_OffsetFetchRequestTopic_v4 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1
_e_OffsetFetchRequest_OffsetFetchRequestTopic_v5 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1
def _e_OffsetFetchRequest_OffsetFetchRequestTopic_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_OffsetFetchRequest_OffsetFetchRequestTopic_v7 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v6
_e_OffsetFetchRequest_OffsetFetchRequestTopic_v8 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v6
_e_OffsetFetchRequest_OffsetFetchRequestTopic_v9 = _e_OffsetFetchRequest_OffsetFetchRequestTopic_v6

def _e_OffsetFetchRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchRequest_OffsetFetchRequestTopic_v1(e, out, refs)

def _e_OffsetFetchRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_OffsetFetchRequest_OffsetFetchRequestTopic_v2(e, out, refs)

_e_OffsetFetchRequest_v3 = _e_OffsetFetchRequest_v2
_e_OffsetFetchRequest_v4 = _e_OffsetFetchRequest_v2
_e_OffsetFetchRequest_v5 = _e_OffsetFetchRequest_v2
def _e_OffsetFetchRequest_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_OffsetFetchRequest_OffsetFetchRequestTopic_v6(e, out, refs)
    out.append(0)

def _e_OffsetFetchRequest_v7(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_OffsetFetchRequest_OffsetFetchRequestTopic_v7(e, out, refs)
    out += _S_o.pack(o.require_stable)
    out.append(0)

def _e_OffsetFetchRequest_v8(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchRequest_OffsetFetchRequestGroup_v8(e, out, refs)
    out += _S_o.pack(o.require_stable)
    out.append(0)

def _e_OffsetFetchRequest_v9(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchRequest_OffsetFetchRequestGroup_v9(e, out, refs)
    out += _S_o.pack(o.require_stable)
    out.append(0)


def _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics.OffsetFetchResponsePartitions)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.metadata, pos = read_string(buf, pos, compact=False)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v2 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v3 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v4 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v5 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
def _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics.OffsetFetchResponsePartitions)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.metadata, pos = read_string(buf, pos, compact=True)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v7 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v8 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v9 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6

def _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v2 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v3 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v4 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v5 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
def _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup.OffsetFetchResponseTopics)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v7 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v8 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v9 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6

def _d_OffsetFetchResponse_OffsetFetchResponseGroup_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup)
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_v2 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_v3 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_v4 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_d_OffsetFetchResponse_OffsetFetchResponseGroup_v5 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v1
def _d_OffsetFetchResponse_OffsetFetchResponseGroup_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseGroup)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseGroup_v7 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_v8 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v6
_d_OffsetFetchResponse_OffsetFetchResponseGroup_v9 = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v6

def _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition)
    o.committed_leader_epoch = -1
    o.partition_index, o.committed_offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    o.metadata, pos = read_string(buf, pos, compact=False)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v2 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v3 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v4 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
def _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.metadata, pos = read_string(buf, pos, compact=False)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic.OffsetFetchResponsePartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.metadata, pos = read_string(buf, pos, compact=True)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v7 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6
_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v8 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6
_d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v9 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6

def _d_OffsetFetchResponse_OffsetFetchResponseTopic_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseTopic_v2 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v1
_d_OffsetFetchResponse_OffsetFetchResponseTopic_v3 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v1
_d_OffsetFetchResponse_OffsetFetchResponseTopic_v4 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v1
def _d_OffsetFetchResponse_OffsetFetchResponseTopic_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v5(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_OffsetFetchResponse_OffsetFetchResponseTopic_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse.OffsetFetchResponseTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_OffsetFetchResponseTopic_v7 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v6
_d_OffsetFetchResponse_OffsetFetchResponseTopic_v8 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v6
_d_OffsetFetchResponse_OffsetFetchResponseTopic_v9 = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v6

def _d_OffsetFetchResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.throttle_time_ms = 0
    o.error_code = 0
    o.groups = []
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetFetchResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.throttle_time_ms = 0
    o.groups = []
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_OffsetFetchResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.groups = []
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_OffsetFetchResponse_v4 = _d_OffsetFetchResponse_v3
def _d_OffsetFetchResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.groups = []
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_OffsetFetchResponse_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.groups = []
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseTopic_v6(buf, pos)
            lst.append(e)
        o.topics = lst
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_v7 = _d_OffsetFetchResponse_v6
def _d_OffsetFetchResponse_v8(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetFetchResponse)
    o.topics = []
    o.error_code = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetFetchResponse_OffsetFetchResponseGroup_v8(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_OffsetFetchResponse_v9 = _d_OffsetFetchResponse_v8

def _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.metadata, compact=False)
    out += _S_h.pack(o.error_code)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v2 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v3 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v4 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v5 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1
def _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.metadata, compact=True)
    out += _S_h.pack(o.error_code)
    out.append(0)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v7 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v8 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v9 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6

def _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v1(e, out, refs)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v2 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v3 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v4 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v5 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1
def _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_OffsetFetchResponsePartitions_v6(e, out, refs)
    out.append(0)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v7 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v8 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v9 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6

def _e_OffsetFetchResponse_OffsetFetchResponseGroup_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v1(e, out, refs)
    out += _S_h.pack(o.error_code)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_v2 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_v3 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_v4 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v1
_e_OffsetFetchResponse_OffsetFetchResponseGroup_v5 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v1
def _e_OffsetFetchResponse_OffsetFetchResponseGroup_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseGroup_OffsetFetchResponseTopics_v6(e, out, refs)
    out += _S_h.pack(o.error_code)
    out.append(0)

_e_OffsetFetchResponse_OffsetFetchResponseGroup_v7 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_v8 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v6
_e_OffsetFetchResponse_OffsetFetchResponseGroup_v9 = _e_OffsetFetchResponse_OffsetFetchResponseGroup_v6

def _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.committed_offset)
    write_string(out, o.metadata, compact=False)
    out += _S_h.pack(o.error_code)

_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v2 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v3 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v4 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1
def _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.metadata, compact=False)
    out += _S_h.pack(o.error_code)

def _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.metadata, compact=True)
    out += _S_h.pack(o.error_code)
    out.append(0)

_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v7 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6
_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v8 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6
_e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v9 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6

def _e_OffsetFetchResponse_OffsetFetchResponseTopic_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v1(e, out, refs)

_e_OffsetFetchResponse_OffsetFetchResponseTopic_v2 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v1
_e_OffsetFetchResponse_OffsetFetchResponseTopic_v3 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v1
_e_OffsetFetchResponse_OffsetFetchResponseTopic_v4 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v1
def _e_OffsetFetchResponse_OffsetFetchResponseTopic_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v5(e, out, refs)

def _e_OffsetFetchResponse_OffsetFetchResponseTopic_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_OffsetFetchResponsePartition_v6(e, out, refs)
    out.append(0)

_e_OffsetFetchResponse_OffsetFetchResponseTopic_v7 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v6
_e_OffsetFetchResponse_OffsetFetchResponseTopic_v8 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v6
_e_OffsetFetchResponse_OffsetFetchResponseTopic_v9 = _e_OffsetFetchResponse_OffsetFetchResponseTopic_v6

def _e_OffsetFetchResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_v1(e, out, refs)

def _e_OffsetFetchResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_v2(e, out, refs)
    out += _S_h.pack(o.error_code)

def _e_OffsetFetchResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_v3(e, out, refs)
    out += _S_h.pack(o.error_code)

_e_OffsetFetchResponse_v4 = _e_OffsetFetchResponse_v3
def _e_OffsetFetchResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_v5(e, out, refs)
    out += _S_h.pack(o.error_code)

def _e_OffsetFetchResponse_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseTopic_v6(e, out, refs)
    out += _S_h.pack(o.error_code)
    out.append(0)

_e_OffsetFetchResponse_v7 = _e_OffsetFetchResponse_v6
def _e_OffsetFetchResponse_v8(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetFetchResponse_OffsetFetchResponseGroup_v8(e, out, refs)
    out.append(0)

_e_OffsetFetchResponse_v9 = _e_OffsetFetchResponse_v8

def _d_FindCoordinatorRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorRequest)
    o.key_type = 0
    o.key, pos = read_string(buf, pos, compact=False)
    if o.key is None:
        raise DecodeError('null key')
    return o, pos

def _d_FindCoordinatorRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorRequest)
    o.key, pos = read_string(buf, pos, compact=False)
    if o.key is None:
        raise DecodeError('null key')
    o.key_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_FindCoordinatorRequest_v2 = _d_FindCoordinatorRequest_v1
def _d_FindCoordinatorRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorRequest)
    o.key, pos = read_string(buf, pos, compact=True)
    if o.key is None:
        raise DecodeError('null key')
    o.key_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_FindCoordinatorRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.key, compact=False)

def _e_FindCoordinatorRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.key, compact=False)
    out += _S_b.pack(o.key_type)

_e_FindCoordinatorRequest_v2 = _e_FindCoordinatorRequest_v1
def _e_FindCoordinatorRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.key, compact=True)
    out += _S_b.pack(o.key_type)
    out.append(0)


def _d_FindCoordinatorResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorResponse)
    o.throttle_time_ms = 0
    o.error_message = ''
    o.error_code, o.node_id, = _S_hi.unpack_from(buf, pos)
    pos += 6
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_FindCoordinatorResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.node_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_FindCoordinatorResponse_v2 = _d_FindCoordinatorResponse_v1
def _d_FindCoordinatorResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(FindCoordinatorResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.node_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_FindCoordinatorResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hi.pack(o.error_code, o.node_id)
    write_string(out, o.host, compact=False)
    out += _S_i.pack(o.port)

def _e_FindCoordinatorResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_i.pack(o.node_id)
    write_string(out, o.host, compact=False)
    out += _S_i.pack(o.port)

_e_FindCoordinatorResponse_v2 = _e_FindCoordinatorResponse_v1
def _e_FindCoordinatorResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_i.pack(o.node_id)
    write_string(out, o.host, compact=True)
    out += _S_i.pack(o.port)
    out.append(0)


def _d_JoinGroupRequest_JoinGroupRequestProtocol_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest.JoinGroupRequestProtocol)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.metadata, pos = read_bytes(buf, pos, compact=False)
    if o.metadata is None:
        raise DecodeError('null metadata')
    return o, pos

_d_JoinGroupRequest_JoinGroupRequestProtocol_v1 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0
_d_JoinGroupRequest_JoinGroupRequestProtocol_v2 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0
_d_JoinGroupRequest_JoinGroupRequestProtocol_v3 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0
_d_JoinGroupRequest_JoinGroupRequestProtocol_v4 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0
_d_JoinGroupRequest_JoinGroupRequestProtocol_v5 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0
def _d_JoinGroupRequest_JoinGroupRequestProtocol_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest.JoinGroupRequestProtocol)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.metadata, pos = read_bytes(buf, pos, compact=True)
    if o.metadata is None:
        raise DecodeError('null metadata')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_JoinGroupRequest_JoinGroupRequestProtocol_v7 = _d_JoinGroupRequest_JoinGroupRequestProtocol_v6

def _d_JoinGroupRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest)
    o.rebalance_timeout_ms = -1
    o.group_instance_id = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.session_timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array protocols')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupRequest_JoinGroupRequestProtocol_v0(buf, pos)
            lst.append(e)
        o.protocols = lst
    return o, pos

def _d_JoinGroupRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest)
    o.group_instance_id = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.session_timeout_ms, o.rebalance_timeout_ms, = _S_ii.unpack_from(buf, pos)
    pos += 8
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array protocols')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupRequest_JoinGroupRequestProtocol_v1(buf, pos)
            lst.append(e)
        o.protocols = lst
    return o, pos

_d_JoinGroupRequest_v2 = _d_JoinGroupRequest_v1
_d_JoinGroupRequest_v3 = _d_JoinGroupRequest_v1
_d_JoinGroupRequest_v4 = _d_JoinGroupRequest_v1
def _d_JoinGroupRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest)
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.session_timeout_ms, o.rebalance_timeout_ms, = _S_ii.unpack_from(buf, pos)
    pos += 8
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array protocols')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupRequest_JoinGroupRequestProtocol_v5(buf, pos)
            lst.append(e)
        o.protocols = lst
    return o, pos

def _d_JoinGroupRequest_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupRequest)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.session_timeout_ms, o.rebalance_timeout_ms, = _S_ii.unpack_from(buf, pos)
    pos += 8
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array protocols')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupRequest_JoinGroupRequestProtocol_v6(buf, pos)
            lst.append(e)
        o.protocols = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_JoinGroupRequest_v7 = _d_JoinGroupRequest_v6

def _e_JoinGroupRequest_JoinGroupRequestProtocol_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_bytes(out, o.metadata, compact=False)

_e_JoinGroupRequest_JoinGroupRequestProtocol_v1 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v0
_e_JoinGroupRequest_JoinGroupRequestProtocol_v2 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v0
_e_JoinGroupRequest_JoinGroupRequestProtocol_v3 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v0
_e_JoinGroupRequest_JoinGroupRequestProtocol_v4 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v0
_e_JoinGroupRequest_JoinGroupRequestProtocol_v5 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v0
def _e_JoinGroupRequest_JoinGroupRequestProtocol_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_bytes(out, o.metadata, compact=True)
    out.append(0)

_e_JoinGroupRequest_JoinGroupRequestProtocol_v7 = _e_JoinGroupRequest_JoinGroupRequestProtocol_v6

def _e_JoinGroupRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.session_timeout_ms)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.protocol_type, compact=False)
    lst = o.protocols
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupRequest_JoinGroupRequestProtocol_v0(e, out, refs)

def _e_JoinGroupRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_ii.pack(o.session_timeout_ms, o.rebalance_timeout_ms)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.protocol_type, compact=False)
    lst = o.protocols
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupRequest_JoinGroupRequestProtocol_v1(e, out, refs)

_e_JoinGroupRequest_v2 = _e_JoinGroupRequest_v1
_e_JoinGroupRequest_v3 = _e_JoinGroupRequest_v1
_e_JoinGroupRequest_v4 = _e_JoinGroupRequest_v1
def _e_JoinGroupRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_ii.pack(o.session_timeout_ms, o.rebalance_timeout_ms)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    write_string(out, o.protocol_type, compact=False)
    lst = o.protocols
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupRequest_JoinGroupRequestProtocol_v5(e, out, refs)

def _e_JoinGroupRequest_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_ii.pack(o.session_timeout_ms, o.rebalance_timeout_ms)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    write_string(out, o.protocol_type, compact=True)
    lst = o.protocols
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_JoinGroupRequest_JoinGroupRequestProtocol_v6(e, out, refs)
    out.append(0)

_e_JoinGroupRequest_v7 = _e_JoinGroupRequest_v6

def _d_JoinGroupResponse_JoinGroupResponseMember_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse.JoinGroupResponseMember)
    o.group_instance_id = None
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.metadata, pos = read_bytes(buf, pos, compact=False)
    if o.metadata is None:
        raise DecodeError('null metadata')
    return o, pos

_d_JoinGroupResponse_JoinGroupResponseMember_v1 = _d_JoinGroupResponse_JoinGroupResponseMember_v0
_d_JoinGroupResponse_JoinGroupResponseMember_v2 = _d_JoinGroupResponse_JoinGroupResponseMember_v0
_d_JoinGroupResponse_JoinGroupResponseMember_v3 = _d_JoinGroupResponse_JoinGroupResponseMember_v0
_d_JoinGroupResponse_JoinGroupResponseMember_v4 = _d_JoinGroupResponse_JoinGroupResponseMember_v0
def _d_JoinGroupResponse_JoinGroupResponseMember_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse.JoinGroupResponseMember)
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    o.metadata, pos = read_bytes(buf, pos, compact=False)
    if o.metadata is None:
        raise DecodeError('null metadata')
    return o, pos

def _d_JoinGroupResponse_JoinGroupResponseMember_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse.JoinGroupResponseMember)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    o.metadata, pos = read_bytes(buf, pos, compact=True)
    if o.metadata is None:
        raise DecodeError('null metadata')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_JoinGroupResponse_JoinGroupResponseMember_v7 = _d_JoinGroupResponse_JoinGroupResponseMember_v6

def _d_JoinGroupResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse)
    o.throttle_time_ms = 0
    o.protocol_type = None
    o.error_code, o.generation_id, = _S_hi.unpack_from(buf, pos)
    pos += 6
    o.protocol_name, pos = read_string(buf, pos, compact=False)
    if o.protocol_name is None:
        raise DecodeError('null protocol_name')
    o.leader, pos = read_string(buf, pos, compact=False)
    if o.leader is None:
        raise DecodeError('null leader')
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupResponse_JoinGroupResponseMember_v0(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

_d_JoinGroupResponse_v1 = _d_JoinGroupResponse_v0
def _d_JoinGroupResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse)
    o.protocol_type = None
    o.throttle_time_ms, o.error_code, o.generation_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    o.protocol_name, pos = read_string(buf, pos, compact=False)
    if o.protocol_name is None:
        raise DecodeError('null protocol_name')
    o.leader, pos = read_string(buf, pos, compact=False)
    if o.leader is None:
        raise DecodeError('null leader')
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupResponse_JoinGroupResponseMember_v2(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

_d_JoinGroupResponse_v3 = _d_JoinGroupResponse_v2
_d_JoinGroupResponse_v4 = _d_JoinGroupResponse_v2
def _d_JoinGroupResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse)
    o.protocol_type = None
    o.throttle_time_ms, o.error_code, o.generation_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    o.protocol_name, pos = read_string(buf, pos, compact=False)
    if o.protocol_name is None:
        raise DecodeError('null protocol_name')
    o.leader, pos = read_string(buf, pos, compact=False)
    if o.leader is None:
        raise DecodeError('null leader')
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupResponse_JoinGroupResponseMember_v5(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

def _d_JoinGroupResponse_v6(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse)
    o.protocol_type = None
    o.throttle_time_ms, o.error_code, o.generation_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    o.protocol_name, pos = read_string(buf, pos, compact=True)
    if o.protocol_name is None:
        raise DecodeError('null protocol_name')
    o.leader, pos = read_string(buf, pos, compact=True)
    if o.leader is None:
        raise DecodeError('null leader')
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupResponse_JoinGroupResponseMember_v6(buf, pos)
            lst.append(e)
        o.members = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_JoinGroupResponse_v7(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(JoinGroupResponse)
    o.throttle_time_ms, o.error_code, o.generation_id, = _S_ihi.unpack_from(buf, pos)
    pos += 10
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    o.protocol_name, pos = read_string(buf, pos, compact=True)
    o.leader, pos = read_string(buf, pos, compact=True)
    if o.leader is None:
        raise DecodeError('null leader')
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_JoinGroupResponse_JoinGroupResponseMember_v7(buf, pos)
            lst.append(e)
        o.members = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_JoinGroupResponse_JoinGroupResponseMember_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_bytes(out, o.metadata, compact=False)

_e_JoinGroupResponse_JoinGroupResponseMember_v1 = _e_JoinGroupResponse_JoinGroupResponseMember_v0
_e_JoinGroupResponse_JoinGroupResponseMember_v2 = _e_JoinGroupResponse_JoinGroupResponseMember_v0
_e_JoinGroupResponse_JoinGroupResponseMember_v3 = _e_JoinGroupResponse_JoinGroupResponseMember_v0
_e_JoinGroupResponse_JoinGroupResponseMember_v4 = _e_JoinGroupResponse_JoinGroupResponseMember_v0
def _e_JoinGroupResponse_JoinGroupResponseMember_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    write_bytes(out, o.metadata, compact=False)

def _e_JoinGroupResponse_JoinGroupResponseMember_v6(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    write_bytes(out, o.metadata, compact=True)
    out.append(0)

_e_JoinGroupResponse_JoinGroupResponseMember_v7 = _e_JoinGroupResponse_JoinGroupResponseMember_v6

def _e_JoinGroupResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hi.pack(o.error_code, o.generation_id)
    write_string(out, o.protocol_name, compact=False)
    write_string(out, o.leader, compact=False)
    write_string(out, o.member_id, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupResponse_JoinGroupResponseMember_v0(e, out, refs)

_e_JoinGroupResponse_v1 = _e_JoinGroupResponse_v0
def _e_JoinGroupResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.generation_id)
    write_string(out, o.protocol_name, compact=False)
    write_string(out, o.leader, compact=False)
    write_string(out, o.member_id, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupResponse_JoinGroupResponseMember_v2(e, out, refs)

_e_JoinGroupResponse_v3 = _e_JoinGroupResponse_v2
_e_JoinGroupResponse_v4 = _e_JoinGroupResponse_v2
def _e_JoinGroupResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.generation_id)
    write_string(out, o.protocol_name, compact=False)
    write_string(out, o.leader, compact=False)
    write_string(out, o.member_id, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_JoinGroupResponse_JoinGroupResponseMember_v5(e, out, refs)

def _e_JoinGroupResponse_v6(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.generation_id)
    write_string(out, o.protocol_name, compact=True)
    write_string(out, o.leader, compact=True)
    write_string(out, o.member_id, compact=True)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_JoinGroupResponse_JoinGroupResponseMember_v6(e, out, refs)
    out.append(0)

def _e_JoinGroupResponse_v7(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihi.pack(o.throttle_time_ms, o.error_code, o.generation_id)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.protocol_name, compact=True)
    write_string(out, o.leader, compact=True)
    write_string(out, o.member_id, compact=True)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_JoinGroupResponse_JoinGroupResponseMember_v7(e, out, refs)
    out.append(0)


def _d_HeartbeatRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatRequest)
    o.group_instance_id = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    return o, pos

_d_HeartbeatRequest_v1 = _d_HeartbeatRequest_v0
_d_HeartbeatRequest_v2 = _d_HeartbeatRequest_v0
def _d_HeartbeatRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatRequest)
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    return o, pos

def _d_HeartbeatRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatRequest)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_HeartbeatRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=False)

_e_HeartbeatRequest_v1 = _e_HeartbeatRequest_v0
_e_HeartbeatRequest_v2 = _e_HeartbeatRequest_v0
def _e_HeartbeatRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)

def _e_HeartbeatRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    out.append(0)


def _d_HeartbeatResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatResponse)
    o.throttle_time_ms = 0
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_HeartbeatResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_HeartbeatResponse_v2 = _d_HeartbeatResponse_v1
_d_HeartbeatResponse_v3 = _d_HeartbeatResponse_v1
def _d_HeartbeatResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(HeartbeatResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_HeartbeatResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)

def _e_HeartbeatResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)

_e_HeartbeatResponse_v2 = _e_HeartbeatResponse_v1
_e_HeartbeatResponse_v3 = _e_HeartbeatResponse_v1
def _e_HeartbeatResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    out.append(0)


def _d_LeaveGroupRequest_MemberIdentity_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest.MemberIdentity)
    o.member_id = ''
    o.group_instance_id = None
    return o, pos

_d_LeaveGroupRequest_MemberIdentity_v1 = _d_LeaveGroupRequest_MemberIdentity_v0
_d_LeaveGroupRequest_MemberIdentity_v2 = _d_LeaveGroupRequest_MemberIdentity_v0
def _d_LeaveGroupRequest_MemberIdentity_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest.MemberIdentity)
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    return o, pos

def _d_LeaveGroupRequest_MemberIdentity_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest.MemberIdentity)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_LeaveGroupRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest)
    o.members = []
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    return o, pos

_d_LeaveGroupRequest_v1 = _d_LeaveGroupRequest_v0
_d_LeaveGroupRequest_v2 = _d_LeaveGroupRequest_v0
def _d_LeaveGroupRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest)
    o.member_id = ''
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_LeaveGroupRequest_MemberIdentity_v3(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

def _d_LeaveGroupRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupRequest)
    o.member_id = ''
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_LeaveGroupRequest_MemberIdentity_v4(buf, pos)
            lst.append(e)
        o.members = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_LeaveGroupRequest_MemberIdentity_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_LeaveGroupRequest_MemberIdentity_v1 = _e_LeaveGroupRequest_MemberIdentity_v0
_e_LeaveGroupRequest_MemberIdentity_v2 = _e_LeaveGroupRequest_MemberIdentity_v0
def _e_LeaveGroupRequest_MemberIdentity_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)

def _e_LeaveGroupRequest_MemberIdentity_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    out.append(0)


def _e_LeaveGroupRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    write_string(out, o.member_id, compact=False)

_e_LeaveGroupRequest_v1 = _e_LeaveGroupRequest_v0
_e_LeaveGroupRequest_v2 = _e_LeaveGroupRequest_v0
def _e_LeaveGroupRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_LeaveGroupRequest_MemberIdentity_v3(e, out, refs)

def _e_LeaveGroupRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_LeaveGroupRequest_MemberIdentity_v4(e, out, refs)
    out.append(0)


def _d_LeaveGroupResponse_MemberResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse.MemberResponse)
    o.member_id = ''
    o.group_instance_id = ''
    o.error_code = 0
    return o, pos

_d_LeaveGroupResponse_MemberResponse_v1 = _d_LeaveGroupResponse_MemberResponse_v0
_d_LeaveGroupResponse_MemberResponse_v2 = _d_LeaveGroupResponse_MemberResponse_v0
def _d_LeaveGroupResponse_MemberResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse.MemberResponse)
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_LeaveGroupResponse_MemberResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse.MemberResponse)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_LeaveGroupResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse)
    o.throttle_time_ms = 0
    o.members = []
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_LeaveGroupResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse)
    o.members = []
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_LeaveGroupResponse_v2 = _d_LeaveGroupResponse_v1
def _d_LeaveGroupResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_LeaveGroupResponse_MemberResponse_v3(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

def _d_LeaveGroupResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(LeaveGroupResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_LeaveGroupResponse_MemberResponse_v4(buf, pos)
            lst.append(e)
        o.members = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_LeaveGroupResponse_MemberResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_LeaveGroupResponse_MemberResponse_v1 = _e_LeaveGroupResponse_MemberResponse_v0
_e_LeaveGroupResponse_MemberResponse_v2 = _e_LeaveGroupResponse_MemberResponse_v0
def _e_LeaveGroupResponse_MemberResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    out += _S_h.pack(o.error_code)

def _e_LeaveGroupResponse_MemberResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    out += _S_h.pack(o.error_code)
    out.append(0)


def _e_LeaveGroupResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)

def _e_LeaveGroupResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)

_e_LeaveGroupResponse_v2 = _e_LeaveGroupResponse_v1
def _e_LeaveGroupResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_LeaveGroupResponse_MemberResponse_v3(e, out, refs)

def _e_LeaveGroupResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_LeaveGroupResponse_MemberResponse_v4(e, out, refs)
    out.append(0)


def _d_SyncGroupRequest_SyncGroupRequestAssignment_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest.SyncGroupRequestAssignment)
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.assignment, pos = read_bytes(buf, pos, compact=False)
    if o.assignment is None:
        raise DecodeError('null assignment')
    return o, pos

_d_SyncGroupRequest_SyncGroupRequestAssignment_v1 = _d_SyncGroupRequest_SyncGroupRequestAssignment_v0
_d_SyncGroupRequest_SyncGroupRequestAssignment_v2 = _d_SyncGroupRequest_SyncGroupRequestAssignment_v0
_d_SyncGroupRequest_SyncGroupRequestAssignment_v3 = _d_SyncGroupRequest_SyncGroupRequestAssignment_v0
def _d_SyncGroupRequest_SyncGroupRequestAssignment_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest.SyncGroupRequestAssignment)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.assignment, pos = read_bytes(buf, pos, compact=True)
    if o.assignment is None:
        raise DecodeError('null assignment')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_SyncGroupRequest_SyncGroupRequestAssignment_v5 = _d_SyncGroupRequest_SyncGroupRequestAssignment_v4

def _d_SyncGroupRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest)
    o.group_instance_id = None
    o.protocol_type = None
    o.protocol_name = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_SyncGroupRequest_SyncGroupRequestAssignment_v0(buf, pos)
            lst.append(e)
        o.assignments = lst
    return o, pos

_d_SyncGroupRequest_v1 = _d_SyncGroupRequest_v0
_d_SyncGroupRequest_v2 = _d_SyncGroupRequest_v0
def _d_SyncGroupRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest)
    o.protocol_type = None
    o.protocol_name = None
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_SyncGroupRequest_SyncGroupRequestAssignment_v3(buf, pos)
            lst.append(e)
        o.assignments = lst
    return o, pos

def _d_SyncGroupRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest)
    o.protocol_type = None
    o.protocol_name = None
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_SyncGroupRequest_SyncGroupRequestAssignment_v4(buf, pos)
            lst.append(e)
        o.assignments = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_SyncGroupRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupRequest)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.generation_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    o.protocol_name, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_SyncGroupRequest_SyncGroupRequestAssignment_v5(buf, pos)
            lst.append(e)
        o.assignments = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_SyncGroupRequest_SyncGroupRequestAssignment_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_bytes(out, o.assignment, compact=False)

_e_SyncGroupRequest_SyncGroupRequestAssignment_v1 = _e_SyncGroupRequest_SyncGroupRequestAssignment_v0
_e_SyncGroupRequest_SyncGroupRequestAssignment_v2 = _e_SyncGroupRequest_SyncGroupRequestAssignment_v0
_e_SyncGroupRequest_SyncGroupRequestAssignment_v3 = _e_SyncGroupRequest_SyncGroupRequestAssignment_v0
def _e_SyncGroupRequest_SyncGroupRequestAssignment_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_bytes(out, o.assignment, compact=True)
    out.append(0)

_e_SyncGroupRequest_SyncGroupRequestAssignment_v5 = _e_SyncGroupRequest_SyncGroupRequestAssignment_v4

def _e_SyncGroupRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=False)
    lst = o.assignments
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_SyncGroupRequest_SyncGroupRequestAssignment_v0(e, out, refs)

_e_SyncGroupRequest_v1 = _e_SyncGroupRequest_v0
_e_SyncGroupRequest_v2 = _e_SyncGroupRequest_v0
def _e_SyncGroupRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    lst = o.assignments
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_SyncGroupRequest_SyncGroupRequestAssignment_v3(e, out, refs)

def _e_SyncGroupRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    lst = o.assignments
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_SyncGroupRequest_SyncGroupRequestAssignment_v4(e, out, refs)
    out.append(0)

def _e_SyncGroupRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_i.pack(o.generation_id)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.protocol_name, compact=True)
    lst = o.assignments
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_SyncGroupRequest_SyncGroupRequestAssignment_v5(e, out, refs)
    out.append(0)


def _d_SyncGroupResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupResponse)
    o.throttle_time_ms = 0
    o.protocol_type = None
    o.protocol_name = None
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.assignment, pos = read_bytes(buf, pos, compact=False)
    if o.assignment is None:
        raise DecodeError('null assignment')
    return o, pos

def _d_SyncGroupResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupResponse)
    o.protocol_type = None
    o.protocol_name = None
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.assignment, pos = read_bytes(buf, pos, compact=False)
    if o.assignment is None:
        raise DecodeError('null assignment')
    return o, pos

_d_SyncGroupResponse_v2 = _d_SyncGroupResponse_v1
_d_SyncGroupResponse_v3 = _d_SyncGroupResponse_v1
def _d_SyncGroupResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupResponse)
    o.protocol_type = None
    o.protocol_name = None
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.assignment, pos = read_bytes(buf, pos, compact=True)
    if o.assignment is None:
        raise DecodeError('null assignment')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_SyncGroupResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SyncGroupResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    o.protocol_name, pos = read_string(buf, pos, compact=True)
    o.assignment, pos = read_bytes(buf, pos, compact=True)
    if o.assignment is None:
        raise DecodeError('null assignment')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_SyncGroupResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_bytes(out, o.assignment, compact=False)

def _e_SyncGroupResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_bytes(out, o.assignment, compact=False)

_e_SyncGroupResponse_v2 = _e_SyncGroupResponse_v1
_e_SyncGroupResponse_v3 = _e_SyncGroupResponse_v1
def _e_SyncGroupResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_bytes(out, o.assignment, compact=True)
    out.append(0)

def _e_SyncGroupResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.protocol_name, compact=True)
    write_bytes(out, o.assignment, compact=True)
    out.append(0)


def _d_DescribeGroupsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsRequest)
    o.include_authorized_operations = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.groups = lst
    return o, pos

_d_DescribeGroupsRequest_v1 = _d_DescribeGroupsRequest_v0
_d_DescribeGroupsRequest_v2 = _d_DescribeGroupsRequest_v0
def _d_DescribeGroupsRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.groups = lst
    o.include_authorized_operations, = _S_o.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_DescribeGroupsRequest_v4 = _d_DescribeGroupsRequest_v3
def _d_DescribeGroupsRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.groups = lst
    o.include_authorized_operations, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeGroupsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        write_string(out, e, compact=False)

_e_DescribeGroupsRequest_v1 = _e_DescribeGroupsRequest_v0
_e_DescribeGroupsRequest_v2 = _e_DescribeGroupsRequest_v0
def _e_DescribeGroupsRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        write_string(out, e, compact=False)
    out += _S_o.pack(o.include_authorized_operations)

_e_DescribeGroupsRequest_v4 = _e_DescribeGroupsRequest_v3
def _e_DescribeGroupsRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out += _S_o.pack(o.include_authorized_operations)
    out.append(0)


def _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup.DescribedGroupMember)
    o.group_instance_id = None
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.client_id, pos = read_string(buf, pos, compact=False)
    if o.client_id is None:
        raise DecodeError('null client_id')
    o.client_host, pos = read_string(buf, pos, compact=False)
    if o.client_host is None:
        raise DecodeError('null client_host')
    o.member_metadata, pos = read_bytes(buf, pos, compact=False)
    if o.member_metadata is None:
        raise DecodeError('null member_metadata')
    o.member_assignment, pos = read_bytes(buf, pos, compact=False)
    if o.member_assignment is None:
        raise DecodeError('null member_assignment')
    return o, pos

_d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v1 = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
_d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v2 = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
_d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v3 = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
def _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup.DescribedGroupMember)
    o.member_id, pos = read_string(buf, pos, compact=False)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=False)
    o.client_id, pos = read_string(buf, pos, compact=False)
    if o.client_id is None:
        raise DecodeError('null client_id')
    o.client_host, pos = read_string(buf, pos, compact=False)
    if o.client_host is None:
        raise DecodeError('null client_host')
    o.member_metadata, pos = read_bytes(buf, pos, compact=False)
    if o.member_metadata is None:
        raise DecodeError('null member_metadata')
    o.member_assignment, pos = read_bytes(buf, pos, compact=False)
    if o.member_assignment is None:
        raise DecodeError('null member_assignment')
    return o, pos

def _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup.DescribedGroupMember)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    o.client_id, pos = read_string(buf, pos, compact=True)
    if o.client_id is None:
        raise DecodeError('null client_id')
    o.client_host, pos = read_string(buf, pos, compact=True)
    if o.client_host is None:
        raise DecodeError('null client_host')
    o.member_metadata, pos = read_bytes(buf, pos, compact=True)
    if o.member_metadata is None:
        raise DecodeError('null member_metadata')
    o.member_assignment, pos = read_bytes(buf, pos, compact=True)
    if o.member_assignment is None:
        raise DecodeError('null member_assignment')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeGroupsResponse_DescribedGroup_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup)
    o.authorized_operations = -2147483648
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.group_state, pos = read_string(buf, pos, compact=False)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.protocol_data, pos = read_string(buf, pos, compact=False)
    if o.protocol_data is None:
        raise DecodeError('null protocol_data')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0(buf, pos)
            lst.append(e)
        o.members = lst
    return o, pos

_d_DescribeGroupsResponse_DescribedGroup_v1 = _d_DescribeGroupsResponse_DescribedGroup_v0
_d_DescribeGroupsResponse_DescribedGroup_v2 = _d_DescribeGroupsResponse_DescribedGroup_v0
def _d_DescribeGroupsResponse_DescribedGroup_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.group_state, pos = read_string(buf, pos, compact=False)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.protocol_data, pos = read_string(buf, pos, compact=False)
    if o.protocol_data is None:
        raise DecodeError('null protocol_data')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v3(buf, pos)
            lst.append(e)
        o.members = lst
    o.authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_DescribeGroupsResponse_DescribedGroup_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.group_state, pos = read_string(buf, pos, compact=False)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.protocol_data, pos = read_string(buf, pos, compact=False)
    if o.protocol_data is None:
        raise DecodeError('null protocol_data')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v4(buf, pos)
            lst.append(e)
        o.members = lst
    o.authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_DescribeGroupsResponse_DescribedGroup_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse.DescribedGroup)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.group_state, pos = read_string(buf, pos, compact=True)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.protocol_data, pos = read_string(buf, pos, compact=True)
    if o.protocol_data is None:
        raise DecodeError('null protocol_data')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v5(buf, pos)
            lst.append(e)
        o.members = lst
    o.authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeGroupsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse)
    o.throttle_time_ms = 0
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_v0(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

def _d_DescribeGroupsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_v1(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

_d_DescribeGroupsResponse_v2 = _d_DescribeGroupsResponse_v1
def _d_DescribeGroupsResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_v3(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

def _d_DescribeGroupsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_v4(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

def _d_DescribeGroupsResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeGroupsResponse_DescribedGroup_v5(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_string(out, o.client_id, compact=False)
    write_string(out, o.client_host, compact=False)
    write_bytes(out, o.member_metadata, compact=False)
    write_bytes(out, o.member_assignment, compact=False)

_e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v1 = _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
_e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v2 = _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
_e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v3 = _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0
def _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=False)
    write_string(out, o.group_instance_id, compact=False)
    write_string(out, o.client_id, compact=False)
    write_string(out, o.client_host, compact=False)
    write_bytes(out, o.member_metadata, compact=False)
    write_bytes(out, o.member_assignment, compact=False)

def _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    write_string(out, o.client_id, compact=True)
    write_string(out, o.client_host, compact=True)
    write_bytes(out, o.member_metadata, compact=True)
    write_bytes(out, o.member_assignment, compact=True)
    out.append(0)


def _e_DescribeGroupsResponse_DescribedGroup_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.group_id, compact=False)
    write_string(out, o.group_state, compact=False)
    write_string(out, o.protocol_type, compact=False)
    write_string(out, o.protocol_data, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v0(e, out, refs)

_e_DescribeGroupsResponse_DescribedGroup_v1 = _e_DescribeGroupsResponse_DescribedGroup_v0
_e_DescribeGroupsResponse_DescribedGroup_v2 = _e_DescribeGroupsResponse_DescribedGroup_v0
def _e_DescribeGroupsResponse_DescribedGroup_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.group_id, compact=False)
    write_string(out, o.group_state, compact=False)
    write_string(out, o.protocol_type, compact=False)
    write_string(out, o.protocol_data, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v3(e, out, refs)
    out += _S_i.pack(o.authorized_operations)

def _e_DescribeGroupsResponse_DescribedGroup_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.group_id, compact=False)
    write_string(out, o.group_state, compact=False)
    write_string(out, o.protocol_type, compact=False)
    write_string(out, o.protocol_data, compact=False)
    lst = o.members
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v4(e, out, refs)
    out += _S_i.pack(o.authorized_operations)

def _e_DescribeGroupsResponse_DescribedGroup_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.group_id, compact=True)
    write_string(out, o.group_state, compact=True)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.protocol_data, compact=True)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_DescribedGroupMember_v5(e, out, refs)
    out += _S_i.pack(o.authorized_operations)
    out.append(0)


def _e_DescribeGroupsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_v0(e, out, refs)

def _e_DescribeGroupsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_v1(e, out, refs)

_e_DescribeGroupsResponse_v2 = _e_DescribeGroupsResponse_v1
def _e_DescribeGroupsResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_v3(e, out, refs)

def _e_DescribeGroupsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_v4(e, out, refs)

def _e_DescribeGroupsResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeGroupsResponse_DescribedGroup_v5(e, out, refs)
    out.append(0)


def _d_ListGroupsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsRequest)
    o.states_filter = []
    o.types_filter = []
    return o, pos

_d_ListGroupsRequest_v1 = _d_ListGroupsRequest_v0
_d_ListGroupsRequest_v2 = _d_ListGroupsRequest_v0
def _d_ListGroupsRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsRequest)
    o.states_filter = []
    o.types_filter = []
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsRequest)
    o.types_filter = []
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array states_filter')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.states_filter = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array states_filter')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.states_filter = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array types_filter')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.types_filter = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ListGroupsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_ListGroupsRequest_v1 = _e_ListGroupsRequest_v0
_e_ListGroupsRequest_v2 = _e_ListGroupsRequest_v0
def _e_ListGroupsRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out.append(0)

def _e_ListGroupsRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.states_filter
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out.append(0)

def _e_ListGroupsRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.states_filter
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    lst = o.types_filter
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out.append(0)


def _d_ListGroupsResponse_ListedGroup_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse.ListedGroup)
    o.group_state = ''
    o.group_type = ''
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.protocol_type, pos = read_string(buf, pos, compact=False)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    return o, pos

_d_ListGroupsResponse_ListedGroup_v1 = _d_ListGroupsResponse_ListedGroup_v0
_d_ListGroupsResponse_ListedGroup_v2 = _d_ListGroupsResponse_ListedGroup_v0
def _d_ListGroupsResponse_ListedGroup_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse.ListedGroup)
    o.group_state = ''
    o.group_type = ''
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsResponse_ListedGroup_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse.ListedGroup)
    o.group_type = ''
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.group_state, pos = read_string(buf, pos, compact=True)
    if o.group_state is None:
        raise DecodeError('null group_state')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsResponse_ListedGroup_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse.ListedGroup)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.protocol_type, pos = read_string(buf, pos, compact=True)
    if o.protocol_type is None:
        raise DecodeError('null protocol_type')
    o.group_state, pos = read_string(buf, pos, compact=True)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.group_type, pos = read_string(buf, pos, compact=True)
    if o.group_type is None:
        raise DecodeError('null group_type')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ListGroupsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse)
    o.throttle_time_ms = 0
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListGroupsResponse_ListedGroup_v0(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

def _d_ListGroupsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListGroupsResponse_ListedGroup_v1(buf, pos)
            lst.append(e)
        o.groups = lst
    return o, pos

_d_ListGroupsResponse_v2 = _d_ListGroupsResponse_v1
def _d_ListGroupsResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListGroupsResponse_ListedGroup_v3(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListGroupsResponse_ListedGroup_v4(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListGroupsResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListGroupsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListGroupsResponse_ListedGroup_v5(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ListGroupsResponse_ListedGroup_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    write_string(out, o.protocol_type, compact=False)

_e_ListGroupsResponse_ListedGroup_v1 = _e_ListGroupsResponse_ListedGroup_v0
_e_ListGroupsResponse_ListedGroup_v2 = _e_ListGroupsResponse_ListedGroup_v0
def _e_ListGroupsResponse_ListedGroup_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.protocol_type, compact=True)
    out.append(0)

def _e_ListGroupsResponse_ListedGroup_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.group_state, compact=True)
    out.append(0)

def _e_ListGroupsResponse_ListedGroup_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.protocol_type, compact=True)
    write_string(out, o.group_state, compact=True)
    write_string(out, o.group_type, compact=True)
    out.append(0)


def _e_ListGroupsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListGroupsResponse_ListedGroup_v0(e, out, refs)

def _e_ListGroupsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.groups
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ListGroupsResponse_ListedGroup_v1(e, out, refs)

_e_ListGroupsResponse_v2 = _e_ListGroupsResponse_v1
def _e_ListGroupsResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListGroupsResponse_ListedGroup_v3(e, out, refs)
    out.append(0)

def _e_ListGroupsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListGroupsResponse_ListedGroup_v4(e, out, refs)
    out.append(0)

def _e_ListGroupsResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListGroupsResponse_ListedGroup_v5(e, out, refs)
    out.append(0)


def _d_SaslHandshakeRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslHandshakeRequest)
    o.mechanism, pos = read_string(buf, pos, compact=False)
    if o.mechanism is None:
        raise DecodeError('null mechanism')
    return o, pos

_d_SaslHandshakeRequest_v1 = _d_SaslHandshakeRequest_v0

def _e_SaslHandshakeRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.mechanism, compact=False)

_e_SaslHandshakeRequest_v1 = _e_SaslHandshakeRequest_v0

def _d_SaslHandshakeResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslHandshakeResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array mechanisms')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.mechanisms = lst
    return o, pos

_d_SaslHandshakeResponse_v1 = _d_SaslHandshakeResponse_v0

def _e_SaslHandshakeResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    lst = o.mechanisms
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        write_string(out, e, compact=False)

_e_SaslHandshakeResponse_v1 = _e_SaslHandshakeResponse_v0

def _d_ApiVersionsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsRequest)
    o.client_software_name = ''
    o.client_software_version = ''
    return o, pos

_d_ApiVersionsRequest_v1 = _d_ApiVersionsRequest_v0
_d_ApiVersionsRequest_v2 = _d_ApiVersionsRequest_v0
def _d_ApiVersionsRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsRequest)
    o.client_software_name, pos = read_string(buf, pos, compact=True)
    if o.client_software_name is None:
        raise DecodeError('null client_software_name')
    o.client_software_version, pos = read_string(buf, pos, compact=True)
    if o.client_software_version is None:
        raise DecodeError('null client_software_version')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ApiVersionsRequest_v4 = _d_ApiVersionsRequest_v3

def _e_ApiVersionsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_ApiVersionsRequest_v1 = _e_ApiVersionsRequest_v0
_e_ApiVersionsRequest_v2 = _e_ApiVersionsRequest_v0
def _e_ApiVersionsRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.client_software_name, compact=True)
    write_string(out, o.client_software_version, compact=True)
    out.append(0)

_e_ApiVersionsRequest_v4 = _e_ApiVersionsRequest_v3

def _d_ApiVersionsResponse_FinalizedFeatureKey_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.FinalizedFeatureKey)
    o.name = ''
    o.max_version_level = 0
    o.min_version_level = 0
    return o, pos

_d_ApiVersionsResponse_FinalizedFeatureKey_v1 = _d_ApiVersionsResponse_FinalizedFeatureKey_v0
_d_ApiVersionsResponse_FinalizedFeatureKey_v2 = _d_ApiVersionsResponse_FinalizedFeatureKey_v0
def _d_ApiVersionsResponse_FinalizedFeatureKey_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.FinalizedFeatureKey)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.max_version_level, o.min_version_level, = _S_hh.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ApiVersionsResponse_FinalizedFeatureKey_v4 = _d_ApiVersionsResponse_FinalizedFeatureKey_v3

def _d_ApiVersionsResponse_SupportedFeatureKey_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.SupportedFeatureKey)
    o.name = ''
    o.min_version = 0
    o.max_version = 0
    return o, pos

_d_ApiVersionsResponse_SupportedFeatureKey_v1 = _d_ApiVersionsResponse_SupportedFeatureKey_v0
_d_ApiVersionsResponse_SupportedFeatureKey_v2 = _d_ApiVersionsResponse_SupportedFeatureKey_v0
def _d_ApiVersionsResponse_SupportedFeatureKey_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.SupportedFeatureKey)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.min_version, o.max_version, = _S_hh.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ApiVersionsResponse_SupportedFeatureKey_v4 = _d_ApiVersionsResponse_SupportedFeatureKey_v3

def _d_ApiVersionsResponse_ApiVersion_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.ApiVersion)
    o.api_key, o.min_version, o.max_version, = _S_hhh.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_ApiVersionsResponse_ApiVersion_v1 = _d_ApiVersionsResponse_ApiVersion_v0
_d_ApiVersionsResponse_ApiVersion_v2 = _d_ApiVersionsResponse_ApiVersion_v0
def _d_ApiVersionsResponse_ApiVersion_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse.ApiVersion)
    o.api_key, o.min_version, o.max_version, = _S_hhh.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ApiVersionsResponse_ApiVersion_v4 = _d_ApiVersionsResponse_ApiVersion_v3

def _d_ApiVersionsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse)
    o.throttle_time_ms = 0
    o.supported_features = []
    o.finalized_features_epoch = -1
    o.finalized_features = []
    o.zk_migration_ready = False
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array api_keys')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ApiVersionsResponse_ApiVersion_v0(buf, pos)
            lst.append(e)
        o.api_keys = lst
    return o, pos

def _d_ApiVersionsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse)
    o.supported_features = []
    o.finalized_features_epoch = -1
    o.finalized_features = []
    o.zk_migration_ready = False
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array api_keys')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ApiVersionsResponse_ApiVersion_v1(buf, pos)
            lst.append(e)
        o.api_keys = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_ApiVersionsResponse_v2 = _d_ApiVersionsResponse_v1
def _d_ApiVersionsResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ApiVersionsResponse)
    o.supported_features = []
    o.finalized_features_epoch = -1
    o.finalized_features = []
    o.zk_migration_ready = False
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array api_keys')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ApiVersionsResponse_ApiVersion_v3(buf, pos)
            lst.append(e)
        o.api_keys = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    count, pos = read_uvarint(buf, pos)
    for _ in range(count):
        tag, size, pos = read_tagged_field_header(buf, pos)
        end = pos + size
        if tag == 0:
            n, pos = read_array_length(buf, pos, compact=True)
            if n < 0:
                raise DecodeError('null array supported_features')
            else:
                lst = []
                for _ in range(n):
                    e, pos = _d_ApiVersionsResponse_SupportedFeatureKey_v3(buf, pos)
                    lst.append(e)
                o.supported_features = lst
        elif tag == 1:
            o.finalized_features_epoch, = _S_q.unpack_from(buf, pos)
            pos += 8
        elif tag == 2:
            n, pos = read_array_length(buf, pos, compact=True)
            if n < 0:
                raise DecodeError('null array finalized_features')
            else:
                lst = []
                for _ in range(n):
                    e, pos = _d_ApiVersionsResponse_FinalizedFeatureKey_v3(buf, pos)
                    lst.append(e)
                o.finalized_features = lst
        elif tag == 3:
            o.zk_migration_ready, = _S_o.unpack_from(buf, pos)
            pos += 1
        pos = end
    return o, pos

_d_ApiVersionsResponse_v4 = _d_ApiVersionsResponse_v3

def _e_ApiVersionsResponse_FinalizedFeatureKey_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_ApiVersionsResponse_FinalizedFeatureKey_v1 = _e_ApiVersionsResponse_FinalizedFeatureKey_v0
_e_ApiVersionsResponse_FinalizedFeatureKey_v2 = _e_ApiVersionsResponse_FinalizedFeatureKey_v0
def _e_ApiVersionsResponse_FinalizedFeatureKey_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_hh.pack(o.max_version_level, o.min_version_level)
    out.append(0)

_e_ApiVersionsResponse_FinalizedFeatureKey_v4 = _e_ApiVersionsResponse_FinalizedFeatureKey_v3

def _e_ApiVersionsResponse_SupportedFeatureKey_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_ApiVersionsResponse_SupportedFeatureKey_v1 = _e_ApiVersionsResponse_SupportedFeatureKey_v0
_e_ApiVersionsResponse_SupportedFeatureKey_v2 = _e_ApiVersionsResponse_SupportedFeatureKey_v0
def _e_ApiVersionsResponse_SupportedFeatureKey_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_hh.pack(o.min_version, o.max_version)
    out.append(0)

_e_ApiVersionsResponse_SupportedFeatureKey_v4 = _e_ApiVersionsResponse_SupportedFeatureKey_v3

def _e_ApiVersionsResponse_ApiVersion_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hhh.pack(o.api_key, o.min_version, o.max_version)

_e_ApiVersionsResponse_ApiVersion_v1 = _e_ApiVersionsResponse_ApiVersion_v0
_e_ApiVersionsResponse_ApiVersion_v2 = _e_ApiVersionsResponse_ApiVersion_v0
def _e_ApiVersionsResponse_ApiVersion_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hhh.pack(o.api_key, o.min_version, o.max_version)
    out.append(0)

_e_ApiVersionsResponse_ApiVersion_v4 = _e_ApiVersionsResponse_ApiVersion_v3

def _e_ApiVersionsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    lst = o.api_keys
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ApiVersionsResponse_ApiVersion_v0(e, out, refs)

def _e_ApiVersionsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    lst = o.api_keys
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ApiVersionsResponse_ApiVersion_v1(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)

_e_ApiVersionsResponse_v2 = _e_ApiVersionsResponse_v1
def _e_ApiVersionsResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    lst = o.api_keys
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ApiVersionsResponse_ApiVersion_v3(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)
    tagged = []
    if o.supported_features:
        outer, out = out, bytearray()
        lst = o.supported_features
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_ApiVersionsResponse_SupportedFeatureKey_v3(e, out, refs)
        tagged.append((0, out))
        out = outer
    if o.finalized_features_epoch != -1:
        outer, out = out, bytearray()
        out += _S_q.pack(o.finalized_features_epoch)
        tagged.append((1, out))
        out = outer
    if o.finalized_features:
        outer, out = out, bytearray()
        lst = o.finalized_features
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_ApiVersionsResponse_FinalizedFeatureKey_v3(e, out, refs)
        tagged.append((2, out))
        out = outer
    if o.zk_migration_ready:
        outer, out = out, bytearray()
        out += _S_o.pack(o.zk_migration_ready)
        tagged.append((3, out))
        out = outer
    write_uvarint(out, len(tagged))
    for tag, data in tagged:
        write_uvarint(out, tag)
        write_uvarint(out, len(data))
        out += data

_e_ApiVersionsResponse_v4 = _e_ApiVersionsResponse_v3

def _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic.CreatableTopicConfig)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v3 = _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2
_d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v4 = _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2
def _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic.CreatableTopicConfig)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment)
    o.partition_index, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array broker_ids')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array broker_ids')
        o.broker_ids = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v3 = _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2
_d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v4 = _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2
def _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic.CreatableReplicaAssignment)
    o.partition_index, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array broker_ids')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array broker_ids')
        o.broker_ids = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_CreateTopicsRequest_CreatableTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.num_partitions, o.replication_factor, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2(buf, pos)
            lst.append(e)
        o.assignments = lst
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

_d_CreateTopicsRequest_CreatableTopic_v3 = _d_CreateTopicsRequest_CreatableTopic_v2
_d_CreateTopicsRequest_CreatableTopic_v4 = _d_CreateTopicsRequest_CreatableTopic_v2
def _d_CreateTopicsRequest_CreatableTopic_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest.CreatableTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.num_partitions, o.replication_factor, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array assignments')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v5(buf, pos)
            lst.append(e)
        o.assignments = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v5(buf, pos)
            lst.append(e)
        o.configs = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_CreateTopicsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, o.validate_only, = _S_io.unpack_from(buf, pos)
    pos += 5
    return o, pos

_d_CreateTopicsRequest_v3 = _d_CreateTopicsRequest_v2
_d_CreateTopicsRequest_v4 = _d_CreateTopicsRequest_v2
def _d_CreateTopicsRequest_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsRequest_CreatableTopic_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, o.validate_only, = _S_io.unpack_from(buf, pos)
    pos += 5
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)

_e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v3 = _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2
_e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v4 = _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2
def _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_string(out, o.value, compact=True)
    out.append(0)


def _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.partition_index)
    lst = o.broker_ids
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v3 = _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2
_e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v4 = _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2
def _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.partition_index)
    lst = o.broker_ids
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_CreateTopicsRequest_CreatableTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_ih.pack(o.num_partitions, o.replication_factor)
    lst = o.assignments
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v2(e, out, refs)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v2(e, out, refs)

_e_CreateTopicsRequest_CreatableTopic_v3 = _e_CreateTopicsRequest_CreatableTopic_v2
_e_CreateTopicsRequest_CreatableTopic_v4 = _e_CreateTopicsRequest_CreatableTopic_v2
def _e_CreateTopicsRequest_CreatableTopic_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_ih.pack(o.num_partitions, o.replication_factor)
    lst = o.assignments
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_CreatableReplicaAssignment_v5(e, out, refs)
    lst = o.configs
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_CreatableTopicConfig_v5(e, out, refs)
    out.append(0)


def _e_CreateTopicsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_v2(e, out, refs)
    out += _S_io.pack(o.timeout_ms, o.validate_only)

_e_CreateTopicsRequest_v3 = _e_CreateTopicsRequest_v2
_e_CreateTopicsRequest_v4 = _e_CreateTopicsRequest_v2
def _e_CreateTopicsRequest_v5(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateTopicsRequest_CreatableTopic_v5(e, out, refs)
    out += _S_io.pack(o.timeout_ms, o.validate_only)
    out.append(0)


def _d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse.CreatableTopicResult.CreatableTopicConfigs)
    o.name = ''
    o.value = ''
    o.read_only = False
    o.config_source = -1
    o.is_sensitive = False
    return o, pos

_d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v3 = _d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2
_d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v4 = _d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2
def _d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse.CreatableTopicResult.CreatableTopicConfigs)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=True)
    o.read_only, o.config_source, o.is_sensitive, = _S_obo.unpack_from(buf, pos)
    pos += 3
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_CreateTopicsResponse_CreatableTopicResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse.CreatableTopicResult)
    o.topic_config_error_code = 0
    o.num_partitions = -1
    o.replication_factor = -1
    o.configs = []
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_CreateTopicsResponse_CreatableTopicResult_v3 = _d_CreateTopicsResponse_CreatableTopicResult_v2
_d_CreateTopicsResponse_CreatableTopicResult_v4 = _d_CreateTopicsResponse_CreatableTopicResult_v2
def _d_CreateTopicsResponse_CreatableTopicResult_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse.CreatableTopicResult)
    o.topic_config_error_code = 0
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.num_partitions, o.replication_factor, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.configs = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v5(buf, pos)
            lst.append(e)
        o.configs = lst
    count, pos = read_uvarint(buf, pos)
    for _ in range(count):
        tag, size, pos = read_tagged_field_header(buf, pos)
        end = pos + size
        if tag == 0:
            o.topic_config_error_code, = _S_h.unpack_from(buf, pos)
            pos += 2
        pos = end
    return o, pos


def _d_CreateTopicsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsResponse_CreatableTopicResult_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_CreateTopicsResponse_v3 = _d_CreateTopicsResponse_v2
_d_CreateTopicsResponse_v4 = _d_CreateTopicsResponse_v2
def _d_CreateTopicsResponse_v5(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateTopicsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateTopicsResponse_CreatableTopicResult_v5(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v3 = _e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2
_e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v4 = _e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v2
def _e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_string(out, o.value, compact=True)
    out += _S_obo.pack(o.read_only, o.config_source, o.is_sensitive)
    out.append(0)


def _e_CreateTopicsResponse_CreatableTopicResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)

_e_CreateTopicsResponse_CreatableTopicResult_v3 = _e_CreateTopicsResponse_CreatableTopicResult_v2
_e_CreateTopicsResponse_CreatableTopicResult_v4 = _e_CreateTopicsResponse_CreatableTopicResult_v2
def _e_CreateTopicsResponse_CreatableTopicResult_v5(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_ih.pack(o.num_partitions, o.replication_factor)
    lst = o.configs
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_CreateTopicsResponse_CreatableTopicResult_CreatableTopicConfigs_v5(e, out, refs)
    tagged = []
    if o.topic_config_error_code != 0:
        outer, out = out, bytearray()
        out += _S_h.pack(o.topic_config_error_code)
        tagged.append((0, out))
        out = outer
    write_uvarint(out, len(tagged))
    for tag, data in tagged:
        write_uvarint(out, tag)
        write_uvarint(out, len(data))
        out += data


def _e_CreateTopicsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateTopicsResponse_CreatableTopicResult_v2(e, out, refs)

_e_CreateTopicsResponse_v3 = _e_CreateTopicsResponse_v2
_e_CreateTopicsResponse_v4 = _e_CreateTopicsResponse_v2
def _e_CreateTopicsResponse_v5(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateTopicsResponse_CreatableTopicResult_v5(e, out, refs)
    out.append(0)


def _d_DeleteTopicsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topic_names')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.topic_names = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_DeleteTopicsRequest_v2 = _d_DeleteTopicsRequest_v1
_d_DeleteTopicsRequest_v3 = _d_DeleteTopicsRequest_v1
def _d_DeleteTopicsRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_names')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.topic_names = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteTopicsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_names
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        write_string(out, e, compact=False)
    out += _S_i.pack(o.timeout_ms)

_e_DeleteTopicsRequest_v2 = _e_DeleteTopicsRequest_v1
_e_DeleteTopicsRequest_v3 = _e_DeleteTopicsRequest_v1
def _e_DeleteTopicsRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_names
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out += _S_i.pack(o.timeout_ms)
    out.append(0)


def _d_DeleteTopicsResponse_DeletableTopicResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsResponse.DeletableTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_DeleteTopicsResponse_DeletableTopicResult_v2 = _d_DeleteTopicsResponse_DeletableTopicResult_v1
_d_DeleteTopicsResponse_DeletableTopicResult_v3 = _d_DeleteTopicsResponse_DeletableTopicResult_v1
def _d_DeleteTopicsResponse_DeletableTopicResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsResponse.DeletableTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteTopicsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteTopicsResponse_DeletableTopicResult_v1(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

_d_DeleteTopicsResponse_v2 = _d_DeleteTopicsResponse_v1
_d_DeleteTopicsResponse_v3 = _d_DeleteTopicsResponse_v1
def _d_DeleteTopicsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteTopicsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteTopicsResponse_DeletableTopicResult_v4(buf, pos)
            lst.append(e)
        o.responses = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteTopicsResponse_DeletableTopicResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_h.pack(o.error_code)

_e_DeleteTopicsResponse_DeletableTopicResult_v2 = _e_DeleteTopicsResponse_DeletableTopicResult_v1
_e_DeleteTopicsResponse_DeletableTopicResult_v3 = _e_DeleteTopicsResponse_DeletableTopicResult_v1
def _e_DeleteTopicsResponse_DeletableTopicResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_h.pack(o.error_code)
    out.append(0)


def _e_DeleteTopicsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteTopicsResponse_DeletableTopicResult_v1(e, out, refs)

_e_DeleteTopicsResponse_v2 = _e_DeleteTopicsResponse_v1
_e_DeleteTopicsResponse_v3 = _e_DeleteTopicsResponse_v1
def _e_DeleteTopicsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteTopicsResponse_DeletableTopicResult_v4(e, out, refs)
    out.append(0)


def _d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition)
    o.partition_index, o.offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    return o, pos

_d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v1 = _d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0
def _d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest.DeleteRecordsTopic.DeleteRecordsPartition)
    o.partition_index, o.offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteRecordsRequest_DeleteRecordsTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest.DeleteRecordsTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_DeleteRecordsRequest_DeleteRecordsTopic_v1 = _d_DeleteRecordsRequest_DeleteRecordsTopic_v0
def _d_DeleteRecordsRequest_DeleteRecordsTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest.DeleteRecordsTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteRecordsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsRequest_DeleteRecordsTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_DeleteRecordsRequest_v1 = _d_DeleteRecordsRequest_v0
def _d_DeleteRecordsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsRequest_DeleteRecordsTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.offset)

_e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v1 = _e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0
def _e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.offset)
    out.append(0)


def _e_DeleteRecordsRequest_DeleteRecordsTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v0(e, out, refs)

_e_DeleteRecordsRequest_DeleteRecordsTopic_v1 = _e_DeleteRecordsRequest_DeleteRecordsTopic_v0
def _e_DeleteRecordsRequest_DeleteRecordsTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteRecordsRequest_DeleteRecordsTopic_DeleteRecordsPartition_v2(e, out, refs)
    out.append(0)


def _e_DeleteRecordsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteRecordsRequest_DeleteRecordsTopic_v0(e, out, refs)
    out += _S_i.pack(o.timeout_ms)

_e_DeleteRecordsRequest_v1 = _e_DeleteRecordsRequest_v0
def _e_DeleteRecordsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteRecordsRequest_DeleteRecordsTopic_v2(e, out, refs)
    out += _S_i.pack(o.timeout_ms)
    out.append(0)


def _d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse.DeleteRecordsTopicResult.DeleteRecordsPartitionResult)
    o.partition_index, o.low_watermark, o.error_code, = _S_iqh.unpack_from(buf, pos)
    pos += 14
    return o, pos

_d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v1 = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0
def _d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse.DeleteRecordsTopicResult.DeleteRecordsPartitionResult)
    o.partition_index, o.low_watermark, o.error_code, = _S_iqh.unpack_from(buf, pos)
    pos += 14
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteRecordsResponse_DeleteRecordsTopicResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse.DeleteRecordsTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_DeleteRecordsResponse_DeleteRecordsTopicResult_v1 = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_v0
def _d_DeleteRecordsResponse_DeleteRecordsTopicResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse.DeleteRecordsTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteRecordsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_DeleteRecordsResponse_v1 = _d_DeleteRecordsResponse_v0
def _d_DeleteRecordsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteRecordsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteRecordsResponse_DeleteRecordsTopicResult_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqh.pack(o.partition_index, o.low_watermark, o.error_code)

_e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v1 = _e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0
def _e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqh.pack(o.partition_index, o.low_watermark, o.error_code)
    out.append(0)


def _e_DeleteRecordsResponse_DeleteRecordsTopicResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v0(e, out, refs)

_e_DeleteRecordsResponse_DeleteRecordsTopicResult_v1 = _e_DeleteRecordsResponse_DeleteRecordsTopicResult_v0
def _e_DeleteRecordsResponse_DeleteRecordsTopicResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteRecordsResponse_DeleteRecordsTopicResult_DeleteRecordsPartitionResult_v2(e, out, refs)
    out.append(0)


def _e_DeleteRecordsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteRecordsResponse_DeleteRecordsTopicResult_v0(e, out, refs)

_e_DeleteRecordsResponse_v1 = _e_DeleteRecordsResponse_v0
def _e_DeleteRecordsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteRecordsResponse_DeleteRecordsTopicResult_v2(e, out, refs)
    out.append(0)


def _d_InitProducerIdRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(InitProducerIdRequest)
    o.producer_id = -1
    o.producer_epoch = -1
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    o.transaction_timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

_d_InitProducerIdRequest_v1 = _d_InitProducerIdRequest_v0
def _d_InitProducerIdRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(InitProducerIdRequest)
    o.producer_id = -1
    o.producer_epoch = -1
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    o.transaction_timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_InitProducerIdRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(InitProducerIdRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    o.transaction_timeout_ms, o.producer_id, o.producer_epoch, = _S_iqh.unpack_from(buf, pos)
    pos += 14
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_InitProducerIdRequest_v4 = _d_InitProducerIdRequest_v3

def _e_InitProducerIdRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    out += _S_i.pack(o.transaction_timeout_ms)

_e_InitProducerIdRequest_v1 = _e_InitProducerIdRequest_v0
def _e_InitProducerIdRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_i.pack(o.transaction_timeout_ms)
    out.append(0)

def _e_InitProducerIdRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_iqh.pack(o.transaction_timeout_ms, o.producer_id, o.producer_epoch)
    out.append(0)

_e_InitProducerIdRequest_v4 = _e_InitProducerIdRequest_v3

def _d_InitProducerIdResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(InitProducerIdResponse)
    o.throttle_time_ms, o.error_code, o.producer_id, o.producer_epoch, = _S_ihqh.unpack_from(buf, pos)
    pos += 16
    return o, pos

_d_InitProducerIdResponse_v1 = _d_InitProducerIdResponse_v0
def _d_InitProducerIdResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(InitProducerIdResponse)
    o.throttle_time_ms, o.error_code, o.producer_id, o.producer_epoch, = _S_ihqh.unpack_from(buf, pos)
    pos += 16
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_InitProducerIdResponse_v3 = _d_InitProducerIdResponse_v2
_d_InitProducerIdResponse_v4 = _d_InitProducerIdResponse_v2

def _e_InitProducerIdResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqh.pack(o.throttle_time_ms, o.error_code, o.producer_id, o.producer_epoch)

_e_InitProducerIdResponse_v1 = _e_InitProducerIdResponse_v0
def _e_InitProducerIdResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqh.pack(o.throttle_time_ms, o.error_code, o.producer_id, o.producer_epoch)
    out.append(0)

_e_InitProducerIdResponse_v3 = _e_InitProducerIdResponse_v2
_e_InitProducerIdResponse_v4 = _e_InitProducerIdResponse_v2

def _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition)
    o.partition, o.current_leader_epoch, o.leader_epoch, = _S_iii.unpack_from(buf, pos)
    pos += 12
    return o, pos

_d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v3 = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2
def _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest.OffsetForLeaderTopic.OffsetForLeaderPartition)
    o.partition, o.current_leader_epoch, o.leader_epoch, = _S_iii.unpack_from(buf, pos)
    pos += 12
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest.OffsetForLeaderTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v3 = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2
def _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest.OffsetForLeaderTopic)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_OffsetForLeaderEpochRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest)
    o.replica_id = -2
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetForLeaderEpochRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest)
    o.replica_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_OffsetForLeaderEpochRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochRequest)
    o.replica_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iii.pack(o.partition, o.current_leader_epoch, o.leader_epoch)

_e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v3 = _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2
def _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iii.pack(o.partition, o.current_leader_epoch, o.leader_epoch)
    out.append(0)


def _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v2(e, out, refs)

_e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v3 = _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2
def _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_OffsetForLeaderPartition_v4(e, out, refs)
    out.append(0)


def _e_OffsetForLeaderEpochRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v2(e, out, refs)

def _e_OffsetForLeaderEpochRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.replica_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v3(e, out, refs)

def _e_OffsetForLeaderEpochRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.replica_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetForLeaderEpochRequest_OffsetForLeaderTopic_v4(e, out, refs)
    out.append(0)


def _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset)
    o.error_code, o.partition, o.leader_epoch, o.end_offset, = _S_hiiq.unpack_from(buf, pos)
    pos += 18
    return o, pos

_d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v3 = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2
def _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult.EpochEndOffset)
    o.error_code, o.partition, o.leader_epoch, o.end_offset, = _S_hiiq.unpack_from(buf, pos)
    pos += 18
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v3 = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2
def _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v4(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_OffsetForLeaderEpochResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_OffsetForLeaderEpochResponse_v3 = _d_OffsetForLeaderEpochResponse_v2
def _d_OffsetForLeaderEpochResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetForLeaderEpochResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hiiq.pack(o.error_code, o.partition, o.leader_epoch, o.end_offset)

_e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v3 = _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2
def _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hiiq.pack(o.error_code, o.partition, o.leader_epoch, o.end_offset)
    out.append(0)


def _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v2(e, out, refs)

_e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v3 = _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2
def _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_EpochEndOffset_v4(e, out, refs)
    out.append(0)


def _e_OffsetForLeaderEpochResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v2(e, out, refs)

_e_OffsetForLeaderEpochResponse_v3 = _e_OffsetForLeaderEpochResponse_v2
def _e_OffsetForLeaderEpochResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_OffsetForLeaderEpochResponse_OffsetForLeaderTopicResult_v4(e, out, refs)
    out.append(0)


def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v1 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0
_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v2 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0
def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v4 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3
_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v5 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3

def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction.AddPartitionsToTxnTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v1 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0
_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v2 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0
def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction.AddPartitionsToTxnTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v4 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3
_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v5 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3

def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction)
    o.transactional_id = ''
    o.producer_id = 0
    o.producer_epoch = 0
    o.verify_only = False
    o.topics = []
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v1 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0
_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v2 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0
def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction)
    o.transactional_id = ''
    o.producer_id = 0
    o.producer_epoch = 0
    o.verify_only = False
    o.topics = []
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, o.producer_epoch, o.verify_only, = _S_qho.unpack_from(buf, pos)
    pos += 11
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v5 = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4

def _d_AddPartitionsToTxnRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest)
    o.transactions = []
    o.v3_and_below_transactional_id, pos = read_string(buf, pos, compact=False)
    if o.v3_and_below_transactional_id is None:
        raise DecodeError('null v3_and_below_transactional_id')
    o.v3_and_below_producer_id, o.v3_and_below_producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array v3_and_below_topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0(buf, pos)
            lst.append(e)
        o.v3_and_below_topics = lst
    return o, pos

_d_AddPartitionsToTxnRequest_v1 = _d_AddPartitionsToTxnRequest_v0
_d_AddPartitionsToTxnRequest_v2 = _d_AddPartitionsToTxnRequest_v0
def _d_AddPartitionsToTxnRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest)
    o.transactions = []
    o.v3_and_below_transactional_id, pos = read_string(buf, pos, compact=True)
    if o.v3_and_below_transactional_id is None:
        raise DecodeError('null v3_and_below_transactional_id')
    o.v3_and_below_producer_id, o.v3_and_below_producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array v3_and_below_topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3(buf, pos)
            lst.append(e)
        o.v3_and_below_topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_AddPartitionsToTxnRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnRequest)
    o.v3_and_below_transactional_id = ''
    o.v3_and_below_producer_id = 0
    o.v3_and_below_producer_epoch = 0
    o.v3_and_below_topics = []
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array transactions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4(buf, pos)
            lst.append(e)
        o.transactions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnRequest_v5 = _d_AddPartitionsToTxnRequest_v4

def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v1 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0
_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v2 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0
def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v4 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3
_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v5 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3

def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v1 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0
_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v2 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v0
def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v4 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3
_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v5 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v3

def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v1 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0
_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v2 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v0
def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out.append(0)

def _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_qho.pack(o.producer_id, o.producer_epoch, o.verify_only)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_AddPartitionsToTxnTopic_v4(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v5 = _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4

def _e_AddPartitionsToTxnRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.v3_and_below_transactional_id, compact=False)
    out += _S_qh.pack(o.v3_and_below_producer_id, o.v3_and_below_producer_epoch)
    lst = o.v3_and_below_topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v0(e, out, refs)

_e_AddPartitionsToTxnRequest_v1 = _e_AddPartitionsToTxnRequest_v0
_e_AddPartitionsToTxnRequest_v2 = _e_AddPartitionsToTxnRequest_v0
def _e_AddPartitionsToTxnRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.v3_and_below_transactional_id, compact=True)
    out += _S_qh.pack(o.v3_and_below_producer_id, o.v3_and_below_producer_epoch)
    lst = o.v3_and_below_topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTopic_v3(e, out, refs)
    out.append(0)

def _e_AddPartitionsToTxnRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.transactions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnRequest_AddPartitionsToTxnTransaction_v4(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnRequest_v5 = _e_AddPartitionsToTxnRequest_v4

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult)
    o.partition_index, o.partition_error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v1 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v2 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult)
    o.partition_index, o.partition_error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v4 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v5 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results_by_partition')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(buf, pos)
            lst.append(e)
        o.results_by_partition = lst
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v1 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v2 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0
def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results_by_partition')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(buf, pos)
            lst.append(e)
        o.results_by_partition = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v4 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v5 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult)
    o.partition_index, o.partition_error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v1 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v2 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult.AddPartitionsToTxnPartitionResult)
    o.partition_index, o.partition_error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v4 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v5 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results_by_partition')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(buf, pos)
            lst.append(e)
        o.results_by_partition = lst
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v1 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v2 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0
def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult.AddPartitionsToTxnTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results_by_partition')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(buf, pos)
            lst.append(e)
        o.results_by_partition = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v4 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v5 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult)
    o.transactional_id = ''
    o.topic_results = []
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v1 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0
_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v2 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0
def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult)
    o.transactional_id = ''
    o.topic_results = []
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse.AddPartitionsToTxnResult)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v4(buf, pos)
            lst.append(e)
        o.topic_results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v5 = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4

def _d_AddPartitionsToTxnResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse)
    o.error_code = 0
    o.results_by_transaction = []
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results_by_topic_v3_and_below')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0(buf, pos)
            lst.append(e)
        o.results_by_topic_v3_and_below = lst
    return o, pos

_d_AddPartitionsToTxnResponse_v1 = _d_AddPartitionsToTxnResponse_v0
_d_AddPartitionsToTxnResponse_v2 = _d_AddPartitionsToTxnResponse_v0
def _d_AddPartitionsToTxnResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse)
    o.error_code = 0
    o.results_by_transaction = []
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results_by_topic_v3_and_below')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3(buf, pos)
            lst.append(e)
        o.results_by_topic_v3_and_below = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_AddPartitionsToTxnResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddPartitionsToTxnResponse)
    o.results_by_topic_v3_and_below = []
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results_by_transaction')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4(buf, pos)
            lst.append(e)
        o.results_by_transaction = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_AddPartitionsToTxnResponse_v5 = _d_AddPartitionsToTxnResponse_v4

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.partition_error_code)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v1 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v2 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.partition_error_code)
    out.append(0)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v4 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v5 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.results_by_partition
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(e, out, refs)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v1 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v2 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0
def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.results_by_partition
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v4 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v5 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.partition_error_code)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v1 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v2 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0
def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.partition_error_code)
    out.append(0)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v4 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v5 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.results_by_partition
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v0(e, out, refs)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v1 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v2 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v0
def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.results_by_partition
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_AddPartitionsToTxnPartitionResult_v3(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v4 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v5 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v3

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v1 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0
_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v2 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v0
def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out.append(0)

def _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    lst = o.topic_results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_AddPartitionsToTxnTopicResult_v4(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v5 = _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4

def _e_AddPartitionsToTxnResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results_by_topic_v3_and_below
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v0(e, out, refs)

_e_AddPartitionsToTxnResponse_v1 = _e_AddPartitionsToTxnResponse_v0
_e_AddPartitionsToTxnResponse_v2 = _e_AddPartitionsToTxnResponse_v0
def _e_AddPartitionsToTxnResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results_by_topic_v3_and_below
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnTopicResult_v3(e, out, refs)
    out.append(0)

def _e_AddPartitionsToTxnResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.results_by_transaction
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AddPartitionsToTxnResponse_AddPartitionsToTxnResult_v4(e, out, refs)
    out.append(0)

_e_AddPartitionsToTxnResponse_v5 = _e_AddPartitionsToTxnResponse_v4

def _d_AddOffsetsToTxnRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddOffsetsToTxnRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, o.producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    return o, pos

_d_AddOffsetsToTxnRequest_v1 = _d_AddOffsetsToTxnRequest_v0
_d_AddOffsetsToTxnRequest_v2 = _d_AddOffsetsToTxnRequest_v0
def _d_AddOffsetsToTxnRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddOffsetsToTxnRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, o.producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AddOffsetsToTxnRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    out += _S_qh.pack(o.producer_id, o.producer_epoch)
    write_string(out, o.group_id, compact=False)

_e_AddOffsetsToTxnRequest_v1 = _e_AddOffsetsToTxnRequest_v0
_e_AddOffsetsToTxnRequest_v2 = _e_AddOffsetsToTxnRequest_v0
def _e_AddOffsetsToTxnRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_qh.pack(o.producer_id, o.producer_epoch)
    write_string(out, o.group_id, compact=True)
    out.append(0)


def _d_AddOffsetsToTxnResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddOffsetsToTxnResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_AddOffsetsToTxnResponse_v1 = _d_AddOffsetsToTxnResponse_v0
_d_AddOffsetsToTxnResponse_v2 = _d_AddOffsetsToTxnResponse_v0
def _d_AddOffsetsToTxnResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AddOffsetsToTxnResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AddOffsetsToTxnResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)

_e_AddOffsetsToTxnResponse_v1 = _e_AddOffsetsToTxnResponse_v0
_e_AddOffsetsToTxnResponse_v2 = _e_AddOffsetsToTxnResponse_v0
def _e_AddOffsetsToTxnResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    out.append(0)


def _d_EndTxnRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(EndTxnRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, o.producer_epoch, o.committed, = _S_qho.unpack_from(buf, pos)
    pos += 11
    return o, pos

_d_EndTxnRequest_v1 = _d_EndTxnRequest_v0
_d_EndTxnRequest_v2 = _d_EndTxnRequest_v0
def _d_EndTxnRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(EndTxnRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, o.producer_epoch, o.committed, = _S_qho.unpack_from(buf, pos)
    pos += 11
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_EndTxnRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    out += _S_qho.pack(o.producer_id, o.producer_epoch, o.committed)

_e_EndTxnRequest_v1 = _e_EndTxnRequest_v0
_e_EndTxnRequest_v2 = _e_EndTxnRequest_v0
def _e_EndTxnRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_qho.pack(o.producer_id, o.producer_epoch, o.committed)
    out.append(0)


def _d_EndTxnResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(EndTxnResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_EndTxnResponse_v1 = _d_EndTxnResponse_v0
_d_EndTxnResponse_v2 = _d_EndTxnResponse_v0
def _d_EndTxnResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(EndTxnResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_EndTxnResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)

_e_EndTxnResponse_v1 = _e_EndTxnResponse_v0
_e_EndTxnResponse_v2 = _e_EndTxnResponse_v0
def _e_EndTxnResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    out.append(0)


def _d_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

def _d_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest.WritableTxnMarker.WritableTxnMarkerTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_WriteTxnMarkersRequest_WritableTxnMarker_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest.WritableTxnMarker)
    o.producer_id, o.producer_epoch, o.transaction_result, = _S_qho.unpack_from(buf, pos)
    pos += 11
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    o.coordinator_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_WriteTxnMarkersRequest_WritableTxnMarker_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest.WritableTxnMarker)
    o.producer_id, o.producer_epoch, o.transaction_result, = _S_qho.unpack_from(buf, pos)
    pos += 11
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    o.coordinator_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_WriteTxnMarkersRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array markers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersRequest_WritableTxnMarker_v0(buf, pos)
            lst.append(e)
        o.markers = lst
    return o, pos

def _d_WriteTxnMarkersRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array markers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersRequest_WritableTxnMarker_v1(buf, pos)
            lst.append(e)
        o.markers = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

def _e_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_WriteTxnMarkersRequest_WritableTxnMarker_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_qho.pack(o.producer_id, o.producer_epoch, o.transaction_result)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v0(e, out, refs)
    out += _S_i.pack(o.coordinator_epoch)

def _e_WriteTxnMarkersRequest_WritableTxnMarker_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_qho.pack(o.producer_id, o.producer_epoch, o.transaction_result)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_WriteTxnMarkersRequest_WritableTxnMarker_WritableTxnMarkerTopic_v1(e, out, refs)
    out += _S_i.pack(o.coordinator_epoch)
    out.append(0)


def _e_WriteTxnMarkersRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.markers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_WriteTxnMarkersRequest_WritableTxnMarker_v0(e, out, refs)

def _e_WriteTxnMarkersRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.markers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_WriteTxnMarkersRequest_WritableTxnMarker_v1(e, out, refs)
    out.append(0)


def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult.WritableTxnMarkerPartitionResult)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult.WritableTxnMarkerPartitionResult)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult.WritableTxnMarkerTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v1(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult)
    o.producer_id, = _S_q.unpack_from(buf, pos)
    pos += 8
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse.WritableTxnMarkerResult)
    o.producer_id, = _S_q.unpack_from(buf, pos)
    pos += 8
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v1(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_WriteTxnMarkersResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array markers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_v0(buf, pos)
            lst.append(e)
        o.markers = lst
    return o, pos

def _d_WriteTxnMarkersResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(WriteTxnMarkersResponse)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array markers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_WriteTxnMarkersResponse_WritableTxnMarkerResult_v1(buf, pos)
            lst.append(e)
        o.markers = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)

def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)
    out.append(0)


def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v0(e, out, refs)

def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_WritableTxnMarkerPartitionResult_v1(e, out, refs)
    out.append(0)


def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_q.pack(o.producer_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v0(e, out, refs)

def _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_q.pack(o.producer_id)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_WritableTxnMarkerTopicResult_v1(e, out, refs)
    out.append(0)


def _e_WriteTxnMarkersResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.markers
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_v0(e, out, refs)

def _e_WriteTxnMarkersResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.markers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_WriteTxnMarkersResponse_WritableTxnMarkerResult_v1(e, out, refs)
    out.append(0)


def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition)
    o.committed_leader_epoch = -1
    o.partition_index, o.committed_offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    o.committed_metadata, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v1 = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0
def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.committed_metadata, pos = read_string(buf, pos, compact=False)
    return o, pos

def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic.TxnOffsetCommitRequestPartition)
    o.partition_index, o.committed_offset, o.committed_leader_epoch, = _S_iqi.unpack_from(buf, pos)
    pos += 16
    o.committed_metadata, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v1 = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0
def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

def _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v3(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_TxnOffsetCommitRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest)
    o.generation_id = -1
    o.member_id = ''
    o.group_instance_id = None
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.producer_id, o.producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_TxnOffsetCommitRequest_v1 = _d_TxnOffsetCommitRequest_v0
def _d_TxnOffsetCommitRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest)
    o.generation_id = -1
    o.member_id = ''
    o.group_instance_id = None
    o.transactional_id, pos = read_string(buf, pos, compact=False)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.producer_id, o.producer_epoch, = _S_qh.unpack_from(buf, pos)
    pos += 10
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

def _d_TxnOffsetCommitRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitRequest)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.producer_id, o.producer_epoch, o.generation_id, = _S_qhi.unpack_from(buf, pos)
    pos += 14
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.group_instance_id, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.partition_index, o.committed_offset)
    write_string(out, o.committed_metadata, compact=False)

_e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v1 = _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0
def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.committed_metadata, compact=False)

def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqi.pack(o.partition_index, o.committed_offset, o.committed_leader_epoch)
    write_string(out, o.committed_metadata, compact=True)
    out.append(0)


def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v0(e, out, refs)

_e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v1 = _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0
def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v2(e, out, refs)

def _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_TxnOffsetCommitRequestPartition_v3(e, out, refs)
    out.append(0)


def _e_TxnOffsetCommitRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    write_string(out, o.group_id, compact=False)
    out += _S_qh.pack(o.producer_id, o.producer_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v0(e, out, refs)

_e_TxnOffsetCommitRequest_v1 = _e_TxnOffsetCommitRequest_v0
def _e_TxnOffsetCommitRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=False)
    write_string(out, o.group_id, compact=False)
    out += _S_qh.pack(o.producer_id, o.producer_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v2(e, out, refs)

def _e_TxnOffsetCommitRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    write_string(out, o.group_id, compact=True)
    out += _S_qhi.pack(o.producer_id, o.producer_epoch, o.generation_id)
    write_string(out, o.member_id, compact=True)
    write_string(out, o.group_instance_id, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_TxnOffsetCommitRequest_TxnOffsetCommitRequestTopic_v3(e, out, refs)
    out.append(0)


def _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic.TxnOffsetCommitResponsePartition)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos

_d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v1 = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0
_d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v2 = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0
def _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic.TxnOffsetCommitResponsePartition)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v1 = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0
_d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v2 = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0
def _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v3(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_TxnOffsetCommitResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_TxnOffsetCommitResponse_v1 = _d_TxnOffsetCommitResponse_v0
_d_TxnOffsetCommitResponse_v2 = _d_TxnOffsetCommitResponse_v0
def _d_TxnOffsetCommitResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(TxnOffsetCommitResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v3(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)

_e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v1 = _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0
_e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v2 = _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0
def _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)
    out.append(0)


def _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v0(e, out, refs)

_e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v1 = _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0
_e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v2 = _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0
def _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_TxnOffsetCommitResponsePartition_v3(e, out, refs)
    out.append(0)


def _e_TxnOffsetCommitResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v0(e, out, refs)

_e_TxnOffsetCommitResponse_v1 = _e_TxnOffsetCommitResponse_v0
_e_TxnOffsetCommitResponse_v2 = _e_TxnOffsetCommitResponse_v0
def _e_TxnOffsetCommitResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_TxnOffsetCommitResponse_TxnOffsetCommitResponseTopic_v3(e, out, refs)
    out.append(0)


def _d_DescribeAclsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsRequest)
    o.pattern_type_filter = 3
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=False)
    o.principal_filter, pos = read_string(buf, pos, compact=False)
    o.host_filter, pos = read_string(buf, pos, compact=False)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DescribeAclsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsRequest)
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=False)
    o.pattern_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal_filter, pos = read_string(buf, pos, compact=False)
    o.host_filter, pos = read_string(buf, pos, compact=False)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DescribeAclsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsRequest)
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=True)
    o.pattern_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal_filter, pos = read_string(buf, pos, compact=True)
    o.host_filter, pos = read_string(buf, pos, compact=True)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeAclsRequest_v3 = _d_DescribeAclsRequest_v2

def _e_DescribeAclsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=False)
    write_string(out, o.principal_filter, compact=False)
    write_string(out, o.host_filter, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DescribeAclsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=False)
    out += _S_b.pack(o.pattern_type_filter)
    write_string(out, o.principal_filter, compact=False)
    write_string(out, o.host_filter, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DescribeAclsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=True)
    out += _S_b.pack(o.pattern_type_filter)
    write_string(out, o.principal_filter, compact=True)
    write_string(out, o.host_filter, compact=True)
    out += _S_bb.pack(o.operation, o.permission_type)
    out.append(0)

_e_DescribeAclsRequest_v3 = _e_DescribeAclsRequest_v2

def _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse.DescribeAclsResource.AclDescription)
    o.principal, pos = read_string(buf, pos, compact=False)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v1 = _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0
def _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse.DescribeAclsResource.AclDescription)
    o.principal, pos = read_string(buf, pos, compact=True)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v3 = _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2

def _d_DescribeAclsResponse_DescribeAclsResource_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse.DescribeAclsResource)
    o.pattern_type = 3
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0(buf, pos)
            lst.append(e)
        o.acls = lst
    return o, pos

def _d_DescribeAclsResponse_DescribeAclsResource_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse.DescribeAclsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v1(buf, pos)
            lst.append(e)
        o.acls = lst
    return o, pos

def _d_DescribeAclsResponse_DescribeAclsResource_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse.DescribeAclsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2(buf, pos)
            lst.append(e)
        o.acls = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeAclsResponse_DescribeAclsResource_v3 = _d_DescribeAclsResponse_DescribeAclsResource_v2

def _d_DescribeAclsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_v0(buf, pos)
            lst.append(e)
        o.resources = lst
    return o, pos

def _d_DescribeAclsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_v1(buf, pos)
            lst.append(e)
        o.resources = lst
    return o, pos

def _d_DescribeAclsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeAclsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeAclsResponse_DescribeAclsResource_v2(buf, pos)
            lst.append(e)
        o.resources = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeAclsResponse_v3 = _d_DescribeAclsResponse_v2

def _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.principal, compact=False)
    write_string(out, o.host, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

_e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v1 = _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0
def _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.principal, compact=True)
    write_string(out, o.host, compact=True)
    out += _S_bb.pack(o.operation, o.permission_type)
    out.append(0)

_e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v3 = _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2

def _e_DescribeAclsResponse_DescribeAclsResource_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.acls
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v0(e, out, refs)

def _e_DescribeAclsResponse_DescribeAclsResource_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    out += _S_b.pack(o.pattern_type)
    lst = o.acls
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v1(e, out, refs)

def _e_DescribeAclsResponse_DescribeAclsResource_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    out += _S_b.pack(o.pattern_type)
    lst = o.acls
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_AclDescription_v2(e, out, refs)
    out.append(0)

_e_DescribeAclsResponse_DescribeAclsResource_v3 = _e_DescribeAclsResponse_DescribeAclsResource_v2

def _e_DescribeAclsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=False)
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_v0(e, out, refs)

def _e_DescribeAclsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=False)
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_v1(e, out, refs)

def _e_DescribeAclsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    lst = o.resources
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeAclsResponse_DescribeAclsResource_v2(e, out, refs)
    out.append(0)

_e_DescribeAclsResponse_v3 = _e_DescribeAclsResponse_v2

def _d_CreateAclsRequest_AclCreation_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest.AclCreation)
    o.resource_pattern_type = 3
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.principal, pos = read_string(buf, pos, compact=False)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_CreateAclsRequest_AclCreation_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest.AclCreation)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.resource_pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal, pos = read_string(buf, pos, compact=False)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_CreateAclsRequest_AclCreation_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest.AclCreation)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.resource_pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal, pos = read_string(buf, pos, compact=True)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreateAclsRequest_AclCreation_v3 = _d_CreateAclsRequest_AclCreation_v2

def _d_CreateAclsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array creations')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateAclsRequest_AclCreation_v0(buf, pos)
            lst.append(e)
        o.creations = lst
    return o, pos

def _d_CreateAclsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array creations')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateAclsRequest_AclCreation_v1(buf, pos)
            lst.append(e)
        o.creations = lst
    return o, pos

def _d_CreateAclsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array creations')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateAclsRequest_AclCreation_v2(buf, pos)
            lst.append(e)
        o.creations = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreateAclsRequest_v3 = _d_CreateAclsRequest_v2

def _e_CreateAclsRequest_AclCreation_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    write_string(out, o.principal, compact=False)
    write_string(out, o.host, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_CreateAclsRequest_AclCreation_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    out += _S_b.pack(o.resource_pattern_type)
    write_string(out, o.principal, compact=False)
    write_string(out, o.host, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_CreateAclsRequest_AclCreation_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    out += _S_b.pack(o.resource_pattern_type)
    write_string(out, o.principal, compact=True)
    write_string(out, o.host, compact=True)
    out += _S_bb.pack(o.operation, o.permission_type)
    out.append(0)

_e_CreateAclsRequest_AclCreation_v3 = _e_CreateAclsRequest_AclCreation_v2

def _e_CreateAclsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.creations
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateAclsRequest_AclCreation_v0(e, out, refs)

def _e_CreateAclsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.creations
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateAclsRequest_AclCreation_v1(e, out, refs)

def _e_CreateAclsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.creations
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateAclsRequest_AclCreation_v2(e, out, refs)
    out.append(0)

_e_CreateAclsRequest_v3 = _e_CreateAclsRequest_v2

def _d_CreateAclsResponse_AclCreationResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsResponse.AclCreationResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_CreateAclsResponse_AclCreationResult_v1 = _d_CreateAclsResponse_AclCreationResult_v0
def _d_CreateAclsResponse_AclCreationResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsResponse.AclCreationResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreateAclsResponse_AclCreationResult_v3 = _d_CreateAclsResponse_AclCreationResult_v2

def _d_CreateAclsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateAclsResponse_AclCreationResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

_d_CreateAclsResponse_v1 = _d_CreateAclsResponse_v0
def _d_CreateAclsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreateAclsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreateAclsResponse_AclCreationResult_v2(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreateAclsResponse_v3 = _d_CreateAclsResponse_v2

def _e_CreateAclsResponse_AclCreationResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)

_e_CreateAclsResponse_AclCreationResult_v1 = _e_CreateAclsResponse_AclCreationResult_v0
def _e_CreateAclsResponse_AclCreationResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out.append(0)

_e_CreateAclsResponse_AclCreationResult_v3 = _e_CreateAclsResponse_AclCreationResult_v2

def _e_CreateAclsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreateAclsResponse_AclCreationResult_v0(e, out, refs)

_e_CreateAclsResponse_v1 = _e_CreateAclsResponse_v0
def _e_CreateAclsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreateAclsResponse_AclCreationResult_v2(e, out, refs)
    out.append(0)

_e_CreateAclsResponse_v3 = _e_CreateAclsResponse_v2

def _d_DeleteAclsRequest_DeleteAclsFilter_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest.DeleteAclsFilter)
    o.pattern_type_filter = 3
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=False)
    o.principal_filter, pos = read_string(buf, pos, compact=False)
    o.host_filter, pos = read_string(buf, pos, compact=False)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DeleteAclsRequest_DeleteAclsFilter_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest.DeleteAclsFilter)
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=False)
    o.pattern_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal_filter, pos = read_string(buf, pos, compact=False)
    o.host_filter, pos = read_string(buf, pos, compact=False)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DeleteAclsRequest_DeleteAclsFilter_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest.DeleteAclsFilter)
    o.resource_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name_filter, pos = read_string(buf, pos, compact=True)
    o.pattern_type_filter, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal_filter, pos = read_string(buf, pos, compact=True)
    o.host_filter, pos = read_string(buf, pos, compact=True)
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DeleteAclsRequest_DeleteAclsFilter_v3 = _d_DeleteAclsRequest_DeleteAclsFilter_v2

def _d_DeleteAclsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsRequest_DeleteAclsFilter_v0(buf, pos)
            lst.append(e)
        o.filters = lst
    return o, pos

def _d_DeleteAclsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsRequest_DeleteAclsFilter_v1(buf, pos)
            lst.append(e)
        o.filters = lst
    return o, pos

def _d_DeleteAclsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsRequest_DeleteAclsFilter_v2(buf, pos)
            lst.append(e)
        o.filters = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DeleteAclsRequest_v3 = _d_DeleteAclsRequest_v2

def _e_DeleteAclsRequest_DeleteAclsFilter_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=False)
    write_string(out, o.principal_filter, compact=False)
    write_string(out, o.host_filter, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DeleteAclsRequest_DeleteAclsFilter_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=False)
    out += _S_b.pack(o.pattern_type_filter)
    write_string(out, o.principal_filter, compact=False)
    write_string(out, o.host_filter, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DeleteAclsRequest_DeleteAclsFilter_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type_filter)
    write_string(out, o.resource_name_filter, compact=True)
    out += _S_b.pack(o.pattern_type_filter)
    write_string(out, o.principal_filter, compact=True)
    write_string(out, o.host_filter, compact=True)
    out += _S_bb.pack(o.operation, o.permission_type)
    out.append(0)

_e_DeleteAclsRequest_DeleteAclsFilter_v3 = _e_DeleteAclsRequest_DeleteAclsFilter_v2

def _e_DeleteAclsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.filters
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsRequest_DeleteAclsFilter_v0(e, out, refs)

def _e_DeleteAclsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.filters
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsRequest_DeleteAclsFilter_v1(e, out, refs)

def _e_DeleteAclsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.filters
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteAclsRequest_DeleteAclsFilter_v2(e, out, refs)
    out.append(0)

_e_DeleteAclsRequest_v3 = _e_DeleteAclsRequest_v2

def _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl)
    o.pattern_type = 3
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.principal, pos = read_string(buf, pos, compact=False)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal, pos = read_string(buf, pos, compact=False)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=False)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult.DeleteAclsMatchingAcl)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    o.pattern_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.principal, pos = read_string(buf, pos, compact=True)
    if o.principal is None:
        raise DecodeError('null principal')
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.operation, o.permission_type, = _S_bb.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v3 = _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2

def _d_DeleteAclsResponse_DeleteAclsFilterResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array matching_acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v0(buf, pos)
            lst.append(e)
        o.matching_acls = lst
    return o, pos

def _d_DeleteAclsResponse_DeleteAclsFilterResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array matching_acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v1(buf, pos)
            lst.append(e)
        o.matching_acls = lst
    return o, pos

def _d_DeleteAclsResponse_DeleteAclsFilterResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse.DeleteAclsFilterResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array matching_acls')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2(buf, pos)
            lst.append(e)
        o.matching_acls = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DeleteAclsResponse_DeleteAclsFilterResult_v3 = _d_DeleteAclsResponse_DeleteAclsFilterResult_v2

def _d_DeleteAclsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array filter_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_v0(buf, pos)
            lst.append(e)
        o.filter_results = lst
    return o, pos

def _d_DeleteAclsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array filter_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_v1(buf, pos)
            lst.append(e)
        o.filter_results = lst
    return o, pos

def _d_DeleteAclsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteAclsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array filter_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteAclsResponse_DeleteAclsFilterResult_v2(buf, pos)
            lst.append(e)
        o.filter_results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DeleteAclsResponse_v3 = _d_DeleteAclsResponse_v2

def _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    write_string(out, o.principal, compact=False)
    write_string(out, o.host, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    out += _S_b.pack(o.pattern_type)
    write_string(out, o.principal, compact=False)
    write_string(out, o.host, compact=False)
    out += _S_bb.pack(o.operation, o.permission_type)

def _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    out += _S_b.pack(o.pattern_type)
    write_string(out, o.principal, compact=True)
    write_string(out, o.host, compact=True)
    out += _S_bb.pack(o.operation, o.permission_type)
    out.append(0)

_e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v3 = _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2

def _e_DeleteAclsResponse_DeleteAclsFilterResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    lst = o.matching_acls
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v0(e, out, refs)

def _e_DeleteAclsResponse_DeleteAclsFilterResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    lst = o.matching_acls
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v1(e, out, refs)

def _e_DeleteAclsResponse_DeleteAclsFilterResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    lst = o.matching_acls
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_DeleteAclsMatchingAcl_v2(e, out, refs)
    out.append(0)

_e_DeleteAclsResponse_DeleteAclsFilterResult_v3 = _e_DeleteAclsResponse_DeleteAclsFilterResult_v2

def _e_DeleteAclsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.filter_results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_v0(e, out, refs)

def _e_DeleteAclsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.filter_results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_v1(e, out, refs)

def _e_DeleteAclsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.filter_results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteAclsResponse_DeleteAclsFilterResult_v2(e, out, refs)
    out.append(0)

_e_DeleteAclsResponse_v3 = _e_DeleteAclsResponse_v2

def _d_DescribeConfigsRequest_DescribeConfigsResource_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest.DescribeConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.configuration_keys = None
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.configuration_keys = lst
    return o, pos

_d_DescribeConfigsRequest_DescribeConfigsResource_v1 = _d_DescribeConfigsRequest_DescribeConfigsResource_v0
_d_DescribeConfigsRequest_DescribeConfigsResource_v2 = _d_DescribeConfigsRequest_DescribeConfigsResource_v0
_d_DescribeConfigsRequest_DescribeConfigsResource_v3 = _d_DescribeConfigsRequest_DescribeConfigsResource_v0
def _d_DescribeConfigsRequest_DescribeConfigsResource_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest.DescribeConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.configuration_keys = None
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.configuration_keys = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeConfigsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest)
    o.include_synonyms = False
    o.include_documentation = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsRequest_DescribeConfigsResource_v0(buf, pos)
            lst.append(e)
        o.resources = lst
    return o, pos

def _d_DescribeConfigsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest)
    o.include_documentation = False
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsRequest_DescribeConfigsResource_v1(buf, pos)
            lst.append(e)
        o.resources = lst
    o.include_synonyms, = _S_o.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_DescribeConfigsRequest_v2 = _d_DescribeConfigsRequest_v1
def _d_DescribeConfigsRequest_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsRequest_DescribeConfigsResource_v3(buf, pos)
            lst.append(e)
        o.resources = lst
    o.include_synonyms, o.include_documentation, = _S_oo.unpack_from(buf, pos)
    pos += 2
    return o, pos

def _d_DescribeConfigsRequest_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsRequest_DescribeConfigsResource_v4(buf, pos)
            lst.append(e)
        o.resources = lst
    o.include_synonyms, o.include_documentation, = _S_oo.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeConfigsRequest_DescribeConfigsResource_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configuration_keys
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            write_string(out, e, compact=False)

_e_DescribeConfigsRequest_DescribeConfigsResource_v1 = _e_DescribeConfigsRequest_DescribeConfigsResource_v0
_e_DescribeConfigsRequest_DescribeConfigsResource_v2 = _e_DescribeConfigsRequest_DescribeConfigsResource_v0
_e_DescribeConfigsRequest_DescribeConfigsResource_v3 = _e_DescribeConfigsRequest_DescribeConfigsResource_v0
def _e_DescribeConfigsRequest_DescribeConfigsResource_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    lst = o.configuration_keys
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            write_string(out, e, compact=True)
    out.append(0)


def _e_DescribeConfigsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsRequest_DescribeConfigsResource_v0(e, out, refs)

def _e_DescribeConfigsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsRequest_DescribeConfigsResource_v1(e, out, refs)
    out += _S_o.pack(o.include_synonyms)

_e_DescribeConfigsRequest_v2 = _e_DescribeConfigsRequest_v1
def _e_DescribeConfigsRequest_v3(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsRequest_DescribeConfigsResource_v3(e, out, refs)
    out += _S_oo.pack(o.include_synonyms, o.include_documentation)

def _e_DescribeConfigsRequest_v4(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeConfigsRequest_DescribeConfigsResource_v4(e, out, refs)
    out += _S_oo.pack(o.include_synonyms, o.include_documentation)
    out.append(0)


def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult.DescribeConfigsSynonym)
    o.name = ''
    o.value = ''
    o.source = 0
    return o, pos

def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult.DescribeConfigsSynonym)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    o.source, = _S_b.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v2 = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1
_d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v3 = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1
def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult.DescribeConfigsSynonym)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=True)
    o.source, = _S_b.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult)
    o.config_source = -1
    o.synonyms = []
    o.config_type = 0
    o.documentation = ''
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    o.read_only, o.is_default, o.is_sensitive, = _S_ooo.unpack_from(buf, pos)
    pos += 3
    return o, pos

def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult)
    o.is_default = False
    o.config_type = 0
    o.documentation = ''
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    o.read_only, o.config_source, o.is_sensitive, = _S_obo.unpack_from(buf, pos)
    pos += 3
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array synonyms')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1(buf, pos)
            lst.append(e)
        o.synonyms = lst
    return o, pos

_d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v2 = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1
def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult)
    o.is_default = False
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    o.read_only, o.config_source, o.is_sensitive, = _S_obo.unpack_from(buf, pos)
    pos += 3
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array synonyms')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v3(buf, pos)
            lst.append(e)
        o.synonyms = lst
    o.config_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.documentation, pos = read_string(buf, pos, compact=False)
    return o, pos

def _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult.DescribeConfigsResourceResult)
    o.is_default = False
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=True)
    o.read_only, o.config_source, o.is_sensitive, = _S_obo.unpack_from(buf, pos)
    pos += 3
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array synonyms')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v4(buf, pos)
            lst.append(e)
        o.synonyms = lst
    o.config_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.documentation, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeConfigsResponse_DescribeConfigsResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v0(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

def _d_DescribeConfigsResponse_DescribeConfigsResult_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

_d_DescribeConfigsResponse_DescribeConfigsResult_v2 = _d_DescribeConfigsResponse_DescribeConfigsResult_v1
def _d_DescribeConfigsResponse_DescribeConfigsResult_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v3(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

def _d_DescribeConfigsResponse_DescribeConfigsResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse.DescribeConfigsResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v4(buf, pos)
            lst.append(e)
        o.configs = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeConfigsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

def _d_DescribeConfigsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_v1(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

_d_DescribeConfigsResponse_v2 = _d_DescribeConfigsResponse_v1
def _d_DescribeConfigsResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_v3(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

def _d_DescribeConfigsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeConfigsResponse_DescribeConfigsResult_v4(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v0(o: Any, out: bytearray, refs: Refs) -> None:
    pass

def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)
    out += _S_b.pack(o.source)

_e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v2 = _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1
_e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v3 = _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1
def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_string(out, o.value, compact=True)
    out += _S_b.pack(o.source)
    out.append(0)


def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)
    out += _S_ooo.pack(o.read_only, o.is_default, o.is_sensitive)

def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)
    out += _S_obo.pack(o.read_only, o.config_source, o.is_sensitive)
    lst = o.synonyms
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v1(e, out, refs)

_e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v2 = _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1
def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)
    out += _S_obo.pack(o.read_only, o.config_source, o.is_sensitive)
    lst = o.synonyms
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v3(e, out, refs)
    out += _S_b.pack(o.config_type)
    write_string(out, o.documentation, compact=False)

def _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_string(out, o.value, compact=True)
    out += _S_obo.pack(o.read_only, o.config_source, o.is_sensitive)
    lst = o.synonyms
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_DescribeConfigsSynonym_v4(e, out, refs)
    out += _S_b.pack(o.config_type)
    write_string(out, o.documentation, compact=True)
    out.append(0)


def _e_DescribeConfigsResponse_DescribeConfigsResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v0(e, out, refs)

def _e_DescribeConfigsResponse_DescribeConfigsResult_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v1(e, out, refs)

_e_DescribeConfigsResponse_DescribeConfigsResult_v2 = _e_DescribeConfigsResponse_DescribeConfigsResult_v1
def _e_DescribeConfigsResponse_DescribeConfigsResult_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v3(e, out, refs)

def _e_DescribeConfigsResponse_DescribeConfigsResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    lst = o.configs
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_DescribeConfigsResourceResult_v4(e, out, refs)
    out.append(0)


def _e_DescribeConfigsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_v0(e, out, refs)

def _e_DescribeConfigsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_v1(e, out, refs)

_e_DescribeConfigsResponse_v2 = _e_DescribeConfigsResponse_v1
def _e_DescribeConfigsResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_v3(e, out, refs)

def _e_DescribeConfigsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeConfigsResponse_DescribeConfigsResult_v4(e, out, refs)
    out.append(0)


def _d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest.AlterConfigsResource.AlterableConfig)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1 = _d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0
def _d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest.AlterConfigsResource.AlterableConfig)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.value, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterConfigsRequest_AlterConfigsResource_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest.AlterConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

_d_AlterConfigsRequest_AlterConfigsResource_v1 = _d_AlterConfigsRequest_AlterConfigsResource_v0
def _d_AlterConfigsRequest_AlterConfigsResource_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest.AlterConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v2(buf, pos)
            lst.append(e)
        o.configs = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterConfigsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsRequest_AlterConfigsResource_v0(buf, pos)
            lst.append(e)
        o.resources = lst
    o.validate_only, = _S_o.unpack_from(buf, pos)
    pos += 1
    return o, pos

_d_AlterConfigsRequest_v1 = _d_AlterConfigsRequest_v0
def _d_AlterConfigsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsRequest_AlterConfigsResource_v2(buf, pos)
            lst.append(e)
        o.resources = lst
    o.validate_only, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    write_string(out, o.value, compact=False)

_e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1 = _e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0
def _e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    write_string(out, o.value, compact=True)
    out.append(0)


def _e_AlterConfigsRequest_AlterConfigsResource_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(e, out, refs)

_e_AlterConfigsRequest_AlterConfigsResource_v1 = _e_AlterConfigsRequest_AlterConfigsResource_v0
def _e_AlterConfigsRequest_AlterConfigsResource_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    lst = o.configs
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterConfigsRequest_AlterConfigsResource_AlterableConfig_v2(e, out, refs)
    out.append(0)


def _e_AlterConfigsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AlterConfigsRequest_AlterConfigsResource_v0(e, out, refs)
    out += _S_o.pack(o.validate_only)

_e_AlterConfigsRequest_v1 = _e_AlterConfigsRequest_v0
def _e_AlterConfigsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterConfigsRequest_AlterConfigsResource_v2(e, out, refs)
    out += _S_o.pack(o.validate_only)
    out.append(0)


def _d_AlterConfigsResponse_AlterConfigsResourceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsResponse.AlterConfigsResourceResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    return o, pos

_d_AlterConfigsResponse_AlterConfigsResourceResponse_v1 = _d_AlterConfigsResponse_AlterConfigsResourceResponse_v0
def _d_AlterConfigsResponse_AlterConfigsResourceResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsResponse.AlterConfigsResourceResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterConfigsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsResponse_AlterConfigsResourceResponse_v0(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

_d_AlterConfigsResponse_v1 = _d_AlterConfigsResponse_v0
def _d_AlterConfigsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterConfigsResponse_AlterConfigsResourceResponse_v2(buf, pos)
            lst.append(e)
        o.responses = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AlterConfigsResponse_AlterConfigsResourceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)

_e_AlterConfigsResponse_AlterConfigsResourceResponse_v1 = _e_AlterConfigsResponse_AlterConfigsResourceResponse_v0
def _e_AlterConfigsResponse_AlterConfigsResourceResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    out.append(0)


def _e_AlterConfigsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_AlterConfigsResponse_AlterConfigsResourceResponse_v0(e, out, refs)

_e_AlterConfigsResponse_v1 = _e_AlterConfigsResponse_v0
def _e_AlterConfigsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterConfigsResponse_AlterConfigsResourceResponse_v2(e, out, refs)
    out.append(0)


def _d_DescribeLogDirsRequest_DescribableLogDirTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsRequest.DescribableLogDirTopic)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_DescribeLogDirsRequest_DescribableLogDirTopic_v1 = _d_DescribeLogDirsRequest_DescribableLogDirTopic_v0
def _d_DescribeLogDirsRequest_DescribableLogDirTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsRequest.DescribableLogDirTopic)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeLogDirsRequest_DescribableLogDirTopic_v3 = _d_DescribeLogDirsRequest_DescribableLogDirTopic_v2
_d_DescribeLogDirsRequest_DescribableLogDirTopic_v4 = _d_DescribeLogDirsRequest_DescribableLogDirTopic_v2

def _d_DescribeLogDirsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsRequest_DescribableLogDirTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_DescribeLogDirsRequest_v1 = _d_DescribeLogDirsRequest_v0
def _d_DescribeLogDirsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topics = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsRequest_DescribableLogDirTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeLogDirsRequest_v3 = _d_DescribeLogDirsRequest_v2
_d_DescribeLogDirsRequest_v4 = _d_DescribeLogDirsRequest_v2

def _e_DescribeLogDirsRequest_DescribableLogDirTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_DescribeLogDirsRequest_DescribableLogDirTopic_v1 = _e_DescribeLogDirsRequest_DescribableLogDirTopic_v0
def _e_DescribeLogDirsRequest_DescribableLogDirTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_DescribeLogDirsRequest_DescribableLogDirTopic_v3 = _e_DescribeLogDirsRequest_DescribableLogDirTopic_v2
_e_DescribeLogDirsRequest_DescribableLogDirTopic_v4 = _e_DescribeLogDirsRequest_DescribableLogDirTopic_v2

def _e_DescribeLogDirsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_DescribeLogDirsRequest_DescribableLogDirTopic_v0(e, out, refs)

_e_DescribeLogDirsRequest_v1 = _e_DescribeLogDirsRequest_v0
def _e_DescribeLogDirsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_DescribeLogDirsRequest_DescribableLogDirTopic_v2(e, out, refs)
    out.append(0)

_e_DescribeLogDirsRequest_v3 = _e_DescribeLogDirsRequest_v2
_e_DescribeLogDirsRequest_v4 = _e_DescribeLogDirsRequest_v2

def _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic.DescribeLogDirsPartition)
    o.partition_index, o.partition_size, o.offset_lag, o.is_future_key, = _S_iqqo.unpack_from(buf, pos)
    pos += 21
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v1 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0
def _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic.DescribeLogDirsPartition)
    o.partition_index, o.partition_size, o.offset_lag, o.is_future_key, = _S_iqqo.unpack_from(buf, pos)
    pos += 21
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v3 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2
_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v4 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2

def _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v1 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0
def _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult.DescribeLogDirsTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v3 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2
_d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v4 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2

def _d_DescribeLogDirsResponse_DescribeLogDirsResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult)
    o.total_bytes = -1
    o.usable_bytes = -1
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.log_dir, pos = read_string(buf, pos, compact=False)
    if o.log_dir is None:
        raise DecodeError('null log_dir')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_v1 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v0
def _d_DescribeLogDirsResponse_DescribeLogDirsResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult)
    o.total_bytes = -1
    o.usable_bytes = -1
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.log_dir, pos = read_string(buf, pos, compact=True)
    if o.log_dir is None:
        raise DecodeError('null log_dir')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeLogDirsResponse_DescribeLogDirsResult_v3 = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v2
def _d_DescribeLogDirsResponse_DescribeLogDirsResult_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse.DescribeLogDirsResult)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.log_dir, pos = read_string(buf, pos, compact=True)
    if o.log_dir is None:
        raise DecodeError('null log_dir')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v4(buf, pos)
            lst.append(e)
        o.topics = lst
    o.total_bytes, o.usable_bytes, = _S_qq.unpack_from(buf, pos)
    pos += 16
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeLogDirsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse)
    o.error_code = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

_d_DescribeLogDirsResponse_v1 = _d_DescribeLogDirsResponse_v0
def _d_DescribeLogDirsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse)
    o.error_code = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v2(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_DescribeLogDirsResponse_v3(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v3(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_DescribeLogDirsResponse_v4(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeLogDirsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeLogDirsResponse_DescribeLogDirsResult_v4(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqqo.pack(o.partition_index, o.partition_size, o.offset_lag, o.is_future_key)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v1 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0
def _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iqqo.pack(o.partition_index, o.partition_size, o.offset_lag, o.is_future_key)
    out.append(0)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v3 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2
_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v4 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2

def _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v0(e, out, refs)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v1 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0
def _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_DescribeLogDirsPartition_v2(e, out, refs)
    out.append(0)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v3 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2
_e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v4 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2

def _e_DescribeLogDirsResponse_DescribeLogDirsResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.log_dir, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v0(e, out, refs)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_v1 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_v0
def _e_DescribeLogDirsResponse_DescribeLogDirsResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.log_dir, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v2(e, out, refs)
    out.append(0)

_e_DescribeLogDirsResponse_DescribeLogDirsResult_v3 = _e_DescribeLogDirsResponse_DescribeLogDirsResult_v2
def _e_DescribeLogDirsResponse_DescribeLogDirsResult_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.log_dir, compact=True)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_DescribeLogDirsTopic_v4(e, out, refs)
    out += _S_qq.pack(o.total_bytes, o.usable_bytes)
    out.append(0)


def _e_DescribeLogDirsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_v0(e, out, refs)

_e_DescribeLogDirsResponse_v1 = _e_DescribeLogDirsResponse_v0
def _e_DescribeLogDirsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_v2(e, out, refs)
    out.append(0)

def _e_DescribeLogDirsResponse_v3(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_v3(e, out, refs)
    out.append(0)

def _e_DescribeLogDirsResponse_v4(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeLogDirsResponse_DescribeLogDirsResult_v4(e, out, refs)
    out.append(0)


def _d_SaslAuthenticateRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslAuthenticateRequest)
    o.auth_bytes, pos = read_bytes(buf, pos, compact=False)
    if o.auth_bytes is None:
        raise DecodeError('null auth_bytes')
    return o, pos

_d_SaslAuthenticateRequest_v1 = _d_SaslAuthenticateRequest_v0
def _d_SaslAuthenticateRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslAuthenticateRequest)
    o.auth_bytes, pos = read_bytes(buf, pos, compact=True)
    if o.auth_bytes is None:
        raise DecodeError('null auth_bytes')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_SaslAuthenticateRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_bytes(out, o.auth_bytes, compact=False)

_e_SaslAuthenticateRequest_v1 = _e_SaslAuthenticateRequest_v0
def _e_SaslAuthenticateRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_bytes(out, o.auth_bytes, compact=True)
    out.append(0)


def _d_SaslAuthenticateResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslAuthenticateResponse)
    o.session_lifetime_ms = 0
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.auth_bytes, pos = read_bytes(buf, pos, compact=False)
    if o.auth_bytes is None:
        raise DecodeError('null auth_bytes')
    return o, pos

def _d_SaslAuthenticateResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslAuthenticateResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.auth_bytes, pos = read_bytes(buf, pos, compact=False)
    if o.auth_bytes is None:
        raise DecodeError('null auth_bytes')
    o.session_lifetime_ms, = _S_q.unpack_from(buf, pos)
    pos += 8
    return o, pos

def _d_SaslAuthenticateResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(SaslAuthenticateResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.auth_bytes, pos = read_bytes(buf, pos, compact=True)
    if o.auth_bytes is None:
        raise DecodeError('null auth_bytes')
    o.session_lifetime_ms, = _S_q.unpack_from(buf, pos)
    pos += 8
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_SaslAuthenticateResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    write_bytes(out, o.auth_bytes, compact=False)

def _e_SaslAuthenticateResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    write_bytes(out, o.auth_bytes, compact=False)
    out += _S_q.pack(o.session_lifetime_ms)

def _e_SaslAuthenticateResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    write_bytes(out, o.auth_bytes, compact=True)
    out += _S_q.pack(o.session_lifetime_ms)
    out.append(0)


def _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest.CreatePartitionsTopic.CreatePartitionsAssignment)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array broker_ids')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array broker_ids')
        o.broker_ids = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v1 = _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0
def _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest.CreatePartitionsTopic.CreatePartitionsAssignment)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array broker_ids')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array broker_ids')
        o.broker_ids = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v3 = _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2

def _d_CreatePartitionsRequest_CreatePartitionsTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest.CreatePartitionsTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.count, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.assignments = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0(buf, pos)
            lst.append(e)
        o.assignments = lst
    return o, pos

_d_CreatePartitionsRequest_CreatePartitionsTopic_v1 = _d_CreatePartitionsRequest_CreatePartitionsTopic_v0
def _d_CreatePartitionsRequest_CreatePartitionsTopic_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest.CreatePartitionsTopic)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.count, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.assignments = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2(buf, pos)
            lst.append(e)
        o.assignments = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreatePartitionsRequest_CreatePartitionsTopic_v3 = _d_CreatePartitionsRequest_CreatePartitionsTopic_v2

def _d_CreatePartitionsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsRequest_CreatePartitionsTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, o.validate_only, = _S_io.unpack_from(buf, pos)
    pos += 5
    return o, pos

_d_CreatePartitionsRequest_v1 = _d_CreatePartitionsRequest_v0
def _d_CreatePartitionsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsRequest_CreatePartitionsTopic_v2(buf, pos)
            lst.append(e)
        o.topics = lst
    o.timeout_ms, o.validate_only, = _S_io.unpack_from(buf, pos)
    pos += 5
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreatePartitionsRequest_v3 = _d_CreatePartitionsRequest_v2

def _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.broker_ids
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v1 = _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0
def _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.broker_ids
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v3 = _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2

def _e_CreatePartitionsRequest_CreatePartitionsTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_i.pack(o.count)
    lst = o.assignments
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v0(e, out, refs)

_e_CreatePartitionsRequest_CreatePartitionsTopic_v1 = _e_CreatePartitionsRequest_CreatePartitionsTopic_v0
def _e_CreatePartitionsRequest_CreatePartitionsTopic_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_i.pack(o.count)
    lst = o.assignments
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_CreatePartitionsRequest_CreatePartitionsTopic_CreatePartitionsAssignment_v2(e, out, refs)
    out.append(0)

_e_CreatePartitionsRequest_CreatePartitionsTopic_v3 = _e_CreatePartitionsRequest_CreatePartitionsTopic_v2

def _e_CreatePartitionsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreatePartitionsRequest_CreatePartitionsTopic_v0(e, out, refs)
    out += _S_io.pack(o.timeout_ms, o.validate_only)

_e_CreatePartitionsRequest_v1 = _e_CreatePartitionsRequest_v0
def _e_CreatePartitionsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreatePartitionsRequest_CreatePartitionsTopic_v2(e, out, refs)
    out += _S_io.pack(o.timeout_ms, o.validate_only)
    out.append(0)

_e_CreatePartitionsRequest_v3 = _e_CreatePartitionsRequest_v2

def _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsResponse.CreatePartitionsTopicResult)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_CreatePartitionsResponse_CreatePartitionsTopicResult_v1 = _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v0
def _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsResponse.CreatePartitionsTopicResult)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreatePartitionsResponse_CreatePartitionsTopicResult_v3 = _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v2

def _d_CreatePartitionsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

_d_CreatePartitionsResponse_v1 = _d_CreatePartitionsResponse_v0
def _d_CreatePartitionsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(CreatePartitionsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_CreatePartitionsResponse_CreatePartitionsTopicResult_v2(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_CreatePartitionsResponse_v3 = _d_CreatePartitionsResponse_v2

def _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)

_e_CreatePartitionsResponse_CreatePartitionsTopicResult_v1 = _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v0
def _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out.append(0)

_e_CreatePartitionsResponse_CreatePartitionsTopicResult_v3 = _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v2

def _e_CreatePartitionsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v0(e, out, refs)

_e_CreatePartitionsResponse_v1 = _e_CreatePartitionsResponse_v0
def _e_CreatePartitionsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_CreatePartitionsResponse_CreatePartitionsTopicResult_v2(e, out, refs)
    out.append(0)

_e_CreatePartitionsResponse_v3 = _e_CreatePartitionsResponse_v2

def _d_DeleteGroupsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array groups_names')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=False)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.groups_names = lst
    return o, pos

_d_DeleteGroupsRequest_v1 = _d_DeleteGroupsRequest_v0
def _d_DeleteGroupsRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups_names')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.groups_names = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteGroupsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups_names
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        write_string(out, e, compact=False)

_e_DeleteGroupsRequest_v1 = _e_DeleteGroupsRequest_v0
def _e_DeleteGroupsRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.groups_names
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out.append(0)


def _d_DeleteGroupsResponse_DeletableGroupResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsResponse.DeletableGroupResult)
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    return o, pos

_d_DeleteGroupsResponse_DeletableGroupResult_v1 = _d_DeleteGroupsResponse_DeletableGroupResult_v0
def _d_DeleteGroupsResponse_DeletableGroupResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsResponse.DeletableGroupResult)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DeleteGroupsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteGroupsResponse_DeletableGroupResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    return o, pos

_d_DeleteGroupsResponse_v1 = _d_DeleteGroupsResponse_v0
def _d_DeleteGroupsResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DeleteGroupsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DeleteGroupsResponse_DeletableGroupResult_v2(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DeleteGroupsResponse_DeletableGroupResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    out += _S_h.pack(o.error_code)

_e_DeleteGroupsResponse_DeletableGroupResult_v1 = _e_DeleteGroupsResponse_DeletableGroupResult_v0
def _e_DeleteGroupsResponse_DeletableGroupResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    out += _S_h.pack(o.error_code)
    out.append(0)


def _e_DeleteGroupsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_DeleteGroupsResponse_DeletableGroupResult_v0(e, out, refs)

_e_DeleteGroupsResponse_v1 = _e_DeleteGroupsResponse_v0
def _e_DeleteGroupsResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DeleteGroupsResponse_DeletableGroupResult_v2(e, out, refs)
    out.append(0)


def _d_ElectLeadersRequest_TopicPartitions_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersRequest.TopicPartitions)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    return o, pos

_d_ElectLeadersRequest_TopicPartitions_v1 = _d_ElectLeadersRequest_TopicPartitions_v0
def _d_ElectLeadersRequest_TopicPartitions_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersRequest.TopicPartitions)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ElectLeadersRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersRequest)
    o.election_type = 0
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topic_partitions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersRequest_TopicPartitions_v0(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_ElectLeadersRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersRequest)
    o.election_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        o.topic_partitions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersRequest_TopicPartitions_v1(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos

def _d_ElectLeadersRequest_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersRequest)
    o.election_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topic_partitions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersRequest_TopicPartitions_v2(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    o.timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ElectLeadersRequest_TopicPartitions_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    out += struct.pack(f'>{len(lst)}i', *lst)

_e_ElectLeadersRequest_TopicPartitions_v1 = _e_ElectLeadersRequest_TopicPartitions_v0
def _e_ElectLeadersRequest_TopicPartitions_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_ElectLeadersRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_partitions
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_ElectLeadersRequest_TopicPartitions_v0(e, out, refs)
    out += _S_i.pack(o.timeout_ms)

def _e_ElectLeadersRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.election_type)
    lst = o.topic_partitions
    if lst is None:
        write_array_length(out, None, compact=False)
    else:
        write_array_length(out, len(lst), compact=False)
        for e in lst:
            _e_ElectLeadersRequest_TopicPartitions_v1(e, out, refs)
    out += _S_i.pack(o.timeout_ms)

def _e_ElectLeadersRequest_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.election_type)
    lst = o.topic_partitions
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_ElectLeadersRequest_TopicPartitions_v2(e, out, refs)
    out += _S_i.pack(o.timeout_ms)
    out.append(0)


def _d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse.ReplicaElectionResult.PartitionResult)
    o.partition_id, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=False)
    return o, pos

_d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v1 = _d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0
def _d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse.ReplicaElectionResult.PartitionResult)
    o.partition_id, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ElectLeadersResponse_ReplicaElectionResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse.ReplicaElectionResult)
    o.topic, pos = read_string(buf, pos, compact=False)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partition_result')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0(buf, pos)
            lst.append(e)
        o.partition_result = lst
    return o, pos

_d_ElectLeadersResponse_ReplicaElectionResult_v1 = _d_ElectLeadersResponse_ReplicaElectionResult_v0
def _d_ElectLeadersResponse_ReplicaElectionResult_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse.ReplicaElectionResult)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_result')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v2(buf, pos)
            lst.append(e)
        o.partition_result = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ElectLeadersResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse)
    o.error_code = 0
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array replica_election_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersResponse_ReplicaElectionResult_v0(buf, pos)
            lst.append(e)
        o.replica_election_results = lst
    return o, pos

def _d_ElectLeadersResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array replica_election_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersResponse_ReplicaElectionResult_v1(buf, pos)
            lst.append(e)
        o.replica_election_results = lst
    return o, pos

def _d_ElectLeadersResponse_v2(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ElectLeadersResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array replica_election_results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ElectLeadersResponse_ReplicaElectionResult_v2(buf, pos)
            lst.append(e)
        o.replica_election_results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_id, o.error_code)
    write_string(out, o.error_message, compact=False)

_e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v1 = _e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0
def _e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_id, o.error_code)
    write_string(out, o.error_message, compact=True)
    out.append(0)


def _e_ElectLeadersResponse_ReplicaElectionResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=False)
    lst = o.partition_result
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v0(e, out, refs)

_e_ElectLeadersResponse_ReplicaElectionResult_v1 = _e_ElectLeadersResponse_ReplicaElectionResult_v0
def _e_ElectLeadersResponse_ReplicaElectionResult_v2(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partition_result
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ElectLeadersResponse_ReplicaElectionResult_PartitionResult_v2(e, out, refs)
    out.append(0)


def _e_ElectLeadersResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.replica_election_results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ElectLeadersResponse_ReplicaElectionResult_v0(e, out, refs)

def _e_ElectLeadersResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.replica_election_results
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_ElectLeadersResponse_ReplicaElectionResult_v1(e, out, refs)

def _e_ElectLeadersResponse_v2(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.replica_election_results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ElectLeadersResponse_ReplicaElectionResult_v2(e, out, refs)
    out.append(0)


def _d_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    o.config_operation, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.value, pos = read_string(buf, pos, compact=False)
    return o, pos

def _d_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest.AlterConfigsResource.AlterableConfig)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.config_operation, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.value, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_IncrementalAlterConfigsRequest_AlterConfigsResource_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest.AlterConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(buf, pos)
            lst.append(e)
        o.configs = lst
    return o, pos

def _d_IncrementalAlterConfigsRequest_AlterConfigsResource_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest.AlterConfigsResource)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array configs')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1(buf, pos)
            lst.append(e)
        o.configs = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_IncrementalAlterConfigsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsRequest_AlterConfigsResource_v0(buf, pos)
            lst.append(e)
        o.resources = lst
    o.validate_only, = _S_o.unpack_from(buf, pos)
    pos += 1
    return o, pos

def _d_IncrementalAlterConfigsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array resources')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsRequest_AlterConfigsResource_v1(buf, pos)
            lst.append(e)
        o.resources = lst
    o.validate_only, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    out += _S_b.pack(o.config_operation)
    write_string(out, o.value, compact=False)

def _e_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_b.pack(o.config_operation)
    write_string(out, o.value, compact=True)
    out.append(0)


def _e_IncrementalAlterConfigsRequest_AlterConfigsResource_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)
    lst = o.configs
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v0(e, out, refs)

def _e_IncrementalAlterConfigsRequest_AlterConfigsResource_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    lst = o.configs
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_IncrementalAlterConfigsRequest_AlterConfigsResource_AlterableConfig_v1(e, out, refs)
    out.append(0)


def _e_IncrementalAlterConfigsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_IncrementalAlterConfigsRequest_AlterConfigsResource_v0(e, out, refs)
    out += _S_o.pack(o.validate_only)

def _e_IncrementalAlterConfigsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.resources
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_IncrementalAlterConfigsRequest_AlterConfigsResource_v1(e, out, refs)
    out += _S_o.pack(o.validate_only)
    out.append(0)


def _d_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsResponse.AlterConfigsResourceResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=False)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=False)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    return o, pos

def _d_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsResponse.AlterConfigsResourceResponse)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.resource_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.resource_name, pos = read_string(buf, pos, compact=True)
    if o.resource_name is None:
        raise DecodeError('null resource_name')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_IncrementalAlterConfigsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v0(buf, pos)
            lst.append(e)
        o.responses = lst
    return o, pos

def _d_IncrementalAlterConfigsResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(IncrementalAlterConfigsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v1(buf, pos)
            lst.append(e)
        o.responses = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=False)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=False)

def _e_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_b.pack(o.resource_type)
    write_string(out, o.resource_name, compact=True)
    out.append(0)


def _e_IncrementalAlterConfigsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v0(e, out, refs)

def _e_IncrementalAlterConfigsResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.responses
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_IncrementalAlterConfigsResponse_AlterConfigsResourceResponse_v1(e, out, refs)
    out.append(0)


def _d_OffsetDeleteRequest_OffsetDeleteRequestTopic_OffsetDeleteRequestPartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteRequest.OffsetDeleteRequestTopic.OffsetDeleteRequestPartition)
    o.partition_index, = _S_i.unpack_from(buf, pos)
    pos += 4
    return o, pos


def _d_OffsetDeleteRequest_OffsetDeleteRequestTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteRequest.OffsetDeleteRequestTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetDeleteRequest_OffsetDeleteRequestTopic_OffsetDeleteRequestPartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos


def _d_OffsetDeleteRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteRequest)
    o.group_id, pos = read_string(buf, pos, compact=False)
    if o.group_id is None:
        raise DecodeError('null group_id')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetDeleteRequest_OffsetDeleteRequestTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos


def _e_OffsetDeleteRequest_OffsetDeleteRequestTopic_OffsetDeleteRequestPartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.partition_index)


def _e_OffsetDeleteRequest_OffsetDeleteRequestTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetDeleteRequest_OffsetDeleteRequestTopic_OffsetDeleteRequestPartition_v0(e, out, refs)


def _e_OffsetDeleteRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=False)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetDeleteRequest_OffsetDeleteRequestTopic_v0(e, out, refs)


def _d_OffsetDeleteResponse_OffsetDeleteResponseTopic_OffsetDeleteResponsePartition_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteResponse.OffsetDeleteResponseTopic.OffsetDeleteResponsePartition)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    return o, pos


def _d_OffsetDeleteResponse_OffsetDeleteResponseTopic_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteResponse.OffsetDeleteResponseTopic)
    o.name, pos = read_string(buf, pos, compact=False)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetDeleteResponse_OffsetDeleteResponseTopic_OffsetDeleteResponsePartition_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    return o, pos


def _d_OffsetDeleteResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(OffsetDeleteResponse)
    o.error_code, o.throttle_time_ms, = _S_hi.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=False)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_OffsetDeleteResponse_OffsetDeleteResponseTopic_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    return o, pos


def _e_OffsetDeleteResponse_OffsetDeleteResponseTopic_OffsetDeleteResponsePartition_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)


def _e_OffsetDeleteResponse_OffsetDeleteResponseTopic_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=False)
    lst = o.partitions
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetDeleteResponse_OffsetDeleteResponseTopic_OffsetDeleteResponsePartition_v0(e, out, refs)


def _e_OffsetDeleteResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hi.pack(o.error_code, o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=False)
    for e in lst:
        _e_OffsetDeleteResponse_OffsetDeleteResponseTopic_v0(e, out, refs)


def _d_DescribeUserScramCredentialsRequest_UserName_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeUserScramCredentialsRequest.UserName)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeUserScramCredentialsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeUserScramCredentialsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.users = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeUserScramCredentialsRequest_UserName_v0(buf, pos)
            lst.append(e)
        o.users = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeUserScramCredentialsRequest_UserName_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out.append(0)


def _e_DescribeUserScramCredentialsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.users
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_DescribeUserScramCredentialsRequest_UserName_v0(e, out, refs)
    out.append(0)


def _d_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_CredentialInfo_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult.CredentialInfo)
    o.mechanism, o.iterations, = _S_bi.unpack_from(buf, pos)
    pos += 5
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult)
    o.user, pos = read_string(buf, pos, compact=True)
    if o.user is None:
        raise DecodeError('null user')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array credential_infos')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_CredentialInfo_v0(buf, pos)
            lst.append(e)
        o.credential_infos = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeUserScramCredentialsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeUserScramCredentialsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_CredentialInfo_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_bi.pack(o.mechanism, o.iterations)
    out.append(0)


def _e_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.user, compact=True)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    lst = o.credential_infos
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_CredentialInfo_v0(e, out, refs)
    out.append(0)


def _e_DescribeUserScramCredentialsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeUserScramCredentialsResponse_DescribeUserScramCredentialsResult_v0(e, out, refs)
    out.append(0)


def _d_AlterUserScramCredentialsRequest_ScramCredentialUpsertion_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterUserScramCredentialsRequest.ScramCredentialUpsertion)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.mechanism, o.iterations, = _S_bi.unpack_from(buf, pos)
    pos += 5
    o.salt, pos = read_bytes(buf, pos, compact=True)
    if o.salt is None:
        raise DecodeError('null salt')
    o.salted_password, pos = read_bytes(buf, pos, compact=True)
    if o.salted_password is None:
        raise DecodeError('null salted_password')
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterUserScramCredentialsRequest_ScramCredentialDeletion_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterUserScramCredentialsRequest.ScramCredentialDeletion)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    o.mechanism, = _S_b.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterUserScramCredentialsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterUserScramCredentialsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array deletions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterUserScramCredentialsRequest_ScramCredentialDeletion_v0(buf, pos)
            lst.append(e)
        o.deletions = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array upsertions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterUserScramCredentialsRequest_ScramCredentialUpsertion_v0(buf, pos)
            lst.append(e)
        o.upsertions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AlterUserScramCredentialsRequest_ScramCredentialUpsertion_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_bi.pack(o.mechanism, o.iterations)
    write_bytes(out, o.salt, compact=True)
    write_bytes(out, o.salted_password, compact=True)
    out.append(0)


def _e_AlterUserScramCredentialsRequest_ScramCredentialDeletion_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    out += _S_b.pack(o.mechanism)
    out.append(0)


def _e_AlterUserScramCredentialsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.deletions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterUserScramCredentialsRequest_ScramCredentialDeletion_v0(e, out, refs)
    lst = o.upsertions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterUserScramCredentialsRequest_ScramCredentialUpsertion_v0(e, out, refs)
    out.append(0)


def _d_AlterUserScramCredentialsResponse_AlterUserScramCredentialsResult_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult)
    o.user, pos = read_string(buf, pos, compact=True)
    if o.user is None:
        raise DecodeError('null user')
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_AlterUserScramCredentialsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(AlterUserScramCredentialsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array results')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_AlterUserScramCredentialsResponse_AlterUserScramCredentialsResult_v0(buf, pos)
            lst.append(e)
        o.results = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_AlterUserScramCredentialsResponse_AlterUserScramCredentialsResult_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.user, compact=True)
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    out.append(0)


def _e_AlterUserScramCredentialsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.results
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_AlterUserScramCredentialsResponse_AlterUserScramCredentialsResult_v0(e, out, refs)
    out.append(0)


def _d_DescribeClusterRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeClusterRequest)
    o.endpoint_type = 1
    o.include_cluster_authorized_operations, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_DescribeClusterRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeClusterRequest)
    o.include_cluster_authorized_operations, o.endpoint_type, = _S_ob.unpack_from(buf, pos)
    pos += 2
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeClusterRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_o.pack(o.include_cluster_authorized_operations)
    out.append(0)

def _e_DescribeClusterRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ob.pack(o.include_cluster_authorized_operations, o.endpoint_type)
    out.append(0)


def _d_DescribeClusterResponse_DescribeClusterBroker_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeClusterResponse.DescribeClusterBroker)
    o.broker_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.host, pos = read_string(buf, pos, compact=True)
    if o.host is None:
        raise DecodeError('null host')
    o.port, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.rack, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_DescribeClusterResponse_DescribeClusterBroker_v1 = _d_DescribeClusterResponse_DescribeClusterBroker_v0

def _d_DescribeClusterResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeClusterResponse)
    o.endpoint_type = 1
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    if o.cluster_id is None:
        raise DecodeError('null cluster_id')
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeClusterResponse_DescribeClusterBroker_v0(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_DescribeClusterResponse_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeClusterResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.endpoint_type, = _S_b.unpack_from(buf, pos)
    pos += 1
    o.cluster_id, pos = read_string(buf, pos, compact=True)
    if o.cluster_id is None:
        raise DecodeError('null cluster_id')
    o.controller_id, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array brokers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeClusterResponse_DescribeClusterBroker_v1(buf, pos)
            lst.append(e)
        o.brokers = lst
    o.cluster_authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeClusterResponse_DescribeClusterBroker_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.broker_id)
    write_string(out, o.host, compact=True)
    out += _S_i.pack(o.port)
    write_string(out, o.rack, compact=True)
    out.append(0)

_e_DescribeClusterResponse_DescribeClusterBroker_v1 = _e_DescribeClusterResponse_DescribeClusterBroker_v0

def _e_DescribeClusterResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    write_string(out, o.cluster_id, compact=True)
    out += _S_i.pack(o.controller_id)
    lst = o.brokers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeClusterResponse_DescribeClusterBroker_v0(e, out, refs)
    out += _S_i.pack(o.cluster_authorized_operations)
    out.append(0)

def _e_DescribeClusterResponse_v1(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    out += _S_b.pack(o.endpoint_type)
    write_string(out, o.cluster_id, compact=True)
    out += _S_i.pack(o.controller_id)
    lst = o.brokers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeClusterResponse_DescribeClusterBroker_v1(e, out, refs)
    out += _S_i.pack(o.cluster_authorized_operations)
    out.append(0)


def _d_DescribeProducersRequest_TopicRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersRequest.TopicRequest)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_indexes')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partition_indexes')
        o.partition_indexes = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeProducersRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeProducersRequest_TopicRequest_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeProducersRequest_TopicRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_indexes
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_DescribeProducersRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeProducersRequest_TopicRequest_v0(e, out, refs)
    out.append(0)


def _d_DescribeProducersResponse_TopicResponse_PartitionResponse_ProducerState_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersResponse.TopicResponse.PartitionResponse.ProducerState)
    o.producer_id, o.producer_epoch, o.last_sequence, o.last_timestamp, o.coordinator_epoch, o.current_txn_start_offset, = _S_qiiqiq.unpack_from(buf, pos)
    pos += 36
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeProducersResponse_TopicResponse_PartitionResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersResponse.TopicResponse.PartitionResponse)
    o.partition_index, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array active_producers')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeProducersResponse_TopicResponse_PartitionResponse_ProducerState_v0(buf, pos)
            lst.append(e)
        o.active_producers = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeProducersResponse_TopicResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersResponse.TopicResponse)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeProducersResponse_TopicResponse_PartitionResponse_v0(buf, pos)
            lst.append(e)
        o.partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeProducersResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeProducersResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeProducersResponse_TopicResponse_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeProducersResponse_TopicResponse_PartitionResponse_ProducerState_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_qiiqiq.pack(o.producer_id, o.producer_epoch, o.last_sequence, o.last_timestamp, o.coordinator_epoch, o.current_txn_start_offset)
    out.append(0)


def _e_DescribeProducersResponse_TopicResponse_PartitionResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.partition_index, o.error_code)
    write_string(out, o.error_message, compact=True)
    lst = o.active_producers
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeProducersResponse_TopicResponse_PartitionResponse_ProducerState_v0(e, out, refs)
    out.append(0)


def _e_DescribeProducersResponse_TopicResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeProducersResponse_TopicResponse_PartitionResponse_v0(e, out, refs)
    out.append(0)


def _e_DescribeProducersResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeProducersResponse_TopicResponse_v0(e, out, refs)
    out.append(0)


def _d_DescribeTransactionsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeTransactionsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array transactional_ids')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.transactional_ids = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeTransactionsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.transactional_ids
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out.append(0)


def _d_DescribeTransactionsResponse_TransactionState_TopicData_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeTransactionsResponse.TransactionState.TopicData)
    o.topic, pos = read_string(buf, pos, compact=True)
    if o.topic is None:
        raise DecodeError('null topic')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeTransactionsResponse_TransactionState_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeTransactionsResponse.TransactionState)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.transaction_state, pos = read_string(buf, pos, compact=True)
    if o.transaction_state is None:
        raise DecodeError('null transaction_state')
    o.transaction_timeout_ms, o.transaction_start_time_ms, o.producer_id, o.producer_epoch, = _S_iqqh.unpack_from(buf, pos)
    pos += 22
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topics')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeTransactionsResponse_TransactionState_TopicData_v0(buf, pos)
            lst.append(e)
        o.topics = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_DescribeTransactionsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(DescribeTransactionsResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array transaction_states')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_DescribeTransactionsResponse_TransactionState_v0(buf, pos)
            lst.append(e)
        o.transaction_states = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_DescribeTransactionsResponse_TransactionState_TopicData_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.topic, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_DescribeTransactionsResponse_TransactionState_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.transactional_id, compact=True)
    write_string(out, o.transaction_state, compact=True)
    out += _S_iqqh.pack(o.transaction_timeout_ms, o.transaction_start_time_ms, o.producer_id, o.producer_epoch)
    lst = o.topics
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeTransactionsResponse_TransactionState_TopicData_v0(e, out, refs)
    out.append(0)


def _e_DescribeTransactionsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.transaction_states
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_DescribeTransactionsResponse_TransactionState_v0(e, out, refs)
    out.append(0)


def _d_ListTransactionsRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListTransactionsRequest)
    o.duration_filter = -1
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array state_filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.state_filters = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array producer_id_filters')
    else:
        end = pos + n * 8
        if end > len(buf):
            raise DecodeError('truncated array producer_id_filters')
        o.producer_id_filters = list(struct.unpack_from(f'>{n}q', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ListTransactionsRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListTransactionsRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array state_filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.state_filters = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array producer_id_filters')
    else:
        end = pos + n * 8
        if end > len(buf):
            raise DecodeError('truncated array producer_id_filters')
        o.producer_id_filters = list(struct.unpack_from(f'>{n}q', buf, pos))
        pos = end
    o.duration_filter, = _S_q.unpack_from(buf, pos)
    pos += 8
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ListTransactionsRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.state_filters
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    lst = o.producer_id_filters
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}q', *lst)
    out.append(0)

def _e_ListTransactionsRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.state_filters
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    lst = o.producer_id_filters
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}q', *lst)
    out += _S_q.pack(o.duration_filter)
    out.append(0)


def _d_ListTransactionsResponse_TransactionState_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListTransactionsResponse.TransactionState)
    o.transactional_id, pos = read_string(buf, pos, compact=True)
    if o.transactional_id is None:
        raise DecodeError('null transactional_id')
    o.producer_id, = _S_q.unpack_from(buf, pos)
    pos += 8
    o.transaction_state, pos = read_string(buf, pos, compact=True)
    if o.transaction_state is None:
        raise DecodeError('null transaction_state')
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListTransactionsResponse_TransactionState_v1 = _d_ListTransactionsResponse_TransactionState_v0

def _d_ListTransactionsResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ListTransactionsResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array unknown_state_filters')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.unknown_state_filters = lst
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array transaction_states')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ListTransactionsResponse_TransactionState_v0(buf, pos)
            lst.append(e)
        o.transaction_states = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ListTransactionsResponse_v1 = _d_ListTransactionsResponse_v0

def _e_ListTransactionsResponse_TransactionState_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.transactional_id, compact=True)
    out += _S_q.pack(o.producer_id)
    write_string(out, o.transaction_state, compact=True)
    out.append(0)

_e_ListTransactionsResponse_TransactionState_v1 = _e_ListTransactionsResponse_TransactionState_v0

def _e_ListTransactionsResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    lst = o.unknown_state_filters
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    lst = o.transaction_states
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ListTransactionsResponse_TransactionState_v0(e, out, refs)
    out.append(0)

_e_ListTransactionsResponse_v1 = _e_ListTransactionsResponse_v0

def _d_ConsumerGroupHeartbeatRequest_TopicPartitions_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatRequest.TopicPartitions)
    o.topic_id, pos = read_uuid(buf, pos)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ConsumerGroupHeartbeatRequest_TopicPartitions_v1 = _d_ConsumerGroupHeartbeatRequest_TopicPartitions_v0

def _d_ConsumerGroupHeartbeatRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatRequest)
    o.subscribed_topic_regex = None
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.instance_id, pos = read_string(buf, pos, compact=True)
    o.rack_id, pos = read_string(buf, pos, compact=True)
    o.rebalance_timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.subscribed_topic_names = None
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.subscribed_topic_names = lst
    o.server_assignor, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topic_partitions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupHeartbeatRequest_TopicPartitions_v0(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

def _d_ConsumerGroupHeartbeatRequest_v1(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatRequest)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.instance_id, pos = read_string(buf, pos, compact=True)
    o.rack_id, pos = read_string(buf, pos, compact=True)
    o.rebalance_timeout_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.subscribed_topic_names = None
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.subscribed_topic_names = lst
    o.subscribed_topic_regex, pos = read_string(buf, pos, compact=True)
    o.server_assignor, pos = read_string(buf, pos, compact=True)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        o.topic_partitions = None
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupHeartbeatRequest_TopicPartitions_v1(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ConsumerGroupHeartbeatRequest_TopicPartitions_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += o.topic_id.bytes
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_ConsumerGroupHeartbeatRequest_TopicPartitions_v1 = _e_ConsumerGroupHeartbeatRequest_TopicPartitions_v0

def _e_ConsumerGroupHeartbeatRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.member_id, compact=True)
    out += _S_i.pack(o.member_epoch)
    write_string(out, o.instance_id, compact=True)
    write_string(out, o.rack_id, compact=True)
    out += _S_i.pack(o.rebalance_timeout_ms)
    lst = o.subscribed_topic_names
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            write_string(out, e, compact=True)
    write_string(out, o.server_assignor, compact=True)
    lst = o.topic_partitions
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_ConsumerGroupHeartbeatRequest_TopicPartitions_v0(e, out, refs)
    out.append(0)

def _e_ConsumerGroupHeartbeatRequest_v1(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.group_id, compact=True)
    write_string(out, o.member_id, compact=True)
    out += _S_i.pack(o.member_epoch)
    write_string(out, o.instance_id, compact=True)
    write_string(out, o.rack_id, compact=True)
    out += _S_i.pack(o.rebalance_timeout_ms)
    lst = o.subscribed_topic_names
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            write_string(out, e, compact=True)
    write_string(out, o.subscribed_topic_regex, compact=True)
    write_string(out, o.server_assignor, compact=True)
    lst = o.topic_partitions
    if lst is None:
        write_array_length(out, None, compact=True)
    else:
        write_array_length(out, len(lst), compact=True)
        for e in lst:
            _e_ConsumerGroupHeartbeatRequest_TopicPartitions_v1(e, out, refs)
    out.append(0)


def _d_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatResponse.Assignment.TopicPartitions)
    o.topic_id, pos = read_uuid(buf, pos)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v1 = _d_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0

def _d_ConsumerGroupHeartbeatResponse_Assignment_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatResponse.Assignment)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ConsumerGroupHeartbeatResponse_Assignment_v1 = _d_ConsumerGroupHeartbeatResponse_Assignment_v0

def _d_ConsumerGroupHeartbeatResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupHeartbeatResponse)
    o.throttle_time_ms, o.error_code, = _S_ih.unpack_from(buf, pos)
    pos += 6
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.member_id, pos = read_string(buf, pos, compact=True)
    o.member_epoch, o.heartbeat_interval_ms, = _S_ii.unpack_from(buf, pos)
    pos += 8
    if buf[pos] == 255:
        pos += 1
        o.assignment = None
    else:
        o.assignment, pos = _d_ConsumerGroupHeartbeatResponse_Assignment_v0(buf, pos + 1)
    pos = skip_tagged_fields(buf, pos)
    return o, pos

_d_ConsumerGroupHeartbeatResponse_v1 = _d_ConsumerGroupHeartbeatResponse_v0

def _e_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += o.topic_id.bytes
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)

_e_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v1 = _e_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0

def _e_ConsumerGroupHeartbeatResponse_Assignment_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConsumerGroupHeartbeatResponse_Assignment_TopicPartitions_v0(e, out, refs)
    out.append(0)

_e_ConsumerGroupHeartbeatResponse_Assignment_v1 = _e_ConsumerGroupHeartbeatResponse_Assignment_v0

def _e_ConsumerGroupHeartbeatResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ih.pack(o.throttle_time_ms, o.error_code)
    write_string(out, o.error_message, compact=True)
    write_string(out, o.member_id, compact=True)
    out += _S_ii.pack(o.member_epoch, o.heartbeat_interval_ms)
    if o.assignment is None:
        out.append(255)
    else:
        out.append(1)
        _e_ConsumerGroupHeartbeatResponse_Assignment_v0(o.assignment, out, refs)
    out.append(0)

_e_ConsumerGroupHeartbeatResponse_v1 = _e_ConsumerGroupHeartbeatResponse_v0

def _d_ConsumerGroupDescribeRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeRequest)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array group_ids')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.group_ids = lst
    o.include_authorized_operations, = _S_o.unpack_from(buf, pos)
    pos += 1
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ConsumerGroupDescribeRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.group_ids
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    out += _S_o.pack(o.include_authorized_operations)
    out.append(0)


def _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_TopicPartitions_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment.TopicPartitions)
    o.topic_id, pos = read_uuid(buf, pos)
    o.topic_name, pos = read_string(buf, pos, compact=True)
    if o.topic_name is None:
        raise DecodeError('null topic_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup.Member.TargetAssignment)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_TopicPartitions_v0(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_TopicPartitions_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment.TopicPartitions)
    o.topic_id, pos = read_uuid(buf, pos)
    o.topic_name, pos = read_string(buf, pos, compact=True)
    if o.topic_name is None:
        raise DecodeError('null topic_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partitions')
    else:
        end = pos + n * 4
        if end > len(buf):
            raise DecodeError('truncated array partitions')
        o.partitions = list(struct.unpack_from(f'>{n}i', buf, pos))
        pos = end
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup.Member.Assignment)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_partitions')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_TopicPartitions_v0(buf, pos)
            lst.append(e)
        o.topic_partitions = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup.Member)
    o.member_id, pos = read_string(buf, pos, compact=True)
    if o.member_id is None:
        raise DecodeError('null member_id')
    o.instance_id, pos = read_string(buf, pos, compact=True)
    o.rack_id, pos = read_string(buf, pos, compact=True)
    o.member_epoch, = _S_i.unpack_from(buf, pos)
    pos += 4
    o.client_id, pos = read_string(buf, pos, compact=True)
    if o.client_id is None:
        raise DecodeError('null client_id')
    o.client_host, pos = read_string(buf, pos, compact=True)
    if o.client_host is None:
        raise DecodeError('null client_host')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array subscribed_topic_names')
    else:
        lst = []
        for _ in range(n):
            e, pos = read_string(buf, pos, compact=True)
            if e is None:
                raise DecodeError('null element')
            lst.append(e)
        o.subscribed_topic_names = lst
    o.subscribed_topic_regex, pos = read_string(buf, pos, compact=True)
    o.assignment, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_v0(buf, pos)
    o.target_assignment, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_v0(buf, pos)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_DescribedGroup_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse.DescribedGroup)
    o.error_code, = _S_h.unpack_from(buf, pos)
    pos += 2
    o.error_message, pos = read_string(buf, pos, compact=True)
    o.group_id, pos = read_string(buf, pos, compact=True)
    if o.group_id is None:
        raise DecodeError('null group_id')
    o.group_state, pos = read_string(buf, pos, compact=True)
    if o.group_state is None:
        raise DecodeError('null group_state')
    o.group_epoch, o.assignment_epoch, = _S_ii.unpack_from(buf, pos)
    pos += 8
    o.assignor_name, pos = read_string(buf, pos, compact=True)
    if o.assignor_name is None:
        raise DecodeError('null assignor_name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array members')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_Member_v0(buf, pos)
            lst.append(e)
        o.members = lst
    o.authorized_operations, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConsumerGroupDescribeResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConsumerGroupDescribeResponse)
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array groups')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConsumerGroupDescribeResponse_DescribedGroup_v0(buf, pos)
            lst.append(e)
        o.groups = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_TopicPartitions_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += o.topic_id.bytes
    write_string(out, o.topic_name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_TopicPartitions_v0(e, out, refs)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_TopicPartitions_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += o.topic_id.bytes
    write_string(out, o.topic_name, compact=True)
    lst = o.partitions
    write_array_length(out, len(lst), compact=True)
    out += struct.pack(f'>{len(lst)}i', *lst)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.topic_partitions
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_TopicPartitions_v0(e, out, refs)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.member_id, compact=True)
    write_string(out, o.instance_id, compact=True)
    write_string(out, o.rack_id, compact=True)
    out += _S_i.pack(o.member_epoch)
    write_string(out, o.client_id, compact=True)
    write_string(out, o.client_host, compact=True)
    lst = o.subscribed_topic_names
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        write_string(out, e, compact=True)
    write_string(out, o.subscribed_topic_regex, compact=True)
    _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_Assignment_v0(o.assignment, out, refs)
    _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_TargetAssignment_v0(o.target_assignment, out, refs)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_DescribedGroup_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_h.pack(o.error_code)
    write_string(out, o.error_message, compact=True)
    write_string(out, o.group_id, compact=True)
    write_string(out, o.group_state, compact=True)
    out += _S_ii.pack(o.group_epoch, o.assignment_epoch)
    write_string(out, o.assignor_name, compact=True)
    lst = o.members
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConsumerGroupDescribeResponse_DescribedGroup_Member_v0(e, out, refs)
    out += _S_i.pack(o.authorized_operations)
    out.append(0)


def _e_ConsumerGroupDescribeResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_i.pack(o.throttle_time_ms)
    lst = o.groups
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConsumerGroupDescribeResponse_DescribedGroup_v0(e, out, refs)
    out.append(0)


def _d_ConditionalProduceRequest_TopicProduceData_PartitionProduceData_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceRequest.TopicProduceData.PartitionProduceData)
    o.index, o.expected_offset, = _S_iq.unpack_from(buf, pos)
    pos += 12
    o.records, pos = read_bytes_view(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConditionalProduceRequest_TopicProduceData_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceRequest.TopicProduceData)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConditionalProduceRequest_TopicProduceData_PartitionProduceData_v0(buf, pos)
            lst.append(e)
        o.partition_data = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConditionalProduceRequest_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceRequest)
    o.acks, o.timeout_ms, = _S_hi.unpack_from(buf, pos)
    pos += 6
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array topic_data')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConditionalProduceRequest_TopicProduceData_v0(buf, pos)
            lst.append(e)
        o.topic_data = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ConditionalProduceRequest_TopicProduceData_PartitionProduceData_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_iq.pack(o.index, o.expected_offset)
    write_records(out, refs, o.records, compact=True)
    out.append(0)


def _e_ConditionalProduceRequest_TopicProduceData_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_data
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConditionalProduceRequest_TopicProduceData_PartitionProduceData_v0(e, out, refs)
    out.append(0)


def _e_ConditionalProduceRequest_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_hi.pack(o.acks, o.timeout_ms)
    lst = o.topic_data
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConditionalProduceRequest_TopicProduceData_v0(e, out, refs)
    out.append(0)


def _d_ConditionalProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceResponse.TopicProduceResponse.PartitionProduceResponse)
    o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset, o.log_end_offset, = _S_ihqqqq.unpack_from(buf, pos)
    pos += 38
    o.error_message, pos = read_string(buf, pos, compact=True)
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConditionalProduceResponse_TopicProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceResponse.TopicProduceResponse)
    o.name, pos = read_string(buf, pos, compact=True)
    if o.name is None:
        raise DecodeError('null name')
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array partition_responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConditionalProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(buf, pos)
            lst.append(e)
        o.partition_responses = lst
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _d_ConditionalProduceResponse_v0(buf: memoryview, pos: int) -> tuple[Any, int]:
    o = _new(ConditionalProduceResponse)
    n, pos = read_array_length(buf, pos, compact=True)
    if n < 0:
        raise DecodeError('null array responses')
    else:
        lst = []
        for _ in range(n):
            e, pos = _d_ConditionalProduceResponse_TopicProduceResponse_v0(buf, pos)
            lst.append(e)
        o.responses = lst
    o.throttle_time_ms, = _S_i.unpack_from(buf, pos)
    pos += 4
    pos = skip_tagged_fields(buf, pos)
    return o, pos


def _e_ConditionalProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    out += _S_ihqqqq.pack(o.index, o.error_code, o.base_offset, o.log_append_time_ms, o.log_start_offset, o.log_end_offset)
    write_string(out, o.error_message, compact=True)
    out.append(0)


def _e_ConditionalProduceResponse_TopicProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    write_string(out, o.name, compact=True)
    lst = o.partition_responses
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConditionalProduceResponse_TopicProduceResponse_PartitionProduceResponse_v0(e, out, refs)
    out.append(0)


def _e_ConditionalProduceResponse_v0(o: Any, out: bytearray, refs: Refs) -> None:
    lst = o.responses
    write_array_length(out, len(lst), compact=True)
    for e in lst:
        _e_ConditionalProduceResponse_TopicProduceResponse_v0(e, out, refs)
    out += _S_i.pack(o.throttle_time_ms)
    out.append(0)


ProduceRequest._DECODERS = (_d_ProduceRequest_v0, _d_ProduceRequest_v1, _d_ProduceRequest_v2, _d_ProduceRequest_v3, _d_ProduceRequest_v4, _d_ProduceRequest_v5, _d_ProduceRequest_v6, _d_ProduceRequest_v7, _d_ProduceRequest_v8, )
ProduceRequest._ENCODERS = (_e_ProduceRequest_v0, _e_ProduceRequest_v1, _e_ProduceRequest_v2, _e_ProduceRequest_v3, _e_ProduceRequest_v4, _e_ProduceRequest_v5, _e_ProduceRequest_v6, _e_ProduceRequest_v7, _e_ProduceRequest_v8, )
ProduceResponse._DECODERS = (_d_ProduceResponse_v0, _d_ProduceResponse_v1, _d_ProduceResponse_v2, _d_ProduceResponse_v3, _d_ProduceResponse_v4, _d_ProduceResponse_v5, _d_ProduceResponse_v6, _d_ProduceResponse_v7, _d_ProduceResponse_v8, )
ProduceResponse._ENCODERS = (_e_ProduceResponse_v0, _e_ProduceResponse_v1, _e_ProduceResponse_v2, _e_ProduceResponse_v3, _e_ProduceResponse_v4, _e_ProduceResponse_v5, _e_ProduceResponse_v6, _e_ProduceResponse_v7, _e_ProduceResponse_v8, )
FetchRequest._DECODERS = (_d_FetchRequest_v4, _d_FetchRequest_v5, _d_FetchRequest_v6, _d_FetchRequest_v7, _d_FetchRequest_v8, _d_FetchRequest_v9, _d_FetchRequest_v10, _d_FetchRequest_v11, )
FetchRequest._ENCODERS = (_e_FetchRequest_v4, _e_FetchRequest_v5, _e_FetchRequest_v6, _e_FetchRequest_v7, _e_FetchRequest_v8, _e_FetchRequest_v9, _e_FetchRequest_v10, _e_FetchRequest_v11, )
FetchResponse._DECODERS = (_d_FetchResponse_v4, _d_FetchResponse_v5, _d_FetchResponse_v6, _d_FetchResponse_v7, _d_FetchResponse_v8, _d_FetchResponse_v9, _d_FetchResponse_v10, _d_FetchResponse_v11, )
FetchResponse._ENCODERS = (_e_FetchResponse_v4, _e_FetchResponse_v5, _e_FetchResponse_v6, _e_FetchResponse_v7, _e_FetchResponse_v8, _e_FetchResponse_v9, _e_FetchResponse_v10, _e_FetchResponse_v11, )
ListOffsetsRequest._DECODERS = (_d_ListOffsetsRequest_v1, _d_ListOffsetsRequest_v2, _d_ListOffsetsRequest_v3, _d_ListOffsetsRequest_v4, _d_ListOffsetsRequest_v5, _d_ListOffsetsRequest_v6, _d_ListOffsetsRequest_v7, )
ListOffsetsRequest._ENCODERS = (_e_ListOffsetsRequest_v1, _e_ListOffsetsRequest_v2, _e_ListOffsetsRequest_v3, _e_ListOffsetsRequest_v4, _e_ListOffsetsRequest_v5, _e_ListOffsetsRequest_v6, _e_ListOffsetsRequest_v7, )
ListOffsetsResponse._DECODERS = (_d_ListOffsetsResponse_v1, _d_ListOffsetsResponse_v2, _d_ListOffsetsResponse_v3, _d_ListOffsetsResponse_v4, _d_ListOffsetsResponse_v5, _d_ListOffsetsResponse_v6, _d_ListOffsetsResponse_v7, )
ListOffsetsResponse._ENCODERS = (_e_ListOffsetsResponse_v1, _e_ListOffsetsResponse_v2, _e_ListOffsetsResponse_v3, _e_ListOffsetsResponse_v4, _e_ListOffsetsResponse_v5, _e_ListOffsetsResponse_v6, _e_ListOffsetsResponse_v7, )
MetadataRequest._DECODERS = (_d_MetadataRequest_v0, _d_MetadataRequest_v1, _d_MetadataRequest_v2, _d_MetadataRequest_v3, _d_MetadataRequest_v4, _d_MetadataRequest_v5, _d_MetadataRequest_v6, _d_MetadataRequest_v7, _d_MetadataRequest_v8, _d_MetadataRequest_v9, _d_MetadataRequest_v10, _d_MetadataRequest_v11, _d_MetadataRequest_v12, )
MetadataRequest._ENCODERS = (_e_MetadataRequest_v0, _e_MetadataRequest_v1, _e_MetadataRequest_v2, _e_MetadataRequest_v3, _e_MetadataRequest_v4, _e_MetadataRequest_v5, _e_MetadataRequest_v6, _e_MetadataRequest_v7, _e_MetadataRequest_v8, _e_MetadataRequest_v9, _e_MetadataRequest_v10, _e_MetadataRequest_v11, _e_MetadataRequest_v12, )
MetadataResponse._DECODERS = (_d_MetadataResponse_v0, _d_MetadataResponse_v1, _d_MetadataResponse_v2, _d_MetadataResponse_v3, _d_MetadataResponse_v4, _d_MetadataResponse_v5, _d_MetadataResponse_v6, _d_MetadataResponse_v7, _d_MetadataResponse_v8, _d_MetadataResponse_v9, _d_MetadataResponse_v10, _d_MetadataResponse_v11, _d_MetadataResponse_v12, )
MetadataResponse._ENCODERS = (_e_MetadataResponse_v0, _e_MetadataResponse_v1, _e_MetadataResponse_v2, _e_MetadataResponse_v3, _e_MetadataResponse_v4, _e_MetadataResponse_v5, _e_MetadataResponse_v6, _e_MetadataResponse_v7, _e_MetadataResponse_v8, _e_MetadataResponse_v9, _e_MetadataResponse_v10, _e_MetadataResponse_v11, _e_MetadataResponse_v12, )
OffsetCommitRequest._DECODERS = (_d_OffsetCommitRequest_v2, _d_OffsetCommitRequest_v3, _d_OffsetCommitRequest_v4, _d_OffsetCommitRequest_v5, _d_OffsetCommitRequest_v6, _d_OffsetCommitRequest_v7, _d_OffsetCommitRequest_v8, _d_OffsetCommitRequest_v9, )
OffsetCommitRequest._ENCODERS = (_e_OffsetCommitRequest_v2, _e_OffsetCommitRequest_v3, _e_OffsetCommitRequest_v4, _e_OffsetCommitRequest_v5, _e_OffsetCommitRequest_v6, _e_OffsetCommitRequest_v7, _e_OffsetCommitRequest_v8, _e_OffsetCommitRequest_v9, )
OffsetCommitResponse._DECODERS = (_d_OffsetCommitResponse_v2, _d_OffsetCommitResponse_v3, _d_OffsetCommitResponse_v4, _d_OffsetCommitResponse_v5, _d_OffsetCommitResponse_v6, _d_OffsetCommitResponse_v7, _d_OffsetCommitResponse_v8, _d_OffsetCommitResponse_v9, )
OffsetCommitResponse._ENCODERS = (_e_OffsetCommitResponse_v2, _e_OffsetCommitResponse_v3, _e_OffsetCommitResponse_v4, _e_OffsetCommitResponse_v5, _e_OffsetCommitResponse_v6, _e_OffsetCommitResponse_v7, _e_OffsetCommitResponse_v8, _e_OffsetCommitResponse_v9, )
OffsetFetchRequest._DECODERS = (_d_OffsetFetchRequest_v1, _d_OffsetFetchRequest_v2, _d_OffsetFetchRequest_v3, _d_OffsetFetchRequest_v4, _d_OffsetFetchRequest_v5, _d_OffsetFetchRequest_v6, _d_OffsetFetchRequest_v7, _d_OffsetFetchRequest_v8, _d_OffsetFetchRequest_v9, )
OffsetFetchRequest._ENCODERS = (_e_OffsetFetchRequest_v1, _e_OffsetFetchRequest_v2, _e_OffsetFetchRequest_v3, _e_OffsetFetchRequest_v4, _e_OffsetFetchRequest_v5, _e_OffsetFetchRequest_v6, _e_OffsetFetchRequest_v7, _e_OffsetFetchRequest_v8, _e_OffsetFetchRequest_v9, )
OffsetFetchResponse._DECODERS = (_d_OffsetFetchResponse_v1, _d_OffsetFetchResponse_v2, _d_OffsetFetchResponse_v3, _d_OffsetFetchResponse_v4, _d_OffsetFetchResponse_v5, _d_OffsetFetchResponse_v6, _d_OffsetFetchResponse_v7, _d_OffsetFetchResponse_v8, _d_OffsetFetchResponse_v9, )
OffsetFetchResponse._ENCODERS = (_e_OffsetFetchResponse_v1, _e_OffsetFetchResponse_v2, _e_OffsetFetchResponse_v3, _e_OffsetFetchResponse_v4, _e_OffsetFetchResponse_v5, _e_OffsetFetchResponse_v6, _e_OffsetFetchResponse_v7, _e_OffsetFetchResponse_v8, _e_OffsetFetchResponse_v9, )
FindCoordinatorRequest._DECODERS = (_d_FindCoordinatorRequest_v0, _d_FindCoordinatorRequest_v1, _d_FindCoordinatorRequest_v2, _d_FindCoordinatorRequest_v3, )
FindCoordinatorRequest._ENCODERS = (_e_FindCoordinatorRequest_v0, _e_FindCoordinatorRequest_v1, _e_FindCoordinatorRequest_v2, _e_FindCoordinatorRequest_v3, )
FindCoordinatorResponse._DECODERS = (_d_FindCoordinatorResponse_v0, _d_FindCoordinatorResponse_v1, _d_FindCoordinatorResponse_v2, _d_FindCoordinatorResponse_v3, )
FindCoordinatorResponse._ENCODERS = (_e_FindCoordinatorResponse_v0, _e_FindCoordinatorResponse_v1, _e_FindCoordinatorResponse_v2, _e_FindCoordinatorResponse_v3, )
JoinGroupRequest._DECODERS = (_d_JoinGroupRequest_v0, _d_JoinGroupRequest_v1, _d_JoinGroupRequest_v2, _d_JoinGroupRequest_v3, _d_JoinGroupRequest_v4, _d_JoinGroupRequest_v5, _d_JoinGroupRequest_v6, _d_JoinGroupRequest_v7, )
JoinGroupRequest._ENCODERS = (_e_JoinGroupRequest_v0, _e_JoinGroupRequest_v1, _e_JoinGroupRequest_v2, _e_JoinGroupRequest_v3, _e_JoinGroupRequest_v4, _e_JoinGroupRequest_v5, _e_JoinGroupRequest_v6, _e_JoinGroupRequest_v7, )
JoinGroupResponse._DECODERS = (_d_JoinGroupResponse_v0, _d_JoinGroupResponse_v1, _d_JoinGroupResponse_v2, _d_JoinGroupResponse_v3, _d_JoinGroupResponse_v4, _d_JoinGroupResponse_v5, _d_JoinGroupResponse_v6, _d_JoinGroupResponse_v7, )
JoinGroupResponse._ENCODERS = (_e_JoinGroupResponse_v0, _e_JoinGroupResponse_v1, _e_JoinGroupResponse_v2, _e_JoinGroupResponse_v3, _e_JoinGroupResponse_v4, _e_JoinGroupResponse_v5, _e_JoinGroupResponse_v6, _e_JoinGroupResponse_v7, )
HeartbeatRequest._DECODERS = (_d_HeartbeatRequest_v0, _d_HeartbeatRequest_v1, _d_HeartbeatRequest_v2, _d_HeartbeatRequest_v3, _d_HeartbeatRequest_v4, )
HeartbeatRequest._ENCODERS = (_e_HeartbeatRequest_v0, _e_HeartbeatRequest_v1, _e_HeartbeatRequest_v2, _e_HeartbeatRequest_v3, _e_HeartbeatRequest_v4, )
HeartbeatResponse._DECODERS = (_d_HeartbeatResponse_v0, _d_HeartbeatResponse_v1, _d_HeartbeatResponse_v2, _d_HeartbeatResponse_v3, _d_HeartbeatResponse_v4, )
HeartbeatResponse._ENCODERS = (_e_HeartbeatResponse_v0, _e_HeartbeatResponse_v1, _e_HeartbeatResponse_v2, _e_HeartbeatResponse_v3, _e_HeartbeatResponse_v4, )
LeaveGroupRequest._DECODERS = (_d_LeaveGroupRequest_v0, _d_LeaveGroupRequest_v1, _d_LeaveGroupRequest_v2, _d_LeaveGroupRequest_v3, _d_LeaveGroupRequest_v4, )
LeaveGroupRequest._ENCODERS = (_e_LeaveGroupRequest_v0, _e_LeaveGroupRequest_v1, _e_LeaveGroupRequest_v2, _e_LeaveGroupRequest_v3, _e_LeaveGroupRequest_v4, )
LeaveGroupResponse._DECODERS = (_d_LeaveGroupResponse_v0, _d_LeaveGroupResponse_v1, _d_LeaveGroupResponse_v2, _d_LeaveGroupResponse_v3, _d_LeaveGroupResponse_v4, )
LeaveGroupResponse._ENCODERS = (_e_LeaveGroupResponse_v0, _e_LeaveGroupResponse_v1, _e_LeaveGroupResponse_v2, _e_LeaveGroupResponse_v3, _e_LeaveGroupResponse_v4, )
SyncGroupRequest._DECODERS = (_d_SyncGroupRequest_v0, _d_SyncGroupRequest_v1, _d_SyncGroupRequest_v2, _d_SyncGroupRequest_v3, _d_SyncGroupRequest_v4, _d_SyncGroupRequest_v5, )
SyncGroupRequest._ENCODERS = (_e_SyncGroupRequest_v0, _e_SyncGroupRequest_v1, _e_SyncGroupRequest_v2, _e_SyncGroupRequest_v3, _e_SyncGroupRequest_v4, _e_SyncGroupRequest_v5, )
SyncGroupResponse._DECODERS = (_d_SyncGroupResponse_v0, _d_SyncGroupResponse_v1, _d_SyncGroupResponse_v2, _d_SyncGroupResponse_v3, _d_SyncGroupResponse_v4, _d_SyncGroupResponse_v5, )
SyncGroupResponse._ENCODERS = (_e_SyncGroupResponse_v0, _e_SyncGroupResponse_v1, _e_SyncGroupResponse_v2, _e_SyncGroupResponse_v3, _e_SyncGroupResponse_v4, _e_SyncGroupResponse_v5, )
DescribeGroupsRequest._DECODERS = (_d_DescribeGroupsRequest_v0, _d_DescribeGroupsRequest_v1, _d_DescribeGroupsRequest_v2, _d_DescribeGroupsRequest_v3, _d_DescribeGroupsRequest_v4, _d_DescribeGroupsRequest_v5, )
DescribeGroupsRequest._ENCODERS = (_e_DescribeGroupsRequest_v0, _e_DescribeGroupsRequest_v1, _e_DescribeGroupsRequest_v2, _e_DescribeGroupsRequest_v3, _e_DescribeGroupsRequest_v4, _e_DescribeGroupsRequest_v5, )
DescribeGroupsResponse._DECODERS = (_d_DescribeGroupsResponse_v0, _d_DescribeGroupsResponse_v1, _d_DescribeGroupsResponse_v2, _d_DescribeGroupsResponse_v3, _d_DescribeGroupsResponse_v4, _d_DescribeGroupsResponse_v5, )
DescribeGroupsResponse._ENCODERS = (_e_DescribeGroupsResponse_v0, _e_DescribeGroupsResponse_v1, _e_DescribeGroupsResponse_v2, _e_DescribeGroupsResponse_v3, _e_DescribeGroupsResponse_v4, _e_DescribeGroupsResponse_v5, )
ListGroupsRequest._DECODERS = (_d_ListGroupsRequest_v0, _d_ListGroupsRequest_v1, _d_ListGroupsRequest_v2, _d_ListGroupsRequest_v3, _d_ListGroupsRequest_v4, _d_ListGroupsRequest_v5, )
ListGroupsRequest._ENCODERS = (_e_ListGroupsRequest_v0, _e_ListGroupsRequest_v1, _e_ListGroupsRequest_v2, _e_ListGroupsRequest_v3, _e_ListGroupsRequest_v4, _e_ListGroupsRequest_v5, )
ListGroupsResponse._DECODERS = (_d_ListGroupsResponse_v0, _d_ListGroupsResponse_v1, _d_ListGroupsResponse_v2, _d_ListGroupsResponse_v3, _d_ListGroupsResponse_v4, _d_ListGroupsResponse_v5, )
ListGroupsResponse._ENCODERS = (_e_ListGroupsResponse_v0, _e_ListGroupsResponse_v1, _e_ListGroupsResponse_v2, _e_ListGroupsResponse_v3, _e_ListGroupsResponse_v4, _e_ListGroupsResponse_v5, )
SaslHandshakeRequest._DECODERS = (_d_SaslHandshakeRequest_v0, _d_SaslHandshakeRequest_v1, )
SaslHandshakeRequest._ENCODERS = (_e_SaslHandshakeRequest_v0, _e_SaslHandshakeRequest_v1, )
SaslHandshakeResponse._DECODERS = (_d_SaslHandshakeResponse_v0, _d_SaslHandshakeResponse_v1, )
SaslHandshakeResponse._ENCODERS = (_e_SaslHandshakeResponse_v0, _e_SaslHandshakeResponse_v1, )
ApiVersionsRequest._DECODERS = (_d_ApiVersionsRequest_v0, _d_ApiVersionsRequest_v1, _d_ApiVersionsRequest_v2, _d_ApiVersionsRequest_v3, _d_ApiVersionsRequest_v4, )
ApiVersionsRequest._ENCODERS = (_e_ApiVersionsRequest_v0, _e_ApiVersionsRequest_v1, _e_ApiVersionsRequest_v2, _e_ApiVersionsRequest_v3, _e_ApiVersionsRequest_v4, )
ApiVersionsResponse._DECODERS = (_d_ApiVersionsResponse_v0, _d_ApiVersionsResponse_v1, _d_ApiVersionsResponse_v2, _d_ApiVersionsResponse_v3, _d_ApiVersionsResponse_v4, )
ApiVersionsResponse._ENCODERS = (_e_ApiVersionsResponse_v0, _e_ApiVersionsResponse_v1, _e_ApiVersionsResponse_v2, _e_ApiVersionsResponse_v3, _e_ApiVersionsResponse_v4, )
CreateTopicsRequest._DECODERS = (_d_CreateTopicsRequest_v2, _d_CreateTopicsRequest_v3, _d_CreateTopicsRequest_v4, _d_CreateTopicsRequest_v5, )
CreateTopicsRequest._ENCODERS = (_e_CreateTopicsRequest_v2, _e_CreateTopicsRequest_v3, _e_CreateTopicsRequest_v4, _e_CreateTopicsRequest_v5, )
CreateTopicsResponse._DECODERS = (_d_CreateTopicsResponse_v2, _d_CreateTopicsResponse_v3, _d_CreateTopicsResponse_v4, _d_CreateTopicsResponse_v5, )
CreateTopicsResponse._ENCODERS = (_e_CreateTopicsResponse_v2, _e_CreateTopicsResponse_v3, _e_CreateTopicsResponse_v4, _e_CreateTopicsResponse_v5, )
DeleteTopicsRequest._DECODERS = (_d_DeleteTopicsRequest_v1, _d_DeleteTopicsRequest_v2, _d_DeleteTopicsRequest_v3, _d_DeleteTopicsRequest_v4, )
DeleteTopicsRequest._ENCODERS = (_e_DeleteTopicsRequest_v1, _e_DeleteTopicsRequest_v2, _e_DeleteTopicsRequest_v3, _e_DeleteTopicsRequest_v4, )
DeleteTopicsResponse._DECODERS = (_d_DeleteTopicsResponse_v1, _d_DeleteTopicsResponse_v2, _d_DeleteTopicsResponse_v3, _d_DeleteTopicsResponse_v4, )
DeleteTopicsResponse._ENCODERS = (_e_DeleteTopicsResponse_v1, _e_DeleteTopicsResponse_v2, _e_DeleteTopicsResponse_v3, _e_DeleteTopicsResponse_v4, )
DeleteRecordsRequest._DECODERS = (_d_DeleteRecordsRequest_v0, _d_DeleteRecordsRequest_v1, _d_DeleteRecordsRequest_v2, )
DeleteRecordsRequest._ENCODERS = (_e_DeleteRecordsRequest_v0, _e_DeleteRecordsRequest_v1, _e_DeleteRecordsRequest_v2, )
DeleteRecordsResponse._DECODERS = (_d_DeleteRecordsResponse_v0, _d_DeleteRecordsResponse_v1, _d_DeleteRecordsResponse_v2, )
DeleteRecordsResponse._ENCODERS = (_e_DeleteRecordsResponse_v0, _e_DeleteRecordsResponse_v1, _e_DeleteRecordsResponse_v2, )
InitProducerIdRequest._DECODERS = (_d_InitProducerIdRequest_v0, _d_InitProducerIdRequest_v1, _d_InitProducerIdRequest_v2, _d_InitProducerIdRequest_v3, _d_InitProducerIdRequest_v4, )
InitProducerIdRequest._ENCODERS = (_e_InitProducerIdRequest_v0, _e_InitProducerIdRequest_v1, _e_InitProducerIdRequest_v2, _e_InitProducerIdRequest_v3, _e_InitProducerIdRequest_v4, )
InitProducerIdResponse._DECODERS = (_d_InitProducerIdResponse_v0, _d_InitProducerIdResponse_v1, _d_InitProducerIdResponse_v2, _d_InitProducerIdResponse_v3, _d_InitProducerIdResponse_v4, )
InitProducerIdResponse._ENCODERS = (_e_InitProducerIdResponse_v0, _e_InitProducerIdResponse_v1, _e_InitProducerIdResponse_v2, _e_InitProducerIdResponse_v3, _e_InitProducerIdResponse_v4, )
OffsetForLeaderEpochRequest._DECODERS = (_d_OffsetForLeaderEpochRequest_v2, _d_OffsetForLeaderEpochRequest_v3, _d_OffsetForLeaderEpochRequest_v4, )
OffsetForLeaderEpochRequest._ENCODERS = (_e_OffsetForLeaderEpochRequest_v2, _e_OffsetForLeaderEpochRequest_v3, _e_OffsetForLeaderEpochRequest_v4, )
OffsetForLeaderEpochResponse._DECODERS = (_d_OffsetForLeaderEpochResponse_v2, _d_OffsetForLeaderEpochResponse_v3, _d_OffsetForLeaderEpochResponse_v4, )
OffsetForLeaderEpochResponse._ENCODERS = (_e_OffsetForLeaderEpochResponse_v2, _e_OffsetForLeaderEpochResponse_v3, _e_OffsetForLeaderEpochResponse_v4, )
AddPartitionsToTxnRequest._DECODERS = (_d_AddPartitionsToTxnRequest_v0, _d_AddPartitionsToTxnRequest_v1, _d_AddPartitionsToTxnRequest_v2, _d_AddPartitionsToTxnRequest_v3, _d_AddPartitionsToTxnRequest_v4, _d_AddPartitionsToTxnRequest_v5, )
AddPartitionsToTxnRequest._ENCODERS = (_e_AddPartitionsToTxnRequest_v0, _e_AddPartitionsToTxnRequest_v1, _e_AddPartitionsToTxnRequest_v2, _e_AddPartitionsToTxnRequest_v3, _e_AddPartitionsToTxnRequest_v4, _e_AddPartitionsToTxnRequest_v5, )
AddPartitionsToTxnResponse._DECODERS = (_d_AddPartitionsToTxnResponse_v0, _d_AddPartitionsToTxnResponse_v1, _d_AddPartitionsToTxnResponse_v2, _d_AddPartitionsToTxnResponse_v3, _d_AddPartitionsToTxnResponse_v4, _d_AddPartitionsToTxnResponse_v5, )
AddPartitionsToTxnResponse._ENCODERS = (_e_AddPartitionsToTxnResponse_v0, _e_AddPartitionsToTxnResponse_v1, _e_AddPartitionsToTxnResponse_v2, _e_AddPartitionsToTxnResponse_v3, _e_AddPartitionsToTxnResponse_v4, _e_AddPartitionsToTxnResponse_v5, )
AddOffsetsToTxnRequest._DECODERS = (_d_AddOffsetsToTxnRequest_v0, _d_AddOffsetsToTxnRequest_v1, _d_AddOffsetsToTxnRequest_v2, _d_AddOffsetsToTxnRequest_v3, )
AddOffsetsToTxnRequest._ENCODERS = (_e_AddOffsetsToTxnRequest_v0, _e_AddOffsetsToTxnRequest_v1, _e_AddOffsetsToTxnRequest_v2, _e_AddOffsetsToTxnRequest_v3, )
AddOffsetsToTxnResponse._DECODERS = (_d_AddOffsetsToTxnResponse_v0, _d_AddOffsetsToTxnResponse_v1, _d_AddOffsetsToTxnResponse_v2, _d_AddOffsetsToTxnResponse_v3, )
AddOffsetsToTxnResponse._ENCODERS = (_e_AddOffsetsToTxnResponse_v0, _e_AddOffsetsToTxnResponse_v1, _e_AddOffsetsToTxnResponse_v2, _e_AddOffsetsToTxnResponse_v3, )
EndTxnRequest._DECODERS = (_d_EndTxnRequest_v0, _d_EndTxnRequest_v1, _d_EndTxnRequest_v2, _d_EndTxnRequest_v3, )
EndTxnRequest._ENCODERS = (_e_EndTxnRequest_v0, _e_EndTxnRequest_v1, _e_EndTxnRequest_v2, _e_EndTxnRequest_v3, )
EndTxnResponse._DECODERS = (_d_EndTxnResponse_v0, _d_EndTxnResponse_v1, _d_EndTxnResponse_v2, _d_EndTxnResponse_v3, )
EndTxnResponse._ENCODERS = (_e_EndTxnResponse_v0, _e_EndTxnResponse_v1, _e_EndTxnResponse_v2, _e_EndTxnResponse_v3, )
WriteTxnMarkersRequest._DECODERS = (_d_WriteTxnMarkersRequest_v0, _d_WriteTxnMarkersRequest_v1, )
WriteTxnMarkersRequest._ENCODERS = (_e_WriteTxnMarkersRequest_v0, _e_WriteTxnMarkersRequest_v1, )
WriteTxnMarkersResponse._DECODERS = (_d_WriteTxnMarkersResponse_v0, _d_WriteTxnMarkersResponse_v1, )
WriteTxnMarkersResponse._ENCODERS = (_e_WriteTxnMarkersResponse_v0, _e_WriteTxnMarkersResponse_v1, )
TxnOffsetCommitRequest._DECODERS = (_d_TxnOffsetCommitRequest_v0, _d_TxnOffsetCommitRequest_v1, _d_TxnOffsetCommitRequest_v2, _d_TxnOffsetCommitRequest_v3, )
TxnOffsetCommitRequest._ENCODERS = (_e_TxnOffsetCommitRequest_v0, _e_TxnOffsetCommitRequest_v1, _e_TxnOffsetCommitRequest_v2, _e_TxnOffsetCommitRequest_v3, )
TxnOffsetCommitResponse._DECODERS = (_d_TxnOffsetCommitResponse_v0, _d_TxnOffsetCommitResponse_v1, _d_TxnOffsetCommitResponse_v2, _d_TxnOffsetCommitResponse_v3, )
TxnOffsetCommitResponse._ENCODERS = (_e_TxnOffsetCommitResponse_v0, _e_TxnOffsetCommitResponse_v1, _e_TxnOffsetCommitResponse_v2, _e_TxnOffsetCommitResponse_v3, )
DescribeAclsRequest._DECODERS = (_d_DescribeAclsRequest_v0, _d_DescribeAclsRequest_v1, _d_DescribeAclsRequest_v2, _d_DescribeAclsRequest_v3, )
DescribeAclsRequest._ENCODERS = (_e_DescribeAclsRequest_v0, _e_DescribeAclsRequest_v1, _e_DescribeAclsRequest_v2, _e_DescribeAclsRequest_v3, )
DescribeAclsResponse._DECODERS = (_d_DescribeAclsResponse_v0, _d_DescribeAclsResponse_v1, _d_DescribeAclsResponse_v2, _d_DescribeAclsResponse_v3, )
DescribeAclsResponse._ENCODERS = (_e_DescribeAclsResponse_v0, _e_DescribeAclsResponse_v1, _e_DescribeAclsResponse_v2, _e_DescribeAclsResponse_v3, )
CreateAclsRequest._DECODERS = (_d_CreateAclsRequest_v0, _d_CreateAclsRequest_v1, _d_CreateAclsRequest_v2, _d_CreateAclsRequest_v3, )
CreateAclsRequest._ENCODERS = (_e_CreateAclsRequest_v0, _e_CreateAclsRequest_v1, _e_CreateAclsRequest_v2, _e_CreateAclsRequest_v3, )
CreateAclsResponse._DECODERS = (_d_CreateAclsResponse_v0, _d_CreateAclsResponse_v1, _d_CreateAclsResponse_v2, _d_CreateAclsResponse_v3, )
CreateAclsResponse._ENCODERS = (_e_CreateAclsResponse_v0, _e_CreateAclsResponse_v1, _e_CreateAclsResponse_v2, _e_CreateAclsResponse_v3, )
DeleteAclsRequest._DECODERS = (_d_DeleteAclsRequest_v0, _d_DeleteAclsRequest_v1, _d_DeleteAclsRequest_v2, _d_DeleteAclsRequest_v3, )
DeleteAclsRequest._ENCODERS = (_e_DeleteAclsRequest_v0, _e_DeleteAclsRequest_v1, _e_DeleteAclsRequest_v2, _e_DeleteAclsRequest_v3, )
DeleteAclsResponse._DECODERS = (_d_DeleteAclsResponse_v0, _d_DeleteAclsResponse_v1, _d_DeleteAclsResponse_v2, _d_DeleteAclsResponse_v3, )
DeleteAclsResponse._ENCODERS = (_e_DeleteAclsResponse_v0, _e_DeleteAclsResponse_v1, _e_DeleteAclsResponse_v2, _e_DeleteAclsResponse_v3, )
DescribeConfigsRequest._DECODERS = (_d_DescribeConfigsRequest_v0, _d_DescribeConfigsRequest_v1, _d_DescribeConfigsRequest_v2, _d_DescribeConfigsRequest_v3, _d_DescribeConfigsRequest_v4, )
DescribeConfigsRequest._ENCODERS = (_e_DescribeConfigsRequest_v0, _e_DescribeConfigsRequest_v1, _e_DescribeConfigsRequest_v2, _e_DescribeConfigsRequest_v3, _e_DescribeConfigsRequest_v4, )
DescribeConfigsResponse._DECODERS = (_d_DescribeConfigsResponse_v0, _d_DescribeConfigsResponse_v1, _d_DescribeConfigsResponse_v2, _d_DescribeConfigsResponse_v3, _d_DescribeConfigsResponse_v4, )
DescribeConfigsResponse._ENCODERS = (_e_DescribeConfigsResponse_v0, _e_DescribeConfigsResponse_v1, _e_DescribeConfigsResponse_v2, _e_DescribeConfigsResponse_v3, _e_DescribeConfigsResponse_v4, )
AlterConfigsRequest._DECODERS = (_d_AlterConfigsRequest_v0, _d_AlterConfigsRequest_v1, _d_AlterConfigsRequest_v2, )
AlterConfigsRequest._ENCODERS = (_e_AlterConfigsRequest_v0, _e_AlterConfigsRequest_v1, _e_AlterConfigsRequest_v2, )
AlterConfigsResponse._DECODERS = (_d_AlterConfigsResponse_v0, _d_AlterConfigsResponse_v1, _d_AlterConfigsResponse_v2, )
AlterConfigsResponse._ENCODERS = (_e_AlterConfigsResponse_v0, _e_AlterConfigsResponse_v1, _e_AlterConfigsResponse_v2, )
DescribeLogDirsRequest._DECODERS = (_d_DescribeLogDirsRequest_v0, _d_DescribeLogDirsRequest_v1, _d_DescribeLogDirsRequest_v2, _d_DescribeLogDirsRequest_v3, _d_DescribeLogDirsRequest_v4, )
DescribeLogDirsRequest._ENCODERS = (_e_DescribeLogDirsRequest_v0, _e_DescribeLogDirsRequest_v1, _e_DescribeLogDirsRequest_v2, _e_DescribeLogDirsRequest_v3, _e_DescribeLogDirsRequest_v4, )
DescribeLogDirsResponse._DECODERS = (_d_DescribeLogDirsResponse_v0, _d_DescribeLogDirsResponse_v1, _d_DescribeLogDirsResponse_v2, _d_DescribeLogDirsResponse_v3, _d_DescribeLogDirsResponse_v4, )
DescribeLogDirsResponse._ENCODERS = (_e_DescribeLogDirsResponse_v0, _e_DescribeLogDirsResponse_v1, _e_DescribeLogDirsResponse_v2, _e_DescribeLogDirsResponse_v3, _e_DescribeLogDirsResponse_v4, )
SaslAuthenticateRequest._DECODERS = (_d_SaslAuthenticateRequest_v0, _d_SaslAuthenticateRequest_v1, _d_SaslAuthenticateRequest_v2, )
SaslAuthenticateRequest._ENCODERS = (_e_SaslAuthenticateRequest_v0, _e_SaslAuthenticateRequest_v1, _e_SaslAuthenticateRequest_v2, )
SaslAuthenticateResponse._DECODERS = (_d_SaslAuthenticateResponse_v0, _d_SaslAuthenticateResponse_v1, _d_SaslAuthenticateResponse_v2, )
SaslAuthenticateResponse._ENCODERS = (_e_SaslAuthenticateResponse_v0, _e_SaslAuthenticateResponse_v1, _e_SaslAuthenticateResponse_v2, )
CreatePartitionsRequest._DECODERS = (_d_CreatePartitionsRequest_v0, _d_CreatePartitionsRequest_v1, _d_CreatePartitionsRequest_v2, _d_CreatePartitionsRequest_v3, )
CreatePartitionsRequest._ENCODERS = (_e_CreatePartitionsRequest_v0, _e_CreatePartitionsRequest_v1, _e_CreatePartitionsRequest_v2, _e_CreatePartitionsRequest_v3, )
CreatePartitionsResponse._DECODERS = (_d_CreatePartitionsResponse_v0, _d_CreatePartitionsResponse_v1, _d_CreatePartitionsResponse_v2, _d_CreatePartitionsResponse_v3, )
CreatePartitionsResponse._ENCODERS = (_e_CreatePartitionsResponse_v0, _e_CreatePartitionsResponse_v1, _e_CreatePartitionsResponse_v2, _e_CreatePartitionsResponse_v3, )
DeleteGroupsRequest._DECODERS = (_d_DeleteGroupsRequest_v0, _d_DeleteGroupsRequest_v1, _d_DeleteGroupsRequest_v2, )
DeleteGroupsRequest._ENCODERS = (_e_DeleteGroupsRequest_v0, _e_DeleteGroupsRequest_v1, _e_DeleteGroupsRequest_v2, )
DeleteGroupsResponse._DECODERS = (_d_DeleteGroupsResponse_v0, _d_DeleteGroupsResponse_v1, _d_DeleteGroupsResponse_v2, )
DeleteGroupsResponse._ENCODERS = (_e_DeleteGroupsResponse_v0, _e_DeleteGroupsResponse_v1, _e_DeleteGroupsResponse_v2, )
ElectLeadersRequest._DECODERS = (_d_ElectLeadersRequest_v0, _d_ElectLeadersRequest_v1, _d_ElectLeadersRequest_v2, )
ElectLeadersRequest._ENCODERS = (_e_ElectLeadersRequest_v0, _e_ElectLeadersRequest_v1, _e_ElectLeadersRequest_v2, )
ElectLeadersResponse._DECODERS = (_d_ElectLeadersResponse_v0, _d_ElectLeadersResponse_v1, _d_ElectLeadersResponse_v2, )
ElectLeadersResponse._ENCODERS = (_e_ElectLeadersResponse_v0, _e_ElectLeadersResponse_v1, _e_ElectLeadersResponse_v2, )
IncrementalAlterConfigsRequest._DECODERS = (_d_IncrementalAlterConfigsRequest_v0, _d_IncrementalAlterConfigsRequest_v1, )
IncrementalAlterConfigsRequest._ENCODERS = (_e_IncrementalAlterConfigsRequest_v0, _e_IncrementalAlterConfigsRequest_v1, )
IncrementalAlterConfigsResponse._DECODERS = (_d_IncrementalAlterConfigsResponse_v0, _d_IncrementalAlterConfigsResponse_v1, )
IncrementalAlterConfigsResponse._ENCODERS = (_e_IncrementalAlterConfigsResponse_v0, _e_IncrementalAlterConfigsResponse_v1, )
OffsetDeleteRequest._DECODERS = (_d_OffsetDeleteRequest_v0, )
OffsetDeleteRequest._ENCODERS = (_e_OffsetDeleteRequest_v0, )
OffsetDeleteResponse._DECODERS = (_d_OffsetDeleteResponse_v0, )
OffsetDeleteResponse._ENCODERS = (_e_OffsetDeleteResponse_v0, )
DescribeUserScramCredentialsRequest._DECODERS = (_d_DescribeUserScramCredentialsRequest_v0, )
DescribeUserScramCredentialsRequest._ENCODERS = (_e_DescribeUserScramCredentialsRequest_v0, )
DescribeUserScramCredentialsResponse._DECODERS = (_d_DescribeUserScramCredentialsResponse_v0, )
DescribeUserScramCredentialsResponse._ENCODERS = (_e_DescribeUserScramCredentialsResponse_v0, )
AlterUserScramCredentialsRequest._DECODERS = (_d_AlterUserScramCredentialsRequest_v0, )
AlterUserScramCredentialsRequest._ENCODERS = (_e_AlterUserScramCredentialsRequest_v0, )
AlterUserScramCredentialsResponse._DECODERS = (_d_AlterUserScramCredentialsResponse_v0, )
AlterUserScramCredentialsResponse._ENCODERS = (_e_AlterUserScramCredentialsResponse_v0, )
DescribeClusterRequest._DECODERS = (_d_DescribeClusterRequest_v0, _d_DescribeClusterRequest_v1, )
DescribeClusterRequest._ENCODERS = (_e_DescribeClusterRequest_v0, _e_DescribeClusterRequest_v1, )
DescribeClusterResponse._DECODERS = (_d_DescribeClusterResponse_v0, _d_DescribeClusterResponse_v1, )
DescribeClusterResponse._ENCODERS = (_e_DescribeClusterResponse_v0, _e_DescribeClusterResponse_v1, )
DescribeProducersRequest._DECODERS = (_d_DescribeProducersRequest_v0, )
DescribeProducersRequest._ENCODERS = (_e_DescribeProducersRequest_v0, )
DescribeProducersResponse._DECODERS = (_d_DescribeProducersResponse_v0, )
DescribeProducersResponse._ENCODERS = (_e_DescribeProducersResponse_v0, )
DescribeTransactionsRequest._DECODERS = (_d_DescribeTransactionsRequest_v0, )
DescribeTransactionsRequest._ENCODERS = (_e_DescribeTransactionsRequest_v0, )
DescribeTransactionsResponse._DECODERS = (_d_DescribeTransactionsResponse_v0, )
DescribeTransactionsResponse._ENCODERS = (_e_DescribeTransactionsResponse_v0, )
ListTransactionsRequest._DECODERS = (_d_ListTransactionsRequest_v0, _d_ListTransactionsRequest_v1, )
ListTransactionsRequest._ENCODERS = (_e_ListTransactionsRequest_v0, _e_ListTransactionsRequest_v1, )
ListTransactionsResponse._DECODERS = (_d_ListTransactionsResponse_v0, _d_ListTransactionsResponse_v1, )
ListTransactionsResponse._ENCODERS = (_e_ListTransactionsResponse_v0, _e_ListTransactionsResponse_v1, )
ConsumerGroupHeartbeatRequest._DECODERS = (_d_ConsumerGroupHeartbeatRequest_v0, _d_ConsumerGroupHeartbeatRequest_v1, )
ConsumerGroupHeartbeatRequest._ENCODERS = (_e_ConsumerGroupHeartbeatRequest_v0, _e_ConsumerGroupHeartbeatRequest_v1, )
ConsumerGroupHeartbeatResponse._DECODERS = (_d_ConsumerGroupHeartbeatResponse_v0, _d_ConsumerGroupHeartbeatResponse_v1, )
ConsumerGroupHeartbeatResponse._ENCODERS = (_e_ConsumerGroupHeartbeatResponse_v0, _e_ConsumerGroupHeartbeatResponse_v1, )
ConsumerGroupDescribeRequest._DECODERS = (_d_ConsumerGroupDescribeRequest_v0, )
ConsumerGroupDescribeRequest._ENCODERS = (_e_ConsumerGroupDescribeRequest_v0, )
ConsumerGroupDescribeResponse._DECODERS = (_d_ConsumerGroupDescribeResponse_v0, )
ConsumerGroupDescribeResponse._ENCODERS = (_e_ConsumerGroupDescribeResponse_v0, )
ConditionalProduceRequest._DECODERS = (_d_ConditionalProduceRequest_v0, )
ConditionalProduceRequest._ENCODERS = (_e_ConditionalProduceRequest_v0, )
ConditionalProduceResponse._DECODERS = (_d_ConditionalProduceResponse_v0, )
ConditionalProduceResponse._ENCODERS = (_e_ConditionalProduceResponse_v0, )

__all__ = [
    'ProduceRequest',
    'ProduceResponse',
    'FetchRequest',
    'FetchResponse',
    'ListOffsetsRequest',
    'ListOffsetsResponse',
    'MetadataRequest',
    'MetadataResponse',
    'OffsetCommitRequest',
    'OffsetCommitResponse',
    'OffsetFetchRequest',
    'OffsetFetchResponse',
    'FindCoordinatorRequest',
    'FindCoordinatorResponse',
    'JoinGroupRequest',
    'JoinGroupResponse',
    'HeartbeatRequest',
    'HeartbeatResponse',
    'LeaveGroupRequest',
    'LeaveGroupResponse',
    'SyncGroupRequest',
    'SyncGroupResponse',
    'DescribeGroupsRequest',
    'DescribeGroupsResponse',
    'ListGroupsRequest',
    'ListGroupsResponse',
    'SaslHandshakeRequest',
    'SaslHandshakeResponse',
    'ApiVersionsRequest',
    'ApiVersionsResponse',
    'CreateTopicsRequest',
    'CreateTopicsResponse',
    'DeleteTopicsRequest',
    'DeleteTopicsResponse',
    'DeleteRecordsRequest',
    'DeleteRecordsResponse',
    'InitProducerIdRequest',
    'InitProducerIdResponse',
    'OffsetForLeaderEpochRequest',
    'OffsetForLeaderEpochResponse',
    'AddPartitionsToTxnRequest',
    'AddPartitionsToTxnResponse',
    'AddOffsetsToTxnRequest',
    'AddOffsetsToTxnResponse',
    'EndTxnRequest',
    'EndTxnResponse',
    'WriteTxnMarkersRequest',
    'WriteTxnMarkersResponse',
    'TxnOffsetCommitRequest',
    'TxnOffsetCommitResponse',
    'DescribeAclsRequest',
    'DescribeAclsResponse',
    'CreateAclsRequest',
    'CreateAclsResponse',
    'DeleteAclsRequest',
    'DeleteAclsResponse',
    'DescribeConfigsRequest',
    'DescribeConfigsResponse',
    'AlterConfigsRequest',
    'AlterConfigsResponse',
    'DescribeLogDirsRequest',
    'DescribeLogDirsResponse',
    'SaslAuthenticateRequest',
    'SaslAuthenticateResponse',
    'CreatePartitionsRequest',
    'CreatePartitionsResponse',
    'DeleteGroupsRequest',
    'DeleteGroupsResponse',
    'ElectLeadersRequest',
    'ElectLeadersResponse',
    'IncrementalAlterConfigsRequest',
    'IncrementalAlterConfigsResponse',
    'OffsetDeleteRequest',
    'OffsetDeleteResponse',
    'DescribeUserScramCredentialsRequest',
    'DescribeUserScramCredentialsResponse',
    'AlterUserScramCredentialsRequest',
    'AlterUserScramCredentialsResponse',
    'DescribeClusterRequest',
    'DescribeClusterResponse',
    'DescribeProducersRequest',
    'DescribeProducersResponse',
    'DescribeTransactionsRequest',
    'DescribeTransactionsResponse',
    'ListTransactionsRequest',
    'ListTransactionsResponse',
    'ConsumerGroupHeartbeatRequest',
    'ConsumerGroupHeartbeatResponse',
    'ConsumerGroupDescribeRequest',
    'ConsumerGroupDescribeResponse',
    'ConditionalProduceRequest',
    'ConditionalProduceResponse',
]
