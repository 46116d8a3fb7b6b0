"""Throughput and latency of `clickbridge serve` on loopback, with SIGNED requests, against moto.

Run through Benchmarks/service/run (it builds the release binary and prepares the venvs).

How the requests are signed (wrk's Lua cannot compute SigV4 per request):
- DescribeDevice: one GET, signed once with an X-Amz-Date of "now". The service accepts a
  signature for 5 minutes of clock skew, so every request of the run carries the same valid headers;
  the service still verifies the full signature on every request.
- Event ingest: every request needs its own eventId, so its own body and its own signature. This
  script pre-signs N distinct POSTs (one file line each) right before the run; a Lua script hands
  each wrk thread its own share. A run that would need more requests than were pre-signed is
  reported as invalid rather than reusing an id (a reused id is a duplicate, not a durable write).
- moto: ListThings (`GET /things`) of moto's `iot`, signed the same way (moto does not check it).
- The floor: the DescribeDevice GET sent unsigned, answered 403 before any SigV4 or store work, so
  the HTTP layer's own cost shows beside the signed calls'.

The signer here is a direct SigV4 implementation for speed; at start-up it is checked to produce
byte-identical Authorization headers to botocore's SigV4Auth.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

REGION = "us-east-1"
ACCOUNT = "123456789012"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on {port} within 60 s")


class Signer:
    def __init__(self, akid: str, secret: str, service: str, region: str = REGION):
        self.akid, self.secret, self.service, self.region = akid, secret, service, region
        self._keys: dict[str, bytes] = {}

    def key(self, datestamp: str) -> bytes:
        if datestamp not in self._keys:
            k = hmac.new(("AWS4" + self.secret).encode(), datestamp.encode(), hashlib.sha256).digest()
            for part in (self.region, self.service, "aws4_request"):
                k = hmac.new(k, part.encode(), hashlib.sha256).digest()
            self._keys[datestamp] = k
        return self._keys[datestamp]

    def headers(self, method: str, path: str, query: str, host: str, body: bytes, amzdate: str,
                content_type: str | None) -> dict[str, str]:
        hdrs = {"host": host, "x-amz-date": amzdate}
        if content_type:
            hdrs["content-type"] = content_type
        names = sorted(hdrs)
        canonical_query = "&".join(sorted(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
            for k, _, v in (p.partition("=") for p in query.split("&") if p)))
        creq = "\n".join([method, quote(path, safe="/~"), canonical_query,
                          "".join(f"{n}:{hdrs[n]}\n" for n in names), ";".join(names),
                          hashlib.sha256(body).hexdigest()])
        scope = f"{amzdate[:8]}/{self.region}/{self.service}/aws4_request"
        sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, scope, hashlib.sha256(creq.encode()).hexdigest()])
        sig = hmac.new(self.key(amzdate[:8]), sts.encode(), hashlib.sha256).hexdigest()
        out = {"Host": host, "X-Amz-Date": amzdate,
               "Authorization": f"AWS4-HMAC-SHA256 Credential={self.akid}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={sig}"}
        if content_type:
            out["Content-Type"] = content_type
        return out


def check_signer_matches_botocore(signer: Signer, host: str) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class Fixed(SigV4Auth):
        def add_auth(self, request):
            request.context["timestamp"] = "20260101T000000Z"
            self._modify_request_before_signing(request)
            cr = self.canonical_request(request)
            self._inject_signature_to_request(request, self.signature(self.string_to_sign(request, cr), request))

    for method, path, query, body, ctype in [
        ("GET", "/devices/G030PM0123456789", "", b"", None),
        ("POST", "/devices/G030PM0123456789/events", "", b'{"a": 1}', "application/json"),
        ("GET", "/things", "maxResults=5", b"", None),
    ]:
        url = f"http://{host}{path}" + (f"?{query}" if query else "")
        req = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": ctype} if ctype else {})
        Fixed(Credentials(signer.akid, signer.secret), signer.service, signer.region).add_auth(req)
        mine = signer.headers(method, path, query, host, body, "20260101T000000Z", ctype)
        assert mine["Authorization"] == req.headers["Authorization"], (mine, dict(req.headers))


def amz_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def lua_string(s: str) -> str:
    return json.dumps(s)  # JSON string escapes are valid Lua escapes for this ASCII content


def single_request_script(method: str, path: str, headers: dict[str, str]) -> str:
    lines = [f"wrk.method = {lua_string(method)}", f"wrk.path = {lua_string(path)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


# Each wrk thread reads the request file and keeps every n-th line; request() hands them out in
# order. Past the end it sends a request the service rejects (404 path), which wrk counts as
# non-2xx, so an undersized file shows up as errors instead of silent duplicates.
MANY_REQUESTS_LUA = r"""
local threads, nthreads = {}, tonumber(os.getenv("CB_THREADS"))
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  reqs = {}
  local i = 0
  for line in io.lines(os.getenv("CB_REQUESTS")) do
    if i % nthreads == tid then
      local path, host, date, auth, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {["Host"] = host, ["X-Amz-Date"] = date,
        ["Authorization"] = auth, ["Content-Type"] = "application/json"}, body)
    end
    i = i + 1
  end
  idx = 0
  exhausted = wrk.format("GET", "/exhausted-pre-signed-requests", {}, nil)
end
function request()
  idx = idx + 1
  if idx > #reqs then return exhausted end
  return reqs[idx]
end
"""


def parse_wrk(out: str) -> dict:
    def latency(pct: str) -> float:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": latency("50"),
            "p99_ms": latency("99"), "requests": total, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else ""}


def run_wrk(url: str, script: pathlib.Path, args, env=None) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **(env or {})), check=True).stdout
    if args.verbose:
        print(out, file=sys.stderr)
    result = parse_wrk(out)
    result["command"] = " ".join(cmd)
    return result


class ServiceUsage:
    """The service's CPU time and context switches over a run, per request. Requests/s moves with
    the machine's load; CPU time per request much less, so it shows what a change did on a busy
    machine (switches: threads that slept, on a lock or for I/O)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.start = self.read()

    def read(self) -> tuple[int, int, int]:
        fields = pathlib.Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime, all threads
        voluntary = involuntary = 0
        for task in pathlib.Path(f"/proc/{self.pid}/task").iterdir():
            try:
                status = (task / "status").read_text()
            except FileNotFoundError:
                continue
            voluntary += int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
            involuntary += int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
        return ticks, voluntary, involuntary

    def per_request(self, requests: int) -> dict:
        end = self.read()
        n = max(requests, 1)
        hz = os.sysconf("SC_CLK_TCK")
        return {"service_cpu_us_per_request": round((end[0] - self.start[0]) / hz / n * 1e6, 1),
                "service_voluntary_switches_per_request": round((end[1] - self.start[1]) / n, 2),
                "service_involuntary_switches_per_request": round((end[2] - self.start[2]) / n, 2)}


def run_wrk_split(targets: list[tuple[str, pathlib.Path, dict | None]], args) -> dict:
    """wrk against each instance at once, the connections and threads shared out between them; the
    requests/s add up, and the latencies reported are the worst instance's."""
    if len(targets) == 1:
        url, script, env = targets[0]
        return run_wrk(url, script, args, env)
    share = argparse.Namespace(**vars(args))
    share.threads = max(1, args.threads // len(targets))
    share.connections = max(1, args.connections // len(targets))
    procs = []
    for url, script, env in targets:
        cmd = ["wrk", f"-t{share.threads}", f"-c{share.connections}", f"-d{args.duration}s", "--latency", "-s", str(script), url]
        procs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ, **(env or {})))))
    parts = []
    for cmd, proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed")
        if args.verbose:
            print(out, file=sys.stderr)
        parts.append(parse_wrk(out))
    return {"rps": sum(p["rps"] for p in parts), "p50_ms": max(p["p50_ms"] for p in parts),
            "p99_ms": max(p["p99_ms"] for p in parts), "requests": sum(p["requests"] for p in parts),
            "non2xx": sum(p["non2xx"] for p in parts), "socket_errors": "; ".join(p["socket_errors"] for p in parts if p["socket_errors"]),
            "command": " & ".join(" ".join(cmd) for cmd, _ in procs), "per_instance_rps": [p["rps"] for p in parts]}


class Usage:
    """ServiceUsage summed over the instances."""

    def __init__(self, pids: list[int]):
        self.parts = [ServiceUsage(pid) for pid in pids]

    def per_request(self, requests: int) -> dict:
        each = [u.per_request(requests) for u in self.parts]
        return {k: round(sum(e[k] for e in each), 2) for k in each[0]}


class DatabaseUsage:
    """CPU time of the PostgreSQL server's processes (the postmaster's children: a backend per
    pooled connection, the WAL writer, ...) over a run, per request: the database's share of the
    work, which the service's own CPU time leaves out."""

    def __init__(self, postgres):
        self.postmaster = int((postgres.dir / "data" / "postmaster.pid").read_text().split()[0])
        self.start = self.read()

    def read(self) -> dict[int, int]:
        ticks = {}
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            pid = int(stat.parent.name)
            if pid == self.postmaster or int(fields[1]) == self.postmaster:
                ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def per_request(self, requests: int) -> dict:
        end = self.read()
        used = sum(t - self.start.get(pid, 0) for pid, t in end.items())
        return {"database_cpu_us_per_request": round(used / os.sysconf("SC_CLK_TCK") / max(requests, 1) * 1e6, 1)}


BACKENDS = {"sqlite": (None, 1), "postgres": ("postgres", 1), "postgres2": ("postgres", 2)}


def bench_backend(args, backend: str, postgres, credentials: pathlib.Path, keys: dict, parent: pathlib.Path) -> dict:
    """DescribeDevice and ingest against `serve` on one backend, started here and stopped at the end."""
    import boto3
    import requests
    from botocore.config import Config

    engine, instances = BACKENDS[backend]
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"{backend}-", dir=parent))
    database = postgres.new_database() if engine == "postgres" else None
    procs, hosts = [], []
    results: dict = {}
    try:
        for n in range(instances):
            state = work / f"state-{n}"
            state.mkdir()
            port = free_port()
            command = [args.bin, "serve", "--listen", f"127.0.0.1:{port}", "--state-dir", str(state),
                       "--credentials", str(credentials)]
            if database:
                command += ["--database", database]
            procs.append(subprocess.Popen(command, stdout=open(work / f"serve-{n}.log", "wb"), stderr=subprocess.STDOUT))
            wait_port(port, procs[-1], f"clickbridge serve ({backend}, instance {n + 1})")
            hosts.append(f"127.0.0.1:{port}")
        host = hosts[0]
        bridge = Signer(keys["bridge"][0], keys["bridge"][1], "iot1click")
        owner = Signer(keys["owner"][0], keys["owner"][1], "iot1click")
        check_signer_matches_botocore(owner, host)

        # Set-up through the real API: register, initiate, press, finalize.
        device_id = "G030PMBENCH00001"
        def post(path, body, signer=bridge, method="POST"):
            raw = json.dumps(body).encode()
            return requests.request(method, f"http://{host}{path}", data=raw,
                                    headers=signer.headers(method, path, "", host, raw, amz_now(), "application/json"))
        r = post(f"/devices/{device_id}/registration", {"type": "button"}, method="PUT")
        assert r.status_code == 200, r.text
        c = boto3.client("iot1click-devices", endpoint_url=f"http://{host}", region_name=REGION,
                         aws_access_key_id=keys["owner"][0], aws_secret_access_key=keys["owner"][1],
                         config=Config(retries={"mode": "standard", "max_attempts": 1}))
        c.initiate_device_claim(DeviceId=device_id)
        ts = dt.datetime.now(dt.timezone.utc)
        r = post(f"/devices/{device_id}/events", {"eventId": str(uuid.uuid4()), "clickType": "SINGLE",
                                                  "reportedTime": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
                                                  "remainingLife": 99.0})
        assert r.status_code == 200, r.text
        assert c.finalize_device_claim(DeviceId=device_id, Tags={"bench": "yes"})["State"] == "CLAIMED"

        # DescribeDevice: one pre-signed GET per instance; each checked before timing.
        path = f"/devices/{device_id}"
        targets = []
        for n, h in enumerate(hosts):
            headers = owner.headers("GET", path, "", h, b"", amz_now(), None)
            r = requests.get(f"http://{h}{path}", headers=headers)
            assert r.status_code == 200 and r.json()["deviceDescription"]["deviceId"] == device_id, r.text
            script = work / f"describe-{n}.lua"
            script.write_text(single_request_script("GET", path, headers))
            targets.append((f"http://{h}", script, None))
        usage = Usage([p.pid for p in procs])
        database_usage = DatabaseUsage(postgres) if engine == "postgres" else None
        results["describe"] = run_wrk_split(targets, args)
        results["describe"].update(usage.per_request(results["describe"]["requests"]))
        if database_usage:
            results["describe"].update(database_usage.per_request(results["describe"]["requests"]))

        # The floor: the same GET unsigned, answered 403 before any SigV4 or store work (the HTTP
        # layer, the router and an error body). No signed call can be faster than this.
        targets = []
        for n, h in enumerate(hosts):
            r = requests.get(f"http://{h}{path}")
            assert r.status_code == 403 and r.json()["code"] == "MissingAuthenticationTokenException", r.text
            script = work / f"floor-{n}.lua"
            script.write_text(single_request_script("GET", path, {}))
            targets.append((f"http://{h}", script, None))
        usage = Usage([p.pid for p in procs])
        results["floor"] = run_wrk_split(targets, args)
        results["floor"].update(usage.per_request(results["floor"]["requests"]))

        # Event ingest: distinct, pre-signed events, each a durable write; each instance its own share.
        amzdate = amz_now()
        base = dt.datetime.now(dt.timezone.utc)
        epath = f"/devices/{device_id}/events"
        t0 = time.monotonic()
        targets = []
        threads = max(1, args.threads // len(hosts))
        for n, h in enumerate(hosts):
            reqfile = work / f"events-{n}.tsv"
            with open(reqfile, "w") as f:
                for i in range(args.ingest_requests // len(hosts)):
                    t = base + dt.timedelta(milliseconds=i * len(hosts) + n)
                    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
                    body = json.dumps({"eventId": str(uuid.uuid4()), "clickType": "SINGLE", "reportedTime": stamp,
                                       "remainingLife": 98.5}, separators=(",", ":"))
                    hd = bridge.headers("POST", epath, "", h, body.encode(), amzdate, "application/json")
                    f.write(f"{epath}\t{h}\t{amzdate}\t{hd['Authorization']}\t{body}\n")
            script = work / f"ingest-{n}.lua"
            script.write_text(MANY_REQUESTS_LUA)
            targets.append((f"http://{h}", script, {"CB_REQUESTS": str(reqfile), "CB_THREADS": str(threads)}))
        results["ingest_presign_seconds"] = round(time.monotonic() - t0, 1)
        def count_events() -> int:
            return sum(len(p["Events"]) for p in c.get_paginator("list_device_events").paginate(
                DeviceId=device_id, FromTimeStamp=base - dt.timedelta(minutes=1),
                ToTimeStamp=base + dt.timedelta(minutes=10), PaginationConfig={"PageSize": 250}))
        before = count_events()
        usage = Usage([p.pid for p in procs])
        database_usage = DatabaseUsage(postgres) if engine == "postgres" else None
        results["ingest"] = run_wrk_split(targets, args)
        results["ingest"].update(usage.per_request(results["ingest"]["requests"]))
        if database_usage:
            results["ingest"].update(database_usage.per_request(results["ingest"]["requests"]))
        results["ingest"]["presigned"] = args.ingest_requests
        # Every counted request must be a new, stored event: count them through the API.
        results["ingest"]["stored_events"] = count_events() - before
        results["service_vmhwm_kib"] = [int(re.search(r"VmHWM:\s+(\d+)", pathlib.Path(f"/proc/{p.pid}/status").read_text()).group(1))
                                        for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
    return results


def bench_moto(args, moto_server: str) -> dict:
    import boto3
    import requests

    mport = free_port()
    moto = subprocess.Popen([moto_server, "-p", str(mport)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = pathlib.Path(tempfile.mkdtemp(prefix="moto-"))
    try:
        wait_port(mport, moto, "moto_server")
        mhost = f"127.0.0.1:{mport}"
        iot = boto3.client("iot", endpoint_url=f"http://{mhost}", region_name=REGION,
                           aws_access_key_id="AKIAMOTO", aws_secret_access_key="moto")
        for i in range(3):
            iot.create_thing(thingName=f"bench-{i}")
        msigner = Signer("AKIAMOTO", "moto", "iot")
        mheaders = msigner.headers("GET", "/things", "", mhost, b"", amz_now(), None)
        r = requests.get(f"http://{mhost}/things", headers=mheaders)
        assert r.status_code == 200 and len(r.json()["things"]) == 3, r.text
        script = work / "moto.lua"
        script.write_text(single_request_script("GET", "/things", mheaders))
        return run_wrk(f"http://{mhost}", script, args)
    finally:
        moto.send_signal(signal.SIGTERM)
        moto.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="release clickbridge binary")
    ap.add_argument("--moto-server", help="moto_server executable (skip moto if absent)")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--ingest-requests", type=int, default=120_000, help="pre-signed distinct events")
    ap.add_argument("--state-dir", help="where the service keeps its SQLite file and PostgreSQL its cluster (default: a temp dir on disk)")
    ap.add_argument("--backends", default="sqlite",
                    help="comma-separated, in this order: sqlite; postgres (one instance); postgres2 (two instances on one database)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    backends = args.backends.split(",")
    for backend in backends:
        if backend not in BACKENDS:
            ap.error(f"--backends: {backend} is not one of {', '.join(BACKENDS)}")

    work = pathlib.Path(tempfile.mkdtemp(prefix="clickbridge-bench-", dir=args.state_dir))
    keys = {"bridge": ("AKIABENCHBRIDGE00001", secrets.token_urlsafe(30)),
            "owner": ("AKIABENCHOWNER000001", secrets.token_urlsafe(30))}
    credentials = work / "credentials"
    credentials.write_text("\n".join(f"[{name}]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\naws_account_id = {ACCOUNT}\n"
                                     for name, (akid, secret) in keys.items()))
    credentials.chmod(0o600)  # serve refuses credentials that others may read
    postgres = None
    results: dict = {"machine": {"nproc": os.cpu_count(), "loadavg_before": os.getloadavg()}}
    try:
        if any(BACKENDS[b][0] == "postgres" for b in backends):
            # The cluster on the same disk as SQLite's file (not tmpfs), so its fsync is a real one.
            sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "Tests" / "conformance"))
            from throwaway_postgres import ThrowawayPostgres
            # Beside `work`, not in it: the server's socket path must stay under 108 bytes.
            tempfile.tempdir = str(work.parent)
            postgres = ThrowawayPostgres()
            tempfile.tempdir = None
        for backend in backends:
            results[backend] = bench_backend(args, backend, postgres, credentials, keys, work)
        if args.moto_server:
            results["moto_list_things"] = bench_moto(args, args.moto_server)
        results["machine"]["loadavg_after"] = os.getloadavg()
    finally:
        if postgres:
            postgres.drop()
        shutil.rmtree(work, ignore_errors=True)

    print(json.dumps(results, indent=2))
    print("\n| call | requests/s | p50 | p99 | notes |\n| --- | --- | --- | --- | --- |")
    def database_cpu(r: dict) -> str:
        return f"; PostgreSQL CPU {r['database_cpu_us_per_request']} µs per request" if "database_cpu_us_per_request" in r else ""
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL, 1 instance", "postgres2": "PostgreSQL, 2 instances"}
    moto = results.get("moto_list_things")
    for backend in backends:
        d, i = results[backend]["describe"], results[backend]["ingest"]
        ratio = f"; {d['rps'] / moto['rps']:.1f}x moto" if moto else ""
        print(f"| DescribeDevice (signed), {names[backend]} | {d['rps']:,.0f} | {d['p50_ms']:.2f} ms | {d['p99_ms']:.2f} ms | "
              f"{d['requests']} requests, non-2xx {d['non2xx']}{ratio}; service CPU {d['service_cpu_us_per_request']} µs and "
              f"{d['service_voluntary_switches_per_request']} sleeps per request{database_cpu(d)} |")
        print(f"| event ingest (signed, durable), {names[backend]} | {i['rps']:,.0f} | {i['p50_ms']:.2f} ms | {i['p99_ms']:.2f} ms | "
              f"{i['requests']} requests, {i['stored_events']} new events stored, non-2xx {i['non2xx']}; "
              f"service CPU {i['service_cpu_us_per_request']} µs and {i['service_voluntary_switches_per_request']} sleeps per request{database_cpu(i)} |")
        f = results[backend]["floor"]
        ratio = f"; {f['rps'] / moto['rps']:.1f}x moto" if moto else ""
        print(f"| the floor: the same GET unsigned, answered 403, {names[backend]} | {f['rps']:,.0f} | {f['p50_ms']:.2f} ms | {f['p99_ms']:.2f} ms | "
              f"{f['requests']} requests, 403 {f['non2xx']}{ratio}; service CPU {f['service_cpu_us_per_request']} µs per request |")
        if i["requests"] > i["presigned"] or i["non2xx"]:
            print(f"\nWARNING ({names[backend]}): the ingest run used up the pre-signed events or got errors; raise --ingest-requests.")
    if moto:
        print(f"| moto_server iot ListThings | {moto['rps']:,.0f} | {moto['p50_ms']:.2f} ms | {moto['p99_ms']:.2f} ms | |")


if __name__ == "__main__":
    main()
