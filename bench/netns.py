"""Network namespaces for cluster tests and the fault run: a real network cut (root only).

``NamespaceNetwork`` puts every node in a network namespace of its own, on a bridge, with its
own address; processes in the root namespace (the clients) reach every node. ``cut_off(node)``
makes the kernel drop every packet between that node and the other nodes (iptables in the
node's namespace, both directions), while clients still reach it: the cut node's Raft traffic,
heartbeats and replica fetches all vanish, as in a real partition. ``heal`` undoes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Final

__all__ = ["COMMAND_TIMEOUT_S", "NamespaceNetwork"]

#: One ``ip`` or ``iptables`` command (they finish in milliseconds; a hung one must not hang
#: the caller).
COMMAND_TIMEOUT_S: Final = 10


class NamespaceNetwork:
    """One network namespace per node, on a bridge of its own (root only). Every node gets
    its own address; the test (in the root namespace) reaches all of them. ``cut_off(node)``
    makes the kernel drop every packet between ``node`` and the other nodes (iptables in the
    node's namespace, both directions) while clients still reach it; ``heal`` undoes it."""

    def __init__(self, size: int) -> None:
        tag = os.getpid() % 100_000
        self.bridge = f"sbr{tag}"
        subnet = f"10.77.{os.getpid() % 250}"
        self.gateway = f"{subnet}.1"
        self.namespaces = {i: f"samsa{tag}n{i}" for i in range(1, size + 1)}
        self.hosts = {i: f"{subnet}.{10 + i}" for i in range(1, size + 1)}
        self._veths = {i: (f"sv{tag}h{i}", f"sv{tag}n{i}") for i in range(1, size + 1)}

    @staticmethod
    def unavailable() -> str | None:
        """Why namespaces cannot be used here (None: they can)."""
        if os.geteuid() != 0:
            return "network namespaces need root"
        for tool in ("ip", "iptables"):
            if shutil.which(tool) is None:
                return f"{tool} is not installed"
        return None

    @staticmethod
    def _run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=COMMAND_TIMEOUT_S)

    def __enter__(self) -> NamespaceNetwork:
        try:
            self._run("ip", "link", "add", self.bridge, "type", "bridge")
            self._run("ip", "addr", "add", f"{self.gateway}/24", "dev", self.bridge)
            self._run("ip", "link", "set", self.bridge, "up")
            for node, ns in self.namespaces.items():
                outside, inside = self._veths[node]
                self._run("ip", "netns", "add", ns)
                self._run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
                self._run("ip", "link", "set", inside, "netns", ns)
                self._run("ip", "link", "set", outside, "master", self.bridge)
                self._run("ip", "link", "set", outside, "up")
                self._run("ip", "-n", ns, "addr", "add", f"{self.hosts[node]}/24", "dev", inside)
                self._run("ip", "-n", ns, "link", "set", inside, "up")
                self._run("ip", "-n", ns, "link", "set", "lo", "up")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for ns in self.namespaces.values():
            self._try("ip", "netns", "del", ns)
        for outside, _inside in self._veths.values():
            self._try("ip", "link", "del", outside)
        self._try("ip", "link", "del", self.bridge)

    @staticmethod
    def _try(*args: str) -> None:
        """A clean-up step: whatever it says, the next one still runs."""
        subprocess.run(args, capture_output=True, timeout=COMMAND_TIMEOUT_S)

    def exec_prefix(self, node: int) -> list[str]:
        """The command prefix that runs a process in ``node``'s namespace."""
        return ["ip", "netns", "exec", self.namespaces[node]]

    def cut_off(self, node: int) -> None:
        """Drop every packet between ``node`` and the other nodes."""
        ns = self.namespaces[node]
        for other, host in self.hosts.items():
            if other != node:
                self._run(
                    "ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-s", host, "-j", "DROP"
                )
                self._run(
                    "ip", "netns", "exec", ns, "iptables", "-A", "OUTPUT", "-d", host, "-j", "DROP"
                )

    def heal(self, node: int) -> None:
        """Undo ``cut_off``."""
        ns = self.namespaces[node]
        self._run("ip", "netns", "exec", ns, "iptables", "-F", "INPUT")
        self._run("ip", "netns", "exec", ns, "iptables", "-F", "OUTPUT")
