"""Protocol codec micro-benchmarks: prints decode/encode times and batch validation throughput.

    python bench/protocol_bench.py [--quick]

Targets (issue "Foundation"): ProduceRequest with 4 x 64 KiB batches decoded in <= 30 us;
RecordBatch validation >= 1 GB/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import timeit
from collections.abc import Callable

from protocol.codec import decode_request, encode_request, encode_response, join_frame
from protocol.headers import RequestHeader
from protocol.messages import FetchResponse, MetadataResponse, ProduceRequest
from protocol.records import Compression, RecordBatch, RecordBatchBuilder

BATCH_BYTES = 64 * 1024


def make_batch(target_bytes: int, value_bytes: int = 1000) -> bytes:
    """An uncompressed batch of about ``target_bytes`` with random-looking values."""
    builder = RecordBatchBuilder(compression=Compression.NONE)
    value = os.urandom(value_bytes)
    while builder.size_estimate + value_bytes + 32 < target_bytes:
        builder.append(value, key=b"key", timestamp_ms=1_700_000_000_000)
    return builder.build()


def best_us(fn: Callable[[], object], number: int, repeat: int) -> tuple[float, float]:
    """(best, median) microseconds per call over ``repeat`` rounds of ``number`` calls."""
    runs = [t / number * 1e6 for t in timeit.repeat(fn, number=number, repeat=repeat)]
    return min(runs), statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke test)")
    args = parser.parse_args()
    number, repeat = (200, 3) if args.quick else (2000, 7)

    batch = make_batch(BATCH_BYTES)
    P = ProduceRequest
    produce = P(
        acks=-1,
        timeout_ms=30_000,
        topic_data=[
            P.TopicProduceData(
                name=f"topic-{t}",
                partition_data=[P.TopicProduceData.PartitionProduceData(index=0, records=batch)],
            )
            for t in range(4)
        ],
    )
    header = RequestHeader(api_key=0, api_version=8, correlation_id=1, client_id="bench")
    frame = memoryview(join_frame(encode_request(header, produce)))[4:]
    produce_decode = best_us(lambda: decode_request(frame), number, repeat)

    F = FetchResponse
    fetch = F(
        responses=[
            F.FetchableTopicResponse(
                topic=f"topic-{t}",
                partitions=[
                    F.FetchableTopicResponse.PartitionData(
                        partition_index=0, high_watermark=1000, last_stable_offset=1000,
                        records=memoryview(batch),
                    )
                ],
            )
            for t in range(4)
        ]
    )
    fetch_header = RequestHeader(api_key=1, api_version=11, correlation_id=1)
    fetch_encode = best_us(lambda: encode_response(fetch_header, fetch), number, repeat)
    fetch_encode_joined = best_us(
        lambda: join_frame(encode_response(fetch_header, fetch)), number // 4, repeat
    )

    M = MetadataResponse
    metadata = M(
        brokers=[M.MetadataResponseBroker(node_id=1, host="127.0.0.1", port=9092)],
        cluster_id="samsa-bench-cluster-id",
        controller_id=1,
        topics=[
            M.MetadataResponseTopic(
                name=f"topic-{t}",
                partitions=[
                    M.MetadataResponseTopic.MetadataResponsePartition(
                        partition_index=p, leader_id=1, leader_epoch=0,
                        replica_nodes=[1], isr_nodes=[1],
                    )
                    for p in range(10)
                ],
            )
            for t in range(100)
        ],
    )
    meta_header = RequestHeader(api_key=3, api_version=8, correlation_id=1)
    meta_n = max(number // 100, 5)
    metadata_encode = best_us(lambda: encode_response(meta_header, metadata), meta_n, repeat)

    big = make_batch(1024 * 1024)
    views = [memoryview(batch), memoryview(big)]
    validate_64k = best_us(lambda: RecordBatch(views[0]).validate(), number * 5, repeat)
    validate_1m = best_us(lambda: RecordBatch(views[1]).validate(), number // 2, repeat)

    rows = [
        ("ProduceRequest v8 decode, 4 x 64 KiB batches", produce_decode, "us", 30.0),
        ("FetchResponse v11 encode, 4 x 64 KiB (records by reference)", fetch_encode, "us", None),
        ("FetchResponse v11 encode, 4 x 64 KiB, joined into one bytes", fetch_encode_joined, "us",
         None),
        ("MetadataResponse v8 encode, 1,000 partitions", metadata_encode, "us", None),
    ]
    print(f"{'case':66} {'best':>10} {'median':>10}  target")
    for name, (best, median), unit, target in rows:
        tgt = f"<= {target:g} {unit}" if target else ""
        ok = "" if target is None else ("  met" if best <= target else "  MISSED")
        print(f"{name:66} {best:8.1f}{unit} {median:8.1f}{unit}  {tgt}{ok}")
    for name, (best, median), size in (
        ("RecordBatch.validate, 64 KiB batch", validate_64k, len(batch)),
        ("RecordBatch.validate, 1 MiB batch", validate_1m, len(big)),
    ):
        gbps_best = size / (best * 1e-6) / 1e9
        gbps_median = size / (median * 1e-6) / 1e9
        ok = "met" if gbps_median >= 1.0 else "MISSED"
        print(f"{name:66} {gbps_best:7.2f}GB/s {gbps_median:7.2f}GB/s  >= 1 GB/s  {ok}")


if __name__ == "__main__":
    main()
