"""Fixtures for the real-client conformance suite.

The suite starts the built `clickbridge serve` on a free loopback port with a temporary state dir
and a credentials file it writes, then talks to it only through real clients: boto3/botocore
1.34.120, the aws CLI v1 1.33.2, and (for the device side, which no AWS model has) requests signed
with botocore's own SigV4Auth. What is asserted here follows ARCHITECTURE.md and the wire format
botocore 1.34.120 sends and parses.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import types
import uuid

import boto3
import botocore.auth
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ROOT = pathlib.Path(__file__).resolve().parents[2]
REGION = "us-east-1"

ACCOUNT_A = "111122223333"
ACCOUNT_B = "444455556666"


def _key(name: str) -> tuple[str, str]:
    # 20-character access key ids, like AWS's; secrets are random per run.
    return ("AKIACB" + name.upper().ljust(14, "0"))[:20], secrets.token_urlsafe(30)


# Principals: `bridge` (device side) and `owner` (the person) of account A; `other` (a person) and
# `bridge2` (another device-side principal) of account B.
PROFILES: dict[str, tuple[str, str, str]] = {}
for _name, _account in (("bridge", ACCOUNT_A), ("owner", ACCOUNT_A), ("other", ACCOUNT_B), ("bridge2", ACCOUNT_B)):
    PROFILES[_name] = (*_key(_name), _account)

ERROR_STATUS = {
    "InvalidRequestException": 400,
    "ForbiddenException": 403,
    "ResourceNotFoundException": 404,
    "ResourceConflictException": 409,
    "PreconditionFailedException": 412,
    "RangeNotSatisfiableException": 416,
}
AUTH_CODES = {"MissingAuthenticationTokenException", "UnrecognizedClientException", "InvalidSignatureException"}


def write_credentials(path: pathlib.Path) -> None:
    lines = []
    for name, (akid, secret, account) in PROFILES.items():
        lines += [f"[{name}]", f"aws_access_key_id = {akid}", f"aws_secret_access_key = {secret}",
                  f"aws_account_id = {account}", ""]
    path.write_text("\n".join(lines))
    # The service refuses credentials others can read.
    path.chmod(0o600)


def terminate(proc: subprocess.Popen) -> None:
    """SIGTERM, as systemd stops the service; SIGKILL if it is not gone within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def clickbridge_binary() -> pathlib.Path:
    env = os.environ.get("CLICKBRIDGE_BIN")
    if env:
        return pathlib.Path(env)
    cmd = ["swift", "build", "--show-bin-path"]
    if os.environ.get("CLICKBRIDGE_SCRATCH_PATH"):
        cmd += ["--scratch-path", os.environ["CLICKBRIDGE_SCRATCH_PATH"]]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return pathlib.Path(out.splitlines()[-1]) / "clickbridge"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# CLICKBRIDGE_CONFORMANCE_DATABASE=postgres runs every service on PostgreSQL (`serve --database`,
# a new database in a cluster of the run's own) instead of SQLite in its state dir.
ON_POSTGRES = os.environ.get("CLICKBRIDGE_CONFORMANCE_DATABASE", "sqlite") == "postgres"
_cluster = None


def postgres_cluster():
    global _cluster
    if _cluster is None:
        from throwaway_postgres import ThrowawayPostgres
        _cluster = ThrowawayPostgres()
    return _cluster


_fleet_answered: list[int] | None = None


def pytest_terminal_summary(terminalreporter):
    if _fleet_answered is not None:
        terminalreporter.write_line(f"requests answered through the round-robin forwarder, per instance: {_fleet_answered}")


def pytest_sessionfinish(session, exitstatus):
    if _cluster is not None:
        _cluster.drop()


sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="about SQLite's own files; this run is on PostgreSQL")

# CLICKBRIDGE_CONFORMANCE_INSTANCES=2 (with the PostgreSQL run) puts the shared service behind a
# per-request round-robin forwarder: two `serve --database` on one database, answering in turn.
INSTANCES = int(os.environ.get("CLICKBRIDGE_CONFORMANCE_INSTANCES", "1"))
if INSTANCES > 1 and not ON_POSTGRES:
    raise pytest.UsageError("CLICKBRIDGE_CONFORMANCE_INSTANCES needs CLICKBRIDGE_CONFORMANCE_DATABASE=postgres: "
                            "instances share state only through PostgreSQL")


class Service:
    """One `clickbridge serve` process on loopback."""

    def __init__(self, state_dir: pathlib.Path, credentials: pathlib.Path | None, extra_args: tuple[str, ...] = (),
                 database_url: str | None = None):
        """`credentials` None: no --credentials (on PostgreSQL, the principals the database holds)."""
        self.binary = clickbridge_binary()
        self.state_dir = state_dir
        self.credentials = credentials
        # On PostgreSQL each service has a database of its own, kept across its restarts.
        self.database_url = database_url or (postgres_cluster().new_database() if ON_POSTGRES else None)
        self.extra_args = extra_args + (("--database", self.database_url) if self.database_url else ())
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = state_dir.parent / f"serve-{state_dir.name}.log"

    def callback_delivery(self, event_id: str):
        """(state, attempts, last error) of the stored delivery of `event_id`, read from the store
        itself, whichever it is; None while there is none."""
        if self.database_url:
            rows = postgres_cluster().psql(self.database_url, "SELECT state, attempts, coalesce(last_error, '') "
                                           f"FROM callback_delivery WHERE event_id = '{event_id}'")
            return (rows[0][0], int(rows[0][1]), rows[0][2]) if rows else None
        import sqlite3
        db = self.state_dir / "claim-service.sqlite"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT state, attempts, lastError FROM callback_delivery WHERE eventId = ?",
                                (event_id,)).fetchone()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Service":
        if not self.binary.exists():
            pytest.exit(f"clickbridge binary not found at {self.binary}; run `swift build` or set CLICKBRIDGE_BIN", 2)
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.binary), "serve", "--listen", f"127.0.0.1:{self.port}", "--state-dir", str(self.state_dir),
             *(("--credentials", str(self.credentials)) if self.credentials else ()), *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clickbridge serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"clickbridge serve did not accept connections within 30 s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log_text()[-4000:]

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            terminate(self.proc)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Fleet:
    """Several `Service`s on one database behind a `RoundRobin` forwarder; stands in for the
    session's one service, so every test using the `service` fixture runs against all of them."""

    def __init__(self, workdir: pathlib.Path, count: int, extra_args: tuple[str, ...] = (), name: str = "fleet",
                 database_url: str | None = None):
        url = database_url or postgres_cluster().new_database()
        self.instances = []
        for n in range(count):
            state = workdir / f"state-{name}-{n}"
            state.mkdir()
            self.instances.append(Service(state, workdir / "credentials", extra_args, database_url=url))
        self.database_url = url
        self.state_dir = self.instances[0].state_dir
        self.forwarder = None

    def start(self) -> "Fleet":
        for instance in self.instances:
            instance.start()
        if self.forwarder is None:
            from round_robin import RoundRobin
            self.forwarder = RoundRobin(lambda: [("127.0.0.1", i.port) for i in self.instances])
        return self

    @property
    def port(self) -> int:
        return self.forwarder.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def callback_delivery(self, event_id: str):
        return self.instances[0].callback_delivery(event_id)

    def log_text(self) -> str:
        return "".join(i.log_text() for i in self.instances)

    def log_tail(self) -> str:
        return "\n".join(f"-- instance {n}:\n{i.log_tail()}" for n, i in enumerate(self.instances))

    def answered(self) -> list[int]:
        """How many answers each instance has sent through the forwarder."""
        return [self.forwarder.answered.get(n, 0) for n in range(len(self.instances))]

    def alive(self) -> bool:
        return all(i.alive() for i in self.instances)

    def stop(self) -> None:
        for instance in self.instances:
            instance.stop()
        if self.forwarder is not None:
            self.forwarder.close()


@pytest.fixture(scope="session")
def workdir():
    d = pathlib.Path(tempfile.mkdtemp(prefix="clickbridge-conformance-"))
    creds = d / "credentials"
    write_credentials(creds)
    (d / "aws-config").write_text(f"[default]\nregion = {REGION}\n")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def service(workdir):
    if INSTANCES > 1:
        svc = Fleet(workdir, INSTANCES).start()
    else:
        state = workdir / "state"
        state.mkdir()
        svc = Service(state, workdir / "credentials").start()
    yield svc
    alive = svc.alive()
    svc.stop()
    # A crash of the shared service would make every later failure misleading: say so loudly.
    assert alive, f"clickbridge serve died during the run:\n{svc.log_tail()}"
    if INSTANCES > 1:
        # The forwarder alternates by construction; that each instance really answered its share
        # is what shows the run tested a fleet.
        answered = svc.answered()
        global _fleet_answered
        _fleet_answered = answered
        assert min(answered) >= 0.8 * sum(answered) / len(answered), f"answers per instance: {answered}"


# ---------------------------------------------------------------- clients


def client(svc: Service, profile: str = "owner", service_name: str = "iot1click-devices", region: str = REGION,
           validate: bool = True, unsigned: bool = False):
    akid, secret, _ = PROFILES[profile]
    cfg = dict(retries={"mode": "standard", "max_attempts": 1}, parameter_validation=validate,
               connect_timeout=5, read_timeout=30)
    if unsigned:
        from botocore import UNSIGNED
        cfg["signature_version"] = UNSIGNED
    return boto3.session.Session().client(
        service_name, endpoint_url=svc.url, region_name=region, aws_access_key_id=akid,
        aws_secret_access_key=secret, config=Config(**cfg))


def iso_ms(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_device_id() -> str:
    return "G030CB" + uuid.uuid4().hex[:10].upper()


def new_claim_code() -> str:
    return "C-" + uuid.uuid4().hex[:14].upper()


class FixedTimeSigV4(SigV4Auth):
    """botocore's SigV4 with a chosen X-Amz-Date (for the skew tests)."""

    def __init__(self, credentials, service_name, region_name, when: dt.datetime | None):
        super().__init__(credentials, service_name, region_name)
        self.when = when

    def add_auth(self, request):
        if self.when is None:
            return super().add_auth(request)
        request.context["timestamp"] = self.when.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self._modify_request_before_signing(request)
        canonical_request = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, canonical_request)
        self._inject_signature_to_request(request, self.signature(string_to_sign, request))


def signed_request(svc: Service, method: str, path: str, body: bytes | str | None = None, *,
                   profile: str | None = "bridge", service_name: str = "iot1click", region: str = REGION,
                   headers: dict | None = None, when: dt.datetime | None = None,
                   secret_override: str | None = None, akid_override: str | None = None,
                   send_body=None) -> requests.Response:
    """A request signed exactly as botocore signs (or unsigned with profile=None)."""
    if isinstance(body, str):
        body = body.encode()
    hdrs = dict(headers or {})
    if body is not None and "Content-Type" not in hdrs:
        hdrs["Content-Type"] = "application/json"
    req = AWSRequest(method=method, url=svc.url + path, data=body or b"", headers=hdrs)
    if profile is not None:
        akid, secret, _ = PROFILES[profile]
        creds = Credentials(akid_override or akid, secret_override or secret)
        FixedTimeSigV4(creds, service_name, region, when).add_auth(req)
    prepared = req.prepare()
    out_headers = dict(prepared.headers)
    if send_body is not None and not isinstance(send_body, (bytes, str)):
        out_headers.pop("Content-Length", None)  # streamed: requests sends it chunked
    return requests.request(method, prepared.url, data=send_body if send_body is not None else (body or None),
                            headers=out_headers, timeout=30)


class DeviceSide:
    """The project's device-side extension: registration and events, signed by a bridge principal."""

    def __init__(self, svc: Service):
        self.svc = svc

    def register(self, device_id: str, claim_code: str | None = None, attributes: dict | None = None,
                 profile: str = "bridge") -> requests.Response:
        body: dict = {"type": "button"}
        if claim_code is not None:
            body["claimCode"] = claim_code
        if attributes is not None:
            body["attributes"] = attributes
        return signed_request(self.svc, "PUT", f"/devices/{device_id}/registration", json.dumps(body), profile=profile)

    def registration(self, device_id: str, profile: str = "bridge") -> requests.Response:
        return signed_request(self.svc, "GET", f"/devices/{device_id}/registration", None, profile=profile)

    def event_body(self, click: str = "SINGLE", reported: dt.datetime | str | None = None,
                   event_id: str | None = None, remaining_life: float | None = 99.5) -> dict:
        if reported is None:
            reported = utcnow()
        body = {"eventId": event_id or str(uuid.uuid4()), "clickType": click,
                "reportedTime": reported if isinstance(reported, str) else iso_ms(reported)}
        if remaining_life is not None:
            body["remainingLife"] = remaining_life
        return body

    def post_event(self, device_id: str, body: dict | str, profile: str = "bridge") -> requests.Response:
        data = body if isinstance(body, str) else json.dumps(body)
        return signed_request(self.svc, "POST", f"/devices/{device_id}/events", data, profile=profile)

    def press(self, device_id: str, click: str = "SINGLE", reported=None, event_id=None,
              remaining_life: float | None = 99.5, profile: str = "bridge") -> dict:
        body = self.event_body(click, reported, event_id, remaining_life)
        r = self.post_event(device_id, body, profile)
        assert r.status_code == 200, f"device event for {device_id}: {r.status_code} {r.text}"
        answer = r.json()
        assert answer == {"eventId": body["eventId"], "duplicate": False}, answer
        return body


@pytest.fixture(scope="session")
def device(service) -> DeviceSide:
    return DeviceSide(service)


@pytest.fixture(scope="session")
def ic(service):
    """ic('owner') -> a boto3 iot1click-devices client for that profile."""
    cache: dict = {}

    def make(profile: str = "owner", **kw):
        key = (profile, tuple(sorted(kw.items())))
        if key not in cache:
            cache[key] = client(service, profile, **kw)
        return cache[key]
    return make


@pytest.fixture(scope="session")
def a4b(service):
    def make(profile: str = "owner", **kw):
        return client(service, profile, service_name="alexaforbusiness", **kw)
    return make


class Flow:
    """Common multi-step set-ups, each built from the real calls."""

    def __init__(self, ic, device: DeviceSide):
        self.ic = ic
        self.device = device

    def registered(self, claim_code: str | None = None, profile: str = "bridge", attributes=None) -> str:
        device_id = new_device_id()
        r = self.device.register(device_id, claim_code, attributes, profile=profile)
        assert r.status_code == 200, f"registration of {device_id}: {r.status_code} {r.text}"
        assert r.json() == {"deviceId": device_id, "registered": True}, r.text
        return device_id

    def claim(self, device_id: str, profile: str = "owner", tags: dict | None = None,
              bridge: str = "bridge") -> None:
        c = self.ic(profile)
        assert c.initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"
        self.device.press(device_id, profile=bridge)
        kwargs = {"DeviceId": device_id}
        if tags is not None:
            kwargs["Tags"] = tags
        assert c.finalize_device_claim(**kwargs)["State"] == "CLAIMED"

    def claimed(self, profile: str = "owner", tags: dict | None = None, **kw) -> str:
        device_id = self.registered(**kw)
        self.claim(device_id, profile, tags)
        return device_id

    def arn(self, device_id: str, profile: str = "owner") -> str:
        return self.ic(profile).describe_device(DeviceId=device_id)["DeviceDescription"]["Arn"]


@pytest.fixture(scope="session")
def flow(ic, device) -> Flow:
    return Flow(ic, device)


@contextlib.contextmanager
def raises_aws(client_, code: str, status: int | None = None, message_contains: str | None = None):
    """The call must raise the modeled botocore exception class `code`, with the rest-json error
    wire format ARCHITECTURE.md ("Errors by protocol") describes (header + body code/message)."""
    status = status or ERROR_STATUS[code]
    exc_cls = getattr(client_.exceptions, code)
    with pytest.raises(exc_cls) as info:
        yield info
    resp = info.value.response
    assert resp["Error"]["Code"] == code
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, resp["ResponseMetadata"]
    message = resp["Error"].get("Message", "")
    assert message, f"{code} without a message"
    # Modeled fields reach the top level only when the body uses the wire names code/message.
    assert resp.get("Code") == code, f"body lacks \"code\": {resp}"
    assert resp.get("Message") == message, f"body lacks \"message\": {resp}"
    hdrs = resp["ResponseMetadata"]["HTTPHeaders"]
    assert hdrs.get("x-amzn-errortype", "").split(":")[0] == code, f"x-amzn-ErrorType: {hdrs}"
    if message_contains:
        assert message_contains.lower() in message.lower(), message


@contextlib.contextmanager
def raises_client_error(code: str | set, status: int):
    """For errors with no modeled class (auth failures, ValidationException, 413)."""
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        yield info
    resp = info.value.response
    codes = {code} if isinstance(code, str) else code
    assert resp["Error"]["Code"] in codes, resp
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, resp["ResponseMetadata"]
    assert resp["Error"].get("Message"), f"no message: {resp}"


def assert_raw_error(r: requests.Response, status: int, code: str | set | None = None, protocol: str = "rest-json"):
    """A raw (device-side or hand-built) error answer: status, JSON body with code and message."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    try:
        body = r.json()
    except ValueError:
        pytest.fail(f"error body is not JSON: {r.text[:500]!r}")
    if protocol == "rest-json":
        got_code, message = body.get("code"), body.get("message")
        assert r.headers.get("x-amzn-ErrorType", "").split(":")[0] == got_code, r.headers
    else:
        got_code, message = body.get("__type", "").split("#")[-1], body.get("Message")
    assert got_code, f"no error code in {body}"
    assert message, f"no message in {body}"
    if code is not None:
        codes = {code} if isinstance(code, str) else code
        assert got_code in codes, f"expected {codes}, got {got_code}: {message}"
    return body


def assert_4xx(r: requests.Response):
    """Bad input: a 4xx with a code and a message, never a 5xx, never a dropped connection."""
    assert 400 <= r.status_code < 500, f"expected 4xx, got {r.status_code}: {r.text[:500]}"
    body = r.json()
    assert (body.get("code") or body.get("__type")) and (body.get("message") or body.get("Message")), body
    return body


@pytest.fixture
def skewed_clock():
    """Patch the clock botocore's SigV4 signer reads, for boto3 calls."""
    real = botocore.auth.datetime

    def patch(offset: dt.timedelta):
        class Skewed(dt.datetime):
            @classmethod
            def utcnow(cls):
                return real.datetime.utcnow() + offset
        botocore.auth.datetime = types.SimpleNamespace(datetime=Skewed)
    yield patch
    botocore.auth.datetime = real


# ---------------------------------------------------------------- aws CLI


@pytest.fixture(scope="session")
def aws(service, workdir):
    exe = pathlib.Path(sys.executable).parent / "aws"
    env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=str(workdir / "credentials"),
               AWS_CONFIG_FILE=str(workdir / "aws-config"), AWS_DEFAULT_REGION=REGION,
               AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard", AWS_PAGER="")
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(k, None)

    def run(*args: str, profile: str = "owner") -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args, "--endpoint-url", service.url, "--profile", profile,
                               "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    return run
