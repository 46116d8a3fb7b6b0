"""nginx in front of two instances on one PostgreSQL, and `clickbridge run` with three trace
buttons whose endpoint is nginx: every press is stored once, so SigV4 verified through the proxy.

The nginx configuration is packaging/nginx-clickbridge.conf, the README's example, with only its
ports replaced. nginx runs as whoever runs the tests: its own prefix, temp paths, logs and pid file
in a temporary directory, one process (`master_process off`), in the foreground.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest

from conftest import INSTANCES, ROOT, Fleet, clickbridge_binary, free_port, new_device_id, terminate

pytestmark = pytest.mark.skipif(INSTANCES < 2, reason="runs in the two-instance run (CLICKBRIDGE_CONFORMANCE_INSTANCES=2)")

EXAMPLE = ROOT / "packaging" / "nginx-clickbridge.conf"
DEADLINE = 120  # seconds: failure deadlines, never latency bounds
PRESSES = (4, 5, 6)  # SINGLE clicks on each of the three buttons


def nginx_binary() -> str:
    # Debian installs it in /usr/sbin, off an ordinary user's PATH.
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed (CI installs the Debian package nginx; scripts/setup does too)")
        pytest.skip("nginx is not installed (apt-get install nginx, or run scripts/setup)")
    return found


def site_config(ports: list[int], listen: int) -> str:
    """The example with only its ports changed."""
    text = EXAMPLE.read_text()
    for example_port, port in zip(("8787", "8788"), ports):
        assert f"server 127.0.0.1:{example_port};" in text
        text = text.replace(f"server 127.0.0.1:{example_port};", f"server 127.0.0.1:{port};")
    assert "listen 80;" in text
    return text.replace("listen 80;", f"listen 127.0.0.1:{listen};")


class Nginx:
    def __init__(self, directory: pathlib.Path, ports: list[int]):
        self.dir = directory
        self.dir.mkdir()
        self.port = free_port()
        (self.dir / "clickbridge.conf").write_text(site_config(ports, self.port))
        temp = "\n".join(f"    {kind}_temp_path {self.dir / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.dir / "nginx.conf").write_text(f"""daemon off;
master_process off;
pid {self.dir / 'nginx.pid'};
error_log {self.dir / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$status $upstream_addr $request';
    access_log {self.dir / 'access.log'} upstream;
{temp}
    include {self.dir / 'clickbridge.conf'};
}}
""")
        self.proc = subprocess.Popen([nginx_binary(), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-e", str(self.dir / "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=open(self.dir / "stderr.log", "wb"))
        deadline = time.monotonic() + 30
        while True:
            assert self.proc.poll() is None, f"nginx exited {self.proc.returncode}: {self.logs()}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                assert time.monotonic() < deadline, f"nginx did not listen within 30 s: {self.logs()}"
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace")[-3000:] for p in (self.dir / "stderr.log", self.dir / "error.log")
                       if p.exists())

    def access(self) -> list[list[str]]:
        return [line.split(" ", 2) for line in (self.dir / "access.log").read_text().splitlines()]

    def stop(self) -> None:
        terminate(self.proc)


def clicks_trace(count: int) -> str:
    """`count` clean SINGLE clicks, 1 s apart: each is decided when its 400 ms window closes."""
    lines = ["clickbridge-trace 1", "polarity active-low", "button B", "# time (s)  button  level"]
    for n in range(count):
        at = 1.0 + n
        lines += [f"{at:.9f} B 0", f"{at + 0.1:.9f} B 1"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def cluster():
    from throwaway_postgres import ThrowawayPostgres
    own = ThrowawayPostgres()
    yield own
    own.drop()


def test_run_through_nginx_delivers_every_press_once(workdir, cluster):
    nginx_binary()  # skips or fails before anything starts
    base = workdir / "nginx-fleet"
    base.mkdir()
    fleet = Fleet(workdir, 2, name="nginx", database_url=cluster.new_database()).start()
    nginx = Nginx(base / "nginx", [i.port for i in fleet.instances])
    devices = [new_device_id() for _ in PRESSES]
    config = base / "run.yaml"
    buttons = []
    for device_id, count in zip(devices, PRESSES):
        (base / f"{device_id}.trace").write_text(clicks_trace(count))
        buttons.append(f"  - deviceId: {device_id}\n    trace: {{ file: {base / f'{device_id}.trace'} }}\n")
    config.write_text(f"stateDir: {base / 'state'}\nendpoint: {nginx.url}\ncredentials: {workdir / 'credentials'}\n"
                      f"profile: bridge\nbuttons:\n" + "".join(buttons))
    config.chmod(0o600)
    log = open(base / "run.log", "wb")
    bridge = subprocess.Popen([str(clickbridge_binary()), "run", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT)
    want = dict(zip(devices, PRESSES))

    def stored() -> dict[str, tuple[int, int]]:
        rows = cluster.psql(fleet.database_url, "SELECT device_id, count(*), count(DISTINCT event_id) FROM event GROUP BY device_id")
        return {d: (int(n), int(distinct)) for d, n, distinct in rows}
    try:
        deadline = time.monotonic() + DEADLINE
        while {d: n for d, (n, _) in stored().items()} != want:
            assert bridge.poll() is None, f"clickbridge run exited {bridge.returncode}:\n{(base / 'run.log').read_text()}"
            assert time.monotonic() < deadline, (f"stored {stored()}, want {want}:\n{(base / 'run.log').read_text()[-3000:]}"
                                                 f"\nnginx: {nginx.logs()}\n{fleet.log_tail()}")
            time.sleep(0.2)
        terminate(bridge)
        assert bridge.returncode == 0, (base / "run.log").read_text()
        # Once each, also after the bridge stopped with nothing left to send.
        assert stored() == {d: (n, n) for d, n in want.items()}
        requests_seen = nginx.access()
        # Every request through nginx was signed and accepted (no 403 from a changed Host), and
        # both instances answered a share.
        assert requests_seen and all(status.startswith("2") for status, _, _ in requests_seen), requests_seen
        upstreams = {addr for _, addr, _ in requests_seen}
        assert upstreams == {f"127.0.0.1:{i.port}" for i in fleet.instances}, requests_seen
        assert fleet.alive(), fleet.log_tail()
    finally:
        if bridge.poll() is None:
            terminate(bridge)
        nginx.stop()
        fleet.stop()
