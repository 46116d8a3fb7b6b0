"""Acknowledged means durable: kill -9 right after an acknowledgement, restart, the event is there.

Each test here runs its own service on its own state dir, so killing it does not disturb the rest.
"""
import datetime as dt
import json

import pytest

from conftest import DeviceSide, Flow, Service, client, new_device_id, sqlite_only


@pytest.fixture
def own_service(workdir, request):
    state = workdir / f"state-{request.node.name}"
    state.mkdir()
    svc = Service(state, workdir / "credentials").start()
    yield svc
    svc.stop()


def test_kill_9_after_ack_keeps_the_events(own_service):
    svc = own_service
    device = DeviceSide(svc)
    owner = client(svc, "owner")
    device_id = new_device_id()
    assert device.register(device_id).status_code == 200
    owner.initiate_device_claim(DeviceId=device_id)
    base = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    sent = [device.press(device_id, reported=base + dt.timedelta(milliseconds=10 * i)) for i in range(50)]
    svc.kill9()  # the very moment the 50th acknowledgement arrived

    svc.start()  # same state dir, new port
    owner = client(svc, "owner")
    device = DeviceSide(svc)
    for body in sent:  # every acknowledged id is known: a resend is a duplicate
        r = device.post_event(device_id, body)
        assert r.status_code == 200 and r.json()["duplicate"] is True, (body["eventId"], r.status_code, r.text)
    # The initiation survived, and the presses satisfy it.
    assert owner.finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"
    events = [e for p in owner.get_paginator("list_device_events").paginate(
        DeviceId=device_id, FromTimeStamp=base - dt.timedelta(seconds=1), ToTimeStamp=base + dt.timedelta(minutes=1))
        for e in p["Events"]]
    assert sorted(json.loads(e["StdEvent"])["reportedTime"] for e in events) == sorted(b["reportedTime"] for b in sent)


def test_kill_9_after_claim_keeps_the_claim_and_tags(own_service):
    svc = own_service
    flow = Flow(lambda p="owner", **kw: client(svc, p, **kw), DeviceSide(svc))
    device_id = flow.claimed("owner", tags={"room": "hall"})
    svc.kill9()
    svc.start()
    desc = client(svc, "owner").describe_device(DeviceId=device_id)["DeviceDescription"]
    assert desc["Tags"] == {"room": "hall"}


@sqlite_only
def test_kill_9_then_a_damaged_wal_is_a_critical_loss_the_device_side_reports(own_service):
    """SQLite's recovery drops the frames after a bad checksum without an error: serve must say so
    at critical level, and the registration view (what `clickbridge status` reads) must carry it."""
    svc = own_service
    device = DeviceSide(svc)
    device_id = new_device_id()
    assert device.register(device_id).status_code == 200
    sent = [device.press(device_id) for _ in range(5)]
    svc.kill9()
    wal = svc.state_dir / "claim-service.sqlite-wal"
    data = bytearray(wal.read_bytes())
    page_size = int.from_bytes(data[8:12], "big")
    frames = (len(data) - 32) // (24 + page_size)
    middle = 32 + (frames - 1) * (24 + page_size) + 24 + page_size // 2
    data[middle:middle + 16] = bytes(b ^ 0xA5 for b in data[middle:middle + 16])  # the last frame's page
    wal.write_bytes(bytes(data))

    svc.start()
    log = svc.log_tail()
    critical = [line for line in log.splitlines() if " critical " in line and "DATA LOSS: " in line]
    assert len(critical) == 1, log
    assert str(wal) in critical[0] and "committed transaction(s) dropped" in critical[0], critical[0]
    saved = list(svc.state_dir.glob("claim-service.sqlite-wal.damaged-*"))
    assert len(saved) == 1 and saved[0].read_bytes() == bytes(data)
    view = device.registration(device_id).json()
    loss = view["storeDataLoss"]
    assert loss["file"] == "claim-service.sqlite" and loss["droppedTransactions"] >= 1, view
    # The last acknowledged press is gone: sent again, it is new, not a duplicate.
    again = device.post_event(device_id, sent[-1]).json()
    assert again == {"eventId": sent[-1]["eventId"], "duplicate": False}, again
    assert device.post_event(device_id, sent[0]).json()["duplicate"] is True
