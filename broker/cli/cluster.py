"""``samsa cluster``: the cluster as a whole. ``cluster info``: its id, the controller, the
brokers with their addresses, and the Kafka API versions they serve.

``cluster`` is a click group that other modules may add commands to
(``@cluster.command("name")``).
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any, Final

import click

from broker.cli.cluster_up import DEFAULT_BASE_PORT
from client.cli._context import CliContext, common_options, pass_cli
from client.cli._errors import run

__all__ = ["cluster"]

#: The APIs whose highest version ``cluster info`` shows in text (all of them are in JSON):
#: the ones that say most about which Kafka release a broker matches.
_HEADLINE_APIS: Final = (0, 1, 3)


def _cli_version() -> str:
    try:
        return metadata.version("samsa")
    except metadata.PackageNotFoundError:
        return "unknown"


@click.group()
def cluster() -> None:
    """The cluster: brokers, controller, versions."""


@cluster.command()
@common_options()
@pass_cli
def info(cli: CliContext) -> None:
    """Cluster id, controller, brokers with their addresses, and versions."""
    from protocol.messages import api_name

    async def body() -> tuple[Any, dict[int, dict[int, tuple[int, int]]]]:
        from client import Admin

        async with Admin(cli.options_for("admin")) as admin:
            described = await admin.describe_cluster()
            versions = {b.node_id: await admin.api_versions(b.node_id) for b in described.brokers}
            return described, versions

    described, versions = run(body(), bootstrap=cli.bootstrap_servers)
    brokers = sorted(described.brokers, key=lambda b: b.node_id)
    out = cli.output()
    if out.json:
        out.emit_json(
            {
                "cluster_id": described.cluster_id,
                "controller_id": described.controller_id,
                "cli_version": _cli_version(),
                "brokers": [
                    {
                        "node_id": b.node_id,
                        "host": b.host,
                        "port": b.port,
                        "rack": b.rack,
                        "controller": b.node_id == described.controller_id,
                        "api_versions": {
                            api_name(k): {"min": lo, "max": hi}
                            for k, (lo, hi) in sorted(versions[b.node_id].items())
                        },
                    }
                    for b in brokers
                ],
            }
        )
        return

    def headline(node_id: int) -> str:
        ranges = versions[node_id]
        return " ".join(f"{api_name(k)} v{ranges[k][1]}" for k in _HEADLINE_APIS if k in ranges)

    out.pairs(
        [
            ("CLUSTER ID", described.cluster_id),
            ("CONTROLLER", described.controller_id),
            ("BROKERS", len(brokers)),
            ("CLI VERSION", f"samsa {_cli_version()}"),
        ]
    )
    out.heading("BROKERS")
    out.table(
        ["ID", "ADDRESS", "RACK", "CONTROLLER", "APIS", "HIGHEST VERSIONS"],
        [
            [
                b.node_id,
                b.address,
                b.rack,
                b.node_id == described.controller_id,
                len(versions[b.node_id]),
                headline(b.node_id),
            ]
            for b in brokers
        ],
    )


# -- cluster up ------------------------------------------------------------------------------
@cluster.command("up")
@click.option(
    "--brokers", type=click.IntRange(1, 99), default=3, show_default=True, help="How many."
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the brokers keep data and logs (default: <samsa data dir>/cluster).",
)
@click.option(
    "--base-port",
    type=click.IntRange(1, 65000),
    default=DEFAULT_BASE_PORT,
    show_default=True,
    help="Client port of broker 1 (broker i: +i-1; controller ports: +100).",
)
@click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="A setting for every broker."
)
def up(brokers: int, data_dir: Path | None, base_port: int, sets: tuple[str, ...]) -> None:
    """Run a local cluster of separate broker processes until Ctrl-C.

    A broker that fails is restarted; the ports are checked before anything starts.
    """
    import sys

    from broker.cli.cluster_up import run_cluster
    from broker.config import default_data_dir

    directory = data_dir if data_dir is not None else default_data_dir() / "cluster"
    sys.exit(run_cluster(brokers, directory, base_port, sets))


# -- end cluster up --------------------------------------------------------------------------
