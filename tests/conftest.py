"""Suite-wide options and the one broker fixture.

``--run-slow`` runs the long fuzz, soak and fault tests.

``broker`` is a Samsa broker of the test's own, in-process, on a free port with a temporary
data directory: an ``async def`` test gets ``Broker.embedded`` on its event loop (its internals
can be inspected between awaits); a plain ``def`` test gets ``Broker.embedded_in_thread``
(for synchronous clients, the CLI, other Kafka clients). Its settings are the directory's
``broker_defaults`` under those of the test's ``samsa_config`` markers, the closest last::

    @pytest.mark.samsa_config(num_partitions=4, **{"auto.create.topics.enable": False})
    async def test_something(broker: Broker) -> None: ...

``module_broker`` is the one broker a module's tests share (real clients that take seconds to
connect); a module that uses it names it ``broker`` with a one-line fixture.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from broker.app import Broker


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="run tests marked slow (long fuzzing, soak and fault runs)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "samsa_config(**settings): settings of the broker fixture")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def broker_defaults() -> dict[str, Any]:
    """Settings of every ``broker`` in a directory, under the tests' own: override it in the
    directory's conftest.py. None here: the broker's own defaults, as in Kafka."""
    return {}


@pytest.fixture
def broker_settings(
    request: pytest.FixtureRequest, broker_defaults: dict[str, Any]
) -> dict[str, Any]:
    """The ``broker``'s settings: ``broker_defaults``, then every ``samsa_config`` marker of the
    test from the farthest (module, class) to the closest (the function)."""
    if request.node.get_closest_marker("broker_config") is not None:
        pytest.fail("the broker_config marker is now samsa_config", pytrace=False)
    return _marked_settings(request.node, broker_defaults)


def _marked_settings(node: pytest.Item | pytest.Collector, base: dict[str, Any]) -> dict[str, Any]:
    settings = dict(base)
    for marker in reversed(list(node.iter_markers("samsa_config"))):
        settings.update(marker.kwargs)
    return settings


@pytest.fixture
async def broker(
    request: pytest.FixtureRequest, broker_settings: dict[str, Any]
) -> AsyncIterator[Broker]:
    """A broker for this test alone: on the test's event loop for an ``async def`` test, on a
    thread of its own for a plain test (whose code blocks, so a broker on the loop would not
    run)."""
    if inspect.iscoroutinefunction(request.function):
        async with Broker.embedded(**broker_settings) as running:
            yield running
    else:
        with Broker.embedded_in_thread(**broker_settings) as threaded:
            yield threaded


@pytest.fixture(scope="module")
def module_broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """One broker shared by every test of a module, on a thread of its own: for real clients
    that take seconds to connect, and cases that share one set-up. Its settings are the
    module's ``samsa_config`` markers (``pytestmark``)."""
    with Broker.embedded_in_thread(**_marked_settings(request.node, {})) as shared:
        yield shared
