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

import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from . import REPO_ROOT
from .cluster import bare_environment, require_scheduler_venv, scheduler_command, stop, worker_command, \
    worker_environment

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


#: The scheduler's port on its host, and the run of run_with_a_host_lost: explain_fields, 40 tiles of the slow recipe.
PORT = 8786
HOST_RUN = dict(n_samples=32, batch_size=16, device="cpu", seed=5, allow_python=True, units="tiles", tile_size=4, baseline="zero",
                kind="spectral", band_groups="a=i0-i2; b=i3-i7")
DRIVER = REPO_ROOT / "tests" / "helpers" / "cluster_driver.py"


def run_with_a_host_lost(hosts: Hosts, folder: Path, victim: str) -> dict:
    """Start a scheduler (its bare venv) and two workers on their hosts, run :data:`HOST_RUN` on ``folder``'s
    tiles.tif and slow.py from the client host, cut ``victim`` once a unit runs there (any unit, for the
    scheduler's host); the driver's result (tests/helpers/cluster_driver.py). The table goes to there/table.csv."""
    require_scheduler_venv(folder)
    address = f"tcp://{hosts.address['scheduler']}:{PORT}"
    logs = {name: open(folder / f"{name}.log", "w") for name in ("scheduler", "w0", "w1")}
    hosts.start("scheduler", scheduler_command(PORT, hosts.address["scheduler"]), cwd=folder,
                env=bare_environment(), stdout=logs["scheduler"], stderr=subprocess.STDOUT)
    for worker in ("w0", "w1"):
        hosts.start(worker, worker_command(address, hosts.address[worker]), cwd=folder, env=worker_environment(),
                    stdout=logs[worker], stderr=subprocess.STDOUT)
    spec = folder / "spec.json"
    spec.write_text(json.dumps({
        "raster": str(folder / "tiles.tif"), "model": str(folder / "slow.py"),
        "output_table": str(folder / "there" / "table.csv"), "victim": hosts.address[victim],
        "options": {**HOST_RUN, "dask_scheduler": address}}))
    driver = hosts.start("client", [sys.executable, str(DRIVER), str(spec)], cwd=folder, env=worker_environment(),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in driver.stdout:
        if line.strip() == "BUSY":
            break
    hosts.cut(victim)
    driver.stdin.write("CUT\n")
    driver.stdin.flush()
    output, _ = driver.communicate(timeout=400)  # a guard against a hang, not a timing assertion
    for log in logs.values():
        log.close()
    results = [line for line in output.splitlines() if line.startswith("RESULT ")]
    if not results:
        raise AssertionError(f"the client host gave no result: {output[-3000:]}")
    return json.loads(results[-1][len("RESULT "):])
