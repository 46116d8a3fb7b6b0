"""Replay protection (ARCHITECTURE.md, "Security and durability").

A signed request that can change state (every iot1click call but the GETs, RegisterAVSDevice, the
device-side registration) spends its signature. The same signature again, later than the 2 s grace
after its first use, is a replay: 403 InvalidSignatureException, nothing runs. Device events are
exempt: a resend is already a duplicate.

botocore 1.34.120 signs neither amz-sdk-invocation-id nor amz-sdk-request, and X-Amz-Date counts
whole seconds, so a call retried (or made twice) within one second is the same signed request: it
runs again within the grace. The proxy tests show boto3's retries (standard and adaptive) still
succeed, both when the retry is signed in the same second and when it is signed in a later one.
"""
import datetime as dt
import http.client
import http.server
import json
import socket
import threading
import time
import types
import uuid
from urllib.parse import urlsplit

import botocore.auth
import boto3
import pytest
from botocore.config import Config

from conftest import PROFILES, REGION, DeviceSide, Flow, Service, assert_raw_error, client

GRACE = 2.0  # seconds: clickbridge serve's replay grace


class Captured:
    """The requests a boto3 client sent, as they went on the wire (method, target, headers, body)."""

    def __init__(self, boto_client):
        self.requests = []
        boto_client.meta.events.register("before-send", self._grab)

    def _grab(self, request, **_):
        headers = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()]
        body = request.body or b""
        self.requests.append(types.SimpleNamespace(
            method=request.method, url=request.url, headers=headers,
            body=body.encode() if isinstance(body, str) else bytes(body), sent_at=time.monotonic()))


def raw_send(url: str, method: str, target_url: str, headers, body: bytes) -> tuple[int, dict, bytes]:
    """Sends the request byte for byte over a plain socket: the same request line, headers and body."""
    parts = urlsplit(target_url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    service = urlsplit(url)
    # The HTTP library added Host from the URL; Connection (unsigned, hop-by-hop) is set here so
    # that the socket closes after the answer.
    lines = [f"{method} {target} HTTP/1.1"]
    if not any(k.lower() == "host" for k, _ in headers):
        lines.append(f"Host: {parts.netloc}")
    lines += [f"{k}: {v}" for k, v in headers if k.lower() != "connection"]
    if not any(k.lower() == "content-length" for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    wire = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection((service.hostname, service.port), timeout=10) as s:
        s.sendall(wire)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    answer_headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), answer_headers, payload


def replay(svc: Service, captured) -> tuple[int, dict, bytes]:
    return raw_send(svc.url, captured.method, captured.url, captured.headers, captured.body)


def wait_past_grace(sent_at: float):
    """Until the grace after a request sent at `sent_at` (time.monotonic()) is over."""
    time.sleep(max(0.0, sent_at + GRACE + 0.3 - time.monotonic()))


def assert_replay_refused(status, headers, payload, protocol="rest-json"):
    assert status == 403, (status, payload)
    body = json.loads(payload)
    assert headers.get("x-amzn-errortype") == "InvalidSignatureException", headers
    if protocol == "rest-json":
        assert body["code"] == "InvalidSignatureException", body
        assert "replay protection" in body["message"], body
        assert headers.get("content-type") == "application/json"
    else:
        assert body["__type"] == "InvalidSignatureException", body
        assert "replay protection" in body["Message"], body
        assert headers.get("content-type") == "application/x-amz-json-1.1"


def test_replayed_disable_is_403_and_changes_nothing(service, ic, flow):
    owner = client(service, "owner")
    capture = Captured(owner)
    device_id = flow.claimed("owner")
    owner.update_device_state(DeviceId=device_id, Enabled=False)
    disable = capture.requests[-1]
    ic("owner").update_device_state(DeviceId=device_id, Enabled=True)

    wait_past_grace(disable.sent_at)
    assert_replay_refused(*replay(service, disable))
    assert ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]["Enabled"] is True


def test_replayed_method_invocation_is_403(service, ic, flow):
    owner = client(service, "owner")
    capture = Captured(owner)
    device_id = flow.claimed("owner")
    owner.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "setOnClickCallback"},
                               DeviceMethodParameters='{"callback":{"url":"http://example.com/first"}}')
    captured = capture.requests[-1]
    wait_past_grace(captured.sent_at)
    assert_replay_refused(*replay(service, captured))


def test_replayed_register_avs_device_is_403_in_json_1_1(service):
    a4b = client(service, "owner", service_name="alexaforbusiness")
    capture = Captured(a4b)
    a4b.register_avs_device(ClientId="amzn1.application-oa2-client.0123", UserCode="ABC123", ProductId="my_product",
                            DeviceSerialNumber="RP" + uuid.uuid4().hex[:12].upper(), AmazonId="A1B2C3D4E5")
    captured = capture.requests[-1]
    wait_past_grace(captured.sent_at)
    assert_replay_refused(*replay(service, captured), protocol="json")


def test_replayed_device_registration_is_403_but_events_stay_duplicates(service, device, flow):
    device_id = flow.registered()
    sent_at = time.monotonic()
    with_code = device.register(device_id, claim_code="C-" + uuid.uuid4().hex[:12].upper())
    assert with_code.status_code == 200
    assert device.register(device_id).status_code == 200  # the bridge clears the claim code
    body = device.event_body()
    first = device.post_event(device_id, body)
    assert first.json() == {"eventId": body["eventId"], "duplicate": False}

    wait_past_grace(sent_at)
    captured = with_code.request
    assert_replay_refused(*raw_send(service.url, captured.method, captured.url, list(captured.headers.items()), captured.body))
    assert "claimCode" not in device.registration(device_id).json()
    resent = raw_send(service.url, "POST", first.request.url, list(first.request.headers.items()), first.request.body)
    assert resent[0] == 200 and json.loads(resent[2]) == {"eventId": body["eventId"], "duplicate": True}, resent


def test_reads_are_not_spent(service, ic, flow):
    owner = client(service, "owner")
    capture = Captured(owner)
    device_id = flow.claimed("owner")
    owner.describe_device(DeviceId=device_id)
    read = capture.requests[-1]
    wait_past_grace(read.sent_at)
    status, _, payload = replay(service, read)
    assert status == 200 and json.loads(payload)["deviceDescription"]["deviceId"] == device_id


def test_a_restart_does_not_reopen_the_replay_window(workdir, request):
    state = workdir / f"state-{request.node.name}"
    state.mkdir()
    svc = Service(state, workdir / "credentials").start()
    try:
        flow = Flow(lambda p="owner", **kw: client(svc, p, **kw), DeviceSide(svc))
        owner = client(svc, "owner")
        capture = Captured(owner)
        device_id = flow.claimed("owner")
        owner.update_device_state(DeviceId=device_id, Enabled=False)
        disable = capture.requests[-1]
        client(svc, "owner").update_device_state(DeviceId=device_id, Enabled=True)
        svc.stop()
        svc.start()  # on a new port; the replay keeps its signed Host header
        wait_past_grace(disable.sent_at)
        assert_replay_refused(*replay(svc, disable))
        assert client(svc, "owner").describe_device(DeviceId=device_id)["DeviceDescription"]["Enabled"] is True
    finally:
        svc.stop()


# ---------------------------------------------------------------- SDK retries through a proxy


class DroppingProxy:
    """Between boto3 and the service: forwards every request as received, but for the first
    state-changing one it throws the service's answer away and answers 503, so boto3 retries."""

    def __init__(self, target: Service):
        self.target = target
        self.seen = []  # (method, path, authorization, amz-sdk-request, status the service gave)
        self.dropped = False
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # tests print nothing
                pass

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target.port, timeout=30)
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for k, v in self.headers.items():
                    conn.putheader(k, v)
                conn.endheaders(body)
                answer = conn.getresponse()
                payload = answer.read()
                conn.close()
                proxy.seen.append((self.command, self.path, self.headers.get("Authorization"),
                                   self.headers.get("amz-sdk-request"), answer.status))
                if self.command != "GET" and not proxy.dropped:
                    proxy.dropped = True
                    status, headers = 503, [("Content-Type", "application/json"),
                                            ("x-amzn-ErrorType", "ServiceUnavailableException")]
                    payload = b'{"code":"ServiceUnavailableException","message":"the proxy lost the answer"}'
                else:
                    status = answer.status
                    headers = [(k, v) for k, v in answer.getheaders()
                               if k.lower() not in ("content-length", "connection", "transfer-encoding")]
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def signing_clock():
    """Sets the clock botocore's SigV4 signer reads: frozen (every attempt signed in one second)
    or a second further at each signature."""
    real = botocore.auth.datetime

    class Control:
        def set(self, mode: str):
            start = real.datetime.utcnow()
            ticks = iter(range(1000))

            class Clock(real.datetime):
                @classmethod
                def utcnow(cls):
                    return start if mode == "frozen" else start + dt.timedelta(seconds=next(ticks))
            botocore.auth.datetime = types.SimpleNamespace(datetime=Clock)

        def restore(self):
            botocore.auth.datetime = real
    control = Control()
    yield control
    control.restore()


@pytest.mark.parametrize("retry_mode", ["standard", "adaptive"])
@pytest.mark.parametrize("clock", ["frozen", "moving"])
def test_boto3_retry_after_a_lost_answer_succeeds(service, flow, ic, signing_clock, retry_mode, clock):
    device_id = flow.claimed("owner")
    proxy = DroppingProxy(service)
    try:
        akid, secret, _ = PROFILES["owner"]
        via_proxy = boto3.session.Session().client(
            "iot1click-devices", endpoint_url=proxy.url, region_name=REGION, aws_access_key_id=akid,
            aws_secret_access_key=secret, config=Config(retries={"mode": retry_mode, "max_attempts": 3}))
        signing_clock.set(clock)
        answer = via_proxy.update_device_state(DeviceId=device_id, Enabled=False)
    finally:
        signing_clock.restore()
        proxy.close()
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(proxy.seen) == 2, proxy.seen
    (method, path, auth1, attempt1, status1), (_, _, auth2, attempt2, status2) = proxy.seen
    # The service ran the first attempt (boto3 got the proxy's 503), then the retry.
    assert (method, path, status1, status2) == ("PUT", f"/devices/{device_id}/state", 200, 200)
    assert attempt1 == "attempt=1" and "attempt=2" in attempt2, (attempt1, attempt2)
    if clock == "frozen":
        assert auth2 == auth1  # the same signed request, within the grace: it runs again
    else:
        assert auth2 != auth1  # signed a second later: a new signature
    assert ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]["Enabled"] is False
