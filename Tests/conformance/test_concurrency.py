"""Atomic state transitions under real concurrent requests."""
import threading
import uuid

from conftest import client


def _race(fns):
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = ("ok", fn())
        except Exception as e:  # noqa: BLE001 - the outcome is what is asserted
            results[i] = ("error", e)
    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_accounts_racing_finalize(service, ic, device, flow):
    for _ in range(10):
        device_id = flow.registered()
        a, b = client(service, "owner"), client(service, "other")
        a.initiate_device_claim(DeviceId=device_id)
        b.initiate_device_claim(DeviceId=device_id)
        device.press(device_id)
        results = _race([lambda: a.finalize_device_claim(DeviceId=device_id),
                         lambda: b.finalize_device_claim(DeviceId=device_id)])
        wins = [r for r in results if r[0] == "ok"]
        losses = [r for r in results if r[0] == "error"]
        assert len(wins) == 1 and wins[0][1]["State"] == "CLAIMED", results
        assert len(losses) == 1, results
        loser = losses[0][1]
        assert loser.response["Error"]["Code"] == "ResourceConflictException", loser.response
        assert loser.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        winner = a if results[0][0] == "ok" else b
        assert winner.describe_device(DeviceId=device_id)["DeviceDescription"]["DeviceId"] == device_id


def test_racing_claim_by_code_and_finalize(service, device, flow):
    """ClaimDevicesByClaimCode (account A) against FinalizeDeviceClaim (account B): one owner, never both."""
    from conftest import new_claim_code
    for _ in range(5):
        code = new_claim_code()
        ids = [flow.registered(claim_code=code) for _ in range(3)]
        a, b = client(service, "owner"), client(service, "other")
        b.initiate_device_claim(DeviceId=ids[1])
        device.press(ids[1])
        results = _race([lambda: a.claim_devices_by_claim_code(ClaimCode=code),
                         lambda: b.finalize_device_claim(DeviceId=ids[1])])
        a_ok, b_ok = results[0][0] == "ok", results[1][0] == "ok"
        if a_ok:
            assert results[0][1]["Total"] == 3
            assert not b_ok and results[1][1].response["Error"]["Code"] == "ResourceConflictException", results
        else:
            assert results[0][1].response["Error"]["Code"] == "ForbiddenException", results
            assert b_ok and results[1][1]["State"] == "CLAIMED"
            for device_id in (ids[0], ids[2]):
                try:
                    a.describe_device(DeviceId=device_id)
                    raise AssertionError(f"{device_id} was claimed although the claim by code failed")
                except a.exceptions.ResourceNotFoundException:
                    pass


def test_same_event_id_racing(device, flow):
    device_id = flow.registered()
    body = device.event_body(event_id=str(uuid.uuid4()))
    results = _race([lambda: device.post_event(device_id, body) for _ in range(8)])
    answers = [r[1] for r in results]
    assert all(r[0] == "ok" and r[1].status_code == 200 for r in results), [(a.status_code, a.text) for a in answers]
    assert sorted(a.json()["duplicate"] for a in answers) == [False] + [True] * 7


def test_parallel_distinct_events_all_stored(ic, device, flow):
    import datetime as dt
    import json
    device_id = flow.claimed("owner")
    base = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    bodies = [device.event_body(reported=base + dt.timedelta(seconds=i)) for i in range(40)]
    results = _race([lambda b=b: device.post_event(device_id, b) for b in bodies])
    assert all(r[0] == "ok" and r[1].status_code == 200 for r in results)
    events = [e for p in ic("owner").get_paginator("list_device_events").paginate(
        DeviceId=device_id, FromTimeStamp=base - dt.timedelta(seconds=1), ToTimeStamp=base + dt.timedelta(minutes=5)) for e in p["Events"]]
    assert sorted(json.loads(e["StdEvent"])["reportedTime"] for e in events) == sorted(b["reportedTime"] for b in bodies)
