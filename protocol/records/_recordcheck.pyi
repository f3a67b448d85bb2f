"""Stub of the compiled record walk (``_recordcheck.c``); see ``recordcheck.py``."""

def check_records(
    data: bytes | bytearray | memoryview, count: int, base_timestamp: int, /
) -> tuple[int, str | None, int]: ...
