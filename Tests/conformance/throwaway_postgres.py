"""A PostgreSQL cluster of the conformance run's own, for `CLICKBRIDGE_CONFORMANCE_DATABASE=postgres`.

As the Swift tests' ThrowawayPostgres: `initdb` in a temporary directory as an unprivileged user
(PostgreSQL refuses root; the `postgres` user when run as root), SCRAM passwords, `pg_ctl` on a
free loopback port, one database per service. It is stopped and deleted when the run ends.
"""
from __future__ import annotations

import os
import pathlib
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid


def _binaries() -> pathlib.Path:
    given = os.environ.get("CLICKBRIDGE_POSTGRES_BIN")
    if given:
        return pathlib.Path(given)
    found = shutil.which("initdb")
    if found:
        return pathlib.Path(os.path.realpath(found)).parent
    # Debian keeps the server's binaries off PATH, one directory per major version.
    versions = sorted((int(p.name) for p in pathlib.Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), reverse=True)
    for version in versions:
        bindir = pathlib.Path(f"/usr/lib/postgresql/{version}/bin")
        if (bindir / "initdb").exists():
            return bindir
    raise RuntimeError("PostgreSQL's initdb is not installed (on Debian: apt-get install postgresql-15, or run scripts/setup)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    user = "clickbridge"

    def __init__(self) -> None:
        self.bin = _binaries()
        self.os_user = os.environ.get("CLICKBRIDGE_POSTGRES_OS_USER", "postgres") if os.geteuid() == 0 else None
        self.password = secrets.token_hex(16)
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="clickbridge-conformance-postgres-"))
        self.port = 0
        password_file = self.dir / "password"
        password_file.write_text(self.password)
        if self.os_user:
            entry = pwd.getpwnam(self.os_user)
            for path in (self.dir, password_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run([self.bin / "initdb", "-D", self.dir / "data", "-U", self.user, "--pwfile", password_file,
                   "--auth", "scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync"], as_os_user=True)
        password_file.unlink()
        for attempt in range(5):
            self.port = _free_port()
            (self.dir / "data" / "postgresql.auto.conf").write_text(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                "synchronous_commit = on\nmax_connections = 200\n")
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == 4:
                    raise

    def _run(self, command: list, as_os_user: bool = False) -> str:
        command = [str(c) for c in command]
        if as_os_user and self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        env = dict(os.environ, PGPASSWORD=self.password)
        r = subprocess.run(command, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            log = self.dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({r.returncode}): {r.stderr}{r.stdout}\n{tail}")
        return r.stdout

    def start(self) -> None:
        self._run([self.bin / "pg_ctl", "-D", self.dir / "data", "-l", self.dir / "server.log", "-w", "-t", "60", "start"],
                  as_os_user=True)

    def stop(self) -> None:
        """A fast shutdown (connections are cut), as an outage; `start()` brings it back on the same port."""
        self._run([self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "fast", "-w", "-t", "60", "stop"], as_os_user=True)

    def new_database(self) -> str:
        """A new, empty database; its URL, as `serve --database` takes it."""
        name = "conformance_" + uuid.uuid4().hex[:16]
        self._run([self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, "-w", name])
        return f"postgres://{self.user}:{self.password}@127.0.0.1:{self.port}/{name}?sslmode=disable"

    def psql(self, url: str, sql: str) -> list[list[str]]:
        """Rows of `sql` in the database of `url`, each a list of its columns as text."""
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        out = self._run([self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, "-w", "-X", "-q", "-A",
                         "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-d", name, "-c", sql])
        # Only the newlines go: str.strip() counts the separator \x1f as white space and would
        # take a row's empty last column with it.
        return [line.split("\x1f") for line in out.rstrip("\n").split("\n")] if out.strip("\n") else []

    def drop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            subprocess.run(([ "runuser", "-u", self.os_user, "--"] if self.os_user else [])
                           + [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"],
                           capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
