"""Names on disk: partition directories and offset-named files, in Kafka's layout.

A partition lives in ``<log dir>/<topic>-<partition>``; its files are named by a 20-digit
zero-padded offset (``00000000000000000000.log``, ``.index``, ``.timeindex``, ``.txnindex``,
``.snapshot``).
"""

from __future__ import annotations

from protocol.types import TopicPartition

__all__ = [
    "CLEANED_SUFFIX",
    "DELETE_DIR_SUFFIX",
    "INDEX_SUFFIX",
    "LOG_SUFFIX",
    "MAX_FILE_NAME_BYTES",
    "SNAPSHOT_SUFFIX",
    "SWAP_SUFFIX",
    "TIME_INDEX_SUFFIX",
    "TMP_SUFFIX",
    "TXN_INDEX_SUFFIX",
    "TopicPartition",
    "delete_dir_name",
    "offset_file_name",
    "parse_offset_file_name",
    "parse_partition_dir_name",
    "partition_dir_name",
]

LOG_SUFFIX = ".log"
INDEX_SUFFIX = ".index"
TIME_INDEX_SUFFIX = ".timeindex"
SNAPSHOT_SUFFIX = ".snapshot"
#: A segment's aborted-transaction index (created by its first entry).
TXN_INDEX_SUFFIX = ".txnindex"
#: A compaction output still being written; deleted on open.
CLEANED_SUFFIX = ".cleaned"
#: A compaction output that is committed but not yet renamed into place; completed on open.
SWAP_SUFFIX = ".swap"
#: A file written atomically is first written under this suffix.
TMP_SUFFIX = ".tmp"
#: A partition directory being deleted is renamed to end with this; removed on startup.
DELETE_DIR_SUFFIX = "-delete"

_OFFSET_DIGITS = 20


def partition_dir_name(tp: TopicPartition) -> str:
    """``<topic>-<partition>``."""
    return f"{tp.topic}-{tp.partition}"


#: Longest file name most file systems take (ext4, xfs, btrfs: 255 bytes).
MAX_FILE_NAME_BYTES = 255


def delete_dir_name(tp: TopicPartition, unique_id: str) -> str:
    """``<topic>-<partition>.<unique id>-delete``, the name a partition's directory takes while
    it is deleted; the topic is cut short, as Kafka does, so that the name fits in
    ``MAX_FILE_NAME_BYTES`` even for a topic name of Kafka's maximum length (249)."""
    suffix = f"-{tp.partition}.{unique_id}{DELETE_DIR_SUFFIX}"
    room = MAX_FILE_NAME_BYTES - len(suffix.encode())
    topic = tp.topic.encode()[: max(0, room)].decode(errors="ignore")
    return topic + suffix


def parse_partition_dir_name(name: str) -> TopicPartition | None:
    """The topic-partition of a directory name, or None if it is not one."""
    topic, sep, number = name.rpartition("-")
    if not sep or not topic or not number.isdigit() or "." in number:
        return None
    return TopicPartition(topic, int(number))


def offset_file_name(offset: int, suffix: str) -> str:
    """``<offset, 20 digits zero-padded><suffix>``, e.g. ``00000000000000000042.log``."""
    if offset < 0:
        raise ValueError(f"file offsets are non-negative, got {offset}")
    return f"{offset:0{_OFFSET_DIGITS}d}{suffix}"


def parse_offset_file_name(name: str) -> tuple[int, str] | None:
    """``(offset, suffix)`` of an offset-named file (suffix may be ``.log.swap``), or None."""
    digits = name[:_OFFSET_DIGITS]
    if len(name) <= _OFFSET_DIGITS or not digits.isdigit() or name[_OFFSET_DIGITS] != ".":
        return None
    return int(digits), name[_OFFSET_DIGITS:]
