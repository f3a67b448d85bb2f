"""The dispatch table gathered from the handler modules' declarations, and the response caches
the handlers keep."""

from __future__ import annotations

from broker.handlers import build_dispatch_table
from broker.handlers.base import ResponseCaches, api_handler
from broker.handlers.metadata import handle_metadata, metadata_error
from broker.metadata.image import MetadataImage
from protocol.messages import REQUESTS, MetadataRequest, MetadataResponse


def test_every_entry_is_keyed_by_a_request_class() -> None:
    table = build_dispatch_table()
    for key, entry in table.items():
        assert entry.api_key == key
        assert key in REQUESTS  # a request class with this API_KEY
        assert entry.min_version <= entry.max_version


def test_api_handler_takes_the_key_from_the_request_class() -> None:
    entry = api_handler(MetadataRequest, 0, 8, handle_metadata, metadata_error)
    assert (entry.api_key, entry.min_version, entry.max_version) == (MetadataRequest.API_KEY, 0, 8)
    assert entry.handle is handle_metadata
    assert entry.error_response is metadata_error


def test_metadata_topics_are_kept_for_one_image() -> None:
    caches = ResponseCaches()
    first, second = MetadataImage(offset=1), MetadataImage(offset=2)
    topics = caches.metadata_topics(first)
    topics["t"] = MetadataResponse.MetadataResponseTopic(name="t")
    assert caches.metadata_topics(first) is topics
    assert caches.metadata_topics(second) == {}
    assert caches.metadata_topics(first) == {}  # only the latest image's are kept


def test_api_versions_ranges_start_unbuilt() -> None:
    caches = ResponseCaches()
    assert caches.api_versions is None
    assert caches.api_versions_private is None
