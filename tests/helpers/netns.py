"""Hosts on one network inside this machine: network namespaces joined by veth links to a bridge.

:class:`Hosts` makes one namespace per host and a hub namespace holding a bridge; each host's veth link ends
in the hub (``ip link add ... netns HOST type veth peer name ... netns HUB``), so that no link or address
ever appears in the machine's own namespace: its interfaces, routes and firewall stay untouched. Names are
unique per instance (``hl<6 hex>``), addresses private to the namespaces (10.77.0.0/24). :meth:`Hosts.cut`
takes one host off the network, as a pulled cable or a dead switch port does (its link in the hub goes down:
no RST, no FIN, the peers see silence). Processes started with :meth:`Hosts.start` are stopped by their ids,
and every namespace is deleted (which deletes its links) on exit, whatever happened. A shared folder (a tmp
folder of this machine) is seen by every host: the namespaces share the file system.

Needs root (CAP_NET_ADMIN) and the ``ip`` command: :func:`unavailable` says why not, for a skip.
"""
from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

from .cluster import stop

SUBNET = "10.77.0"


def _ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, text=True, timeout=30)


def unavailable() -> str | None:
    """Why namespaces cannot be made here (None when they can): tried with a throw-away namespace."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    name = f"hl{secrets.token_hex(3)}-probe"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode != 0:
        return f"network namespaces cannot be made here ({made.stderr.strip() or made.returncode}; needs root)"
    subprocess.run(["ip", "netns", "delete", name], capture_output=True)
    return None


class Hosts:
    """``with Hosts(["scheduler", "w0", "w1"]) as hosts:`` ``hosts.address["w0"]``, ``hosts.start("w0", [...])``,
    ``hosts.cut("w0")``."""

    def __init__(self, names: list[str]):
        self.token = f"hl{secrets.token_hex(3)}"
        self.hub = f"{self.token}-hub"
        self.namespaces = {name: f"{self.token}-{name}" for name in names}
        self.address = {name: f"{SUBNET}.{index + 2}" for index, name in enumerate(names)}
        self.links = {name: (f"{self.token}{index}h", f"{self.token}{index}b") for index, name in enumerate(names)}
        self.processes: list[subprocess.Popen] = []
        self.made: list[str] = []

    def __enter__(self) -> "Hosts":
        try:
            self._add(self.hub)
            _ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
            _ip("-n", self.hub, "link", "set", "br0", "up")
            for name, namespace in self.namespaces.items():
                self._add(namespace)
                host, hub = self.links[name]
                _ip("link", "add", host, "netns", namespace, "type", "veth", "peer", "name", hub, "netns", self.hub)
                _ip("-n", namespace, "addr", "add", f"{self.address[name]}/24", "dev", host)
                _ip("-n", namespace, "link", "set", host, "up")
                _ip("-n", self.hub, "link", "set", hub, "master", "br0")
                _ip("-n", self.hub, "link", "set", hub, "up")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _add(self, namespace: str) -> None:
        _ip("netns", "add", namespace)
        self.made.append(namespace)
        _ip("-n", namespace, "link", "set", "lo", "up")

    def start(self, name: str, command: list[str], **popen) -> subprocess.Popen:
        """Start ``command`` on host ``name`` (inside its namespace)."""
        process = subprocess.Popen(["ip", "netns", "exec", self.namespaces[name], *command], **popen)
        self.processes.append(process)
        return process

    def cut(self, name: str) -> None:
        """Take host ``name`` off the network: its link's end in the hub goes down."""
        _ip("-n", self.hub, "link", "set", self.links[name][1], "down")

    def __exit__(self, *_) -> None:
        for process in reversed(self.processes):
            try:
                stop(process)
            except OSError:
                pass
        for namespace in reversed(self.made):
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True)
        self.made.clear()


