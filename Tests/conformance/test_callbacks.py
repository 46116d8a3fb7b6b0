"""Click callbacks: the owner sets a callback URL with boto3's InvokeDeviceMethod, and the service
POSTs each event of the claimed, enabled device to it (ARCHITECTURE.md, "Click callbacks";
hardware/actions.md). The service calls only public addresses unless its operator allows private
ones (`serve --allow-private-callbacks`): the receivers here are on loopback, so the delivery tests
run against a service started with the allowance, and the refusals against the suite's default one."""
import datetime as dt
import http.server
import json
import re
import subprocess
import threading
import time
import types

import pytest

from conftest import DeviceSide, Flow, Service, client, clickbridge_binary, raises_aws, utcnow

DEADLINE = 20  # seconds: a failure deadline for a broken delivery, not a latency bound


class Receiver:
    """A Python http.server on loopback that records every POST and answers 200."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request (scripts/bench-events-follow)
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.cond:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrivals.append(time.monotonic())
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"

    def wait_for(self, count: int) -> list[tuple[dict, dict]]:
        with self.cond:
            arrived = self.cond.wait_for(lambda: len(self.requests) >= count, timeout=DEADLINE)
            got = list(self.requests)
        assert arrived, f"expected {count} callbacks within {DEADLINE} s, got {len(got)}"
        return [(headers, json.loads(body)) for headers, body in got]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def home(workdir):
    """A service whose operator allows private callbacks, as on a home network."""
    state = workdir / "state-private-callbacks"
    state.mkdir()
    svc = Service(state, workdir / "credentials", ("--allow-private-callbacks",)).start()
    cache = {}

    def ic(profile="owner"):
        if profile not in cache:
            cache[profile] = client(svc, profile)
        return cache[profile]
    device = DeviceSide(svc)
    yield types.SimpleNamespace(service=svc, ic=ic, device=device, flow=Flow(ic, device))
    alive = svc.alive()
    svc.stop()
    assert alive, f"clickbridge serve died during the run:\n{svc.log_tail()}"


def set_callback(c, device_id, url):
    return c.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "setOnClickCallback"},
                                  DeviceMethodParameters=json.dumps({"callback": {"url": url}}))


def expected_payload(device_id, click, reported, life, attributes):
    info = {"deviceId": device_id, "type": "button", "attributes": attributes}
    if life is not None:
        info["remainingLife"] = life
    return {"deviceInfo": info, "deviceEvent": {"buttonClicked": {"clickType": click, "reportedTime": reported}}}


def test_callback_gets_every_event_of_a_claimed_device_and_none_while_disabled(home, workdir, receiver):
    service, ic, device, flow = home.service, home.ic, home.device, home.flow
    owner = ic("owner")
    attributes = {"room": "hall"}
    device_id = flow.claimed("owner", attributes=attributes)
    answer = set_callback(owner, device_id, receiver.url)
    assert json.loads(answer["DeviceMethodResponse"]) == {}
    got = owner.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getOnClickCallback"})
    assert json.loads(got["DeviceMethodResponse"]) == {"callback": {"url": receiver.url}}

    base = utcnow() - dt.timedelta(seconds=30)
    sent = []  # (eventId, expected payload)
    for i, click in enumerate(["SINGLE", "DOUBLE", "LONG", "SINGLE"]):
        life = 80.0 - i
        body = device.press(device_id, click=click, reported=base + dt.timedelta(seconds=i), remaining_life=life)
        sent.append((body["eventId"], expected_payload(device_id, click, body["reportedTime"], life, attributes)))
    # One more the way a user would send it: `clickbridge publish`, with no battery value, so the
    # payload carries the device's last reported one.
    out = subprocess.run([str(clickbridge_binary()), "publish", "--device-id", device_id, "--click", "DOUBLE",
                          "--endpoint", service.url, "--credentials", str(workdir / "credentials"), "--profile", "bridge"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    m = re.search(r"published DOUBLE for \S+ at (\S+) \(event ([0-9a-f-]{36})\)", out.stdout)
    assert m, out.stdout
    sent.append((m.group(2), expected_payload(device_id, "DOUBLE", m.group(1), 77.0, attributes)))

    arrived = receiver.wait_for(len(sent))
    assert [h.get("x-clickbridge-event-id") for h, _ in arrived] == [event_id for event_id, _ in sent]
    assert [payload for _, payload in arrived] == [payload for _, payload in sent]
    for headers, _ in arrived:
        assert headers.get("content-type") == "application/json"

    # Disabled: the events are acknowledged and stored, and fire no callback.
    owner.update_device_state(DeviceId=device_id, Enabled=False)
    for i in range(3):
        device.press(device_id, click="LONG", reported=base + dt.timedelta(seconds=10 + i), remaining_life=70.0)
    # Enabled again, one more press. A device's callbacks go in order, so had any of the disabled
    # presses been queued, it would arrive before this one.
    owner.update_device_state(DeviceId=device_id, Enabled=True)
    last = device.press(device_id, click="SINGLE", reported=base + dt.timedelta(seconds=20), remaining_life=69.0)
    arrived = receiver.wait_for(len(sent) + 1)
    assert len(arrived) == len(sent) + 1, [p for _, p in arrived]
    headers, payload = arrived[-1]
    assert headers.get("x-clickbridge-event-id") == last["eventId"]
    assert payload == expected_payload(device_id, "SINGLE", last["reportedTime"], 69.0, attributes)
    events = owner.list_device_events(DeviceId=device_id, FromTimeStamp=base - dt.timedelta(seconds=1),
                                      ToTimeStamp=base + dt.timedelta(seconds=30))["Events"]
    # All nine presses since the claim are stored, the disabled ones included.
    assert len(events) == 9, events


def test_callback_of_another_owner_or_an_unclaimed_device_is_refused(ic, flow, receiver):
    device_id = flow.registered()
    with pytest.raises(ic("owner").exceptions.ResourceNotFoundException):
        set_callback(ic("owner"), device_id, receiver.url)
    with pytest.raises(ic("owner").exceptions.InvalidRequestException):
        set_callback(ic("owner"), flow.claimed("owner"), "ftp://127.0.0.1/x")


PRIVATE_URLS = [
    "http://127.0.0.1:8123/api/webhook/porch",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8123/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://10.0.0.5/x",
    "http://192.168.1.20:8123/x",
    "http://[fd00::1]/x",
    "http://0.0.0.0:8123/x",
    "http://2130706433/x",
]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_callback_is_refused_when_set(ic, flow, url):
    owner = ic("owner")
    device_id = flow.claimed("owner")
    with raises_aws(owner, "InvalidRequestException", 400, message_contains="--allow-private-callbacks"):
        set_callback(owner, device_id, url)
    got = owner.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getOnClickCallback"})
    assert json.loads(got["DeviceMethodResponse"]) == {}


def test_private_callback_is_accepted_with_the_allowance(home):
    owner = home.ic("owner")
    device_id = home.flow.claimed("owner")
    for url in PRIVATE_URLS:
        set_callback(owner, device_id, url)
        got = owner.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getOnClickCallback"})
        assert json.loads(got["DeviceMethodResponse"]) == {"callback": {"url": url}}


def test_name_resolving_to_loopback_is_refused_at_delivery(service, ic, flow, device, receiver):
    """`localhost` is a name, so setting it is accepted; at delivery it resolves to loopback, and
    the delivery is dead at once, logged with the reason, and nothing reaches the receiver."""
    owner = ic("owner")
    device_id = flow.claimed("owner")
    url = receiver.url.replace("127.0.0.1", "localhost")
    set_callback(owner, device_id, url)
    event_id = device.press(device_id, reported=utcnow(), remaining_life=50.0)["eventId"]
    deadline = time.monotonic() + DEADLINE
    row = None
    while time.monotonic() < deadline:
        row = service.callback_delivery(event_id)
        if row and row[0] != "pending":
            break
        time.sleep(0.1)
    assert row is not None and row[0] == "dead" and row[1] == 1, row
    assert "callback host localhost resolves to" in row[2] and "a loopback address" in row[2], row
    assert "--allow-private-callbacks" in row[2], row
    log = service.log_text()
    assert f"DEAD CALLBACK: event {event_id}" in log and "a loopback address" in log, log
    assert receiver.requests == []


def test_name_resolving_to_loopback_is_delivered_with_the_allowance(home, receiver):
    owner = home.ic("owner")
    device_id = home.flow.claimed("owner")
    set_callback(owner, device_id, receiver.url.replace("127.0.0.1", "localhost"))
    body = home.device.press(device_id, reported=utcnow(), remaining_life=50.0)
    arrived = receiver.wait_for(1)
    assert arrived[0][0].get("x-clickbridge-event-id") == body["eventId"]
