"""ListDeviceEvents and the device side (registration and events)."""
import datetime as dt
import json
import time
import uuid

import pytest

from conftest import (assert_4xx, assert_raw_error, client, iso_ms, new_device_id, raises_aws, signed_request,
                      utcnow)

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _events(c, device_id, start, end, **kw):
    return c.list_device_events(DeviceId=device_id, FromTimeStamp=start, ToTimeStamp=end, **kw)


def test_std_event_is_a_json_string_in_flat_form(ic, device, flow):
    device_id = flow.claimed("owner")
    sent = device.press(device_id, click="DOUBLE", reported=EPOCH + dt.timedelta(seconds=1, milliseconds=234),
                        remaining_life=76.7)
    events = _events(ic("owner"), device_id, EPOCH, EPOCH + dt.timedelta(seconds=10))["Events"]
    assert len(events) == 1, events
    ev = events[0]
    assert isinstance(ev["StdEvent"], str)
    std = json.loads(ev["StdEvent"])
    assert std == {"clickType": "DOUBLE", "reportedTime": "2026-01-01T00:00:01.234Z", "remainingLife": 76.7,
                   "testMode": False}
    assert sent["reportedTime"] == std["reportedTime"]
    assert ev["Device"]["DeviceId"] == device_id
    assert ev["Device"]["Type"] == "button"


def test_from_to_filter_on_reported_time(ic, device, flow):
    device_id = flow.claimed("owner")
    base = EPOCH + dt.timedelta(days=10)
    for i in range(5):
        device.press(device_id, reported=base + dt.timedelta(minutes=10 * i), click=["SINGLE", "DOUBLE", "LONG"][i % 3])
    window = _events(ic("owner"), device_id, base + dt.timedelta(minutes=5), base + dt.timedelta(minutes=35))["Events"]
    times = sorted(json.loads(e["StdEvent"])["reportedTime"] for e in window)
    assert times == [iso_ms(base + dt.timedelta(minutes=m)) for m in (10, 20, 30)]
    # Datetimes with microseconds and non-UTC zones are converted by botocore; the service must parse them.
    tz = dt.timezone(dt.timedelta(hours=2))
    window = _events(ic("owner"), device_id, (base + dt.timedelta(minutes=15, microseconds=123000)).astimezone(tz),
                     (base + dt.timedelta(minutes=25)).astimezone(tz))["Events"]
    assert [json.loads(e["StdEvent"])["reportedTime"] for e in window] == [iso_ms(base + dt.timedelta(minutes=20))]


def test_pagination(ic, device, flow):
    device_id = flow.claimed("owner")
    base = EPOCH + dt.timedelta(days=20)
    sent = {device.press(device_id, reported=base + dt.timedelta(seconds=i))["reportedTime"] for i in range(7)}
    seen, token, pages = [], None, 0
    while True:
        kw = {"MaxResults": 3}
        if token:
            kw["NextToken"] = token
        page = _events(ic("owner"), device_id, base - dt.timedelta(seconds=1), base + dt.timedelta(seconds=60), **kw)
        pages += 1
        assert len(page["Events"]) <= 3
        seen += [json.loads(e["StdEvent"])["reportedTime"] for e in page["Events"]]
        token = page.get("NextToken")
        if not token:
            break
        assert pages < 100
    assert pages == 3
    assert sorted(seen) == sorted(sent) and len(seen) == len(set(seen))
    paginated = [e for p in ic("owner").get_paginator("list_device_events").paginate(
        DeviceId=device_id, FromTimeStamp=base - dt.timedelta(seconds=1), ToTimeStamp=base + dt.timedelta(seconds=60),
        PaginationConfig={"PageSize": 2}) for e in p["Events"]]
    assert len(paginated) == 7


def test_from_after_to_is_416(ic, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("owner"), "RangeNotSatisfiableException"):
        _events(ic("owner"), device_id, EPOCH + dt.timedelta(days=1), EPOCH)


def test_foreign_next_token_is_416(ic, device, flow):
    a = flow.claimed("owner")
    b = flow.claimed("owner")
    for _ in range(3):
        device.press(a, reported=EPOCH + dt.timedelta(days=30))
    page = _events(ic("owner"), a, EPOCH, EPOCH + dt.timedelta(days=40), MaxResults=1)
    token = page["NextToken"]
    with raises_aws(ic("owner"), "RangeNotSatisfiableException"):
        _events(ic("owner"), b, EPOCH, EPOCH + dt.timedelta(days=40), MaxResults=1, NextToken=token)
    with raises_aws(ic("owner"), "RangeNotSatisfiableException"):
        _events(ic("owner"), a, EPOCH, EPOCH + dt.timedelta(days=40), MaxResults=1, NextToken="garbage-token")
    # A token from the device's listing but replayed by another account is not this account's listing: 404/416.
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        _events(ic("other"), a, EPOCH, EPOCH + dt.timedelta(days=40), MaxResults=1, NextToken=token)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (404, 416)


@pytest.mark.parametrize("bad", [0, 251])
def test_max_results_bounds(service, flow, bad):
    device_id = flow.claimed("owner")
    c = client(service, "owner", validate=False)
    with raises_aws(c, "InvalidRequestException"):
        _events(c, device_id, EPOCH, EPOCH + dt.timedelta(days=1), MaxResults=bad)


def test_missing_timestamps_is_400(service, flow):
    device_id = flow.claimed("owner")
    c = client(service, "owner", validate=False)
    with raises_aws(c, "InvalidRequestException"):
        c.list_device_events(DeviceId=device_id, ToTimeStamp=EPOCH)
    with raises_aws(c, "InvalidRequestException"):
        c.list_device_events(DeviceId=device_id, FromTimeStamp=EPOCH)


@pytest.mark.parametrize("query", ["fromTimeStamp=yesterday&toTimeStamp=2026-01-01T00:00:00Z",
                                   "fromTimeStamp=2026-13-01T00:00:00Z&toTimeStamp=2026-01-01T00:00:00Z",
                                   "fromTimeStamp=2026-01-01T00:00:00Z&toTimeStamp=2026-01-01T00:00:00Z&maxResults=ten",
                                   "fromTimeStamp=2026-01-01T00:00:00Z&toTimeStamp=2026-01-01T00:00:00Z&maxResults=99999999999999999999"])
def test_bad_query_values_are_400(service, flow, query):
    device_id = flow.claimed("owner")
    # Encoded as botocore encodes query values (':' as %3A), so the signature is canonical.
    from urllib.parse import quote
    query = "&".join(f"{k}={quote(v, safe='-_.~')}" for k, _, v in (p.partition("=") for p in query.split("&")))
    r = signed_request(service, "GET", f"/devices/{device_id}/events?{query}", profile="owner")
    assert_raw_error(r, 400, "InvalidRequestException")


def test_events_before_the_claim_began_are_invisible(ic, device, flow):
    device_id = flow.registered()
    early = device.press(device_id)
    time.sleep(0.05)
    ic("owner").initiate_device_claim(DeviceId=device_id)
    between = device.press(device_id)  # received after the initiation: the claim has begun
    ic("owner").finalize_device_claim(DeviceId=device_id)
    time.sleep(0.01)
    after = device.press(device_id)
    times = {json.loads(e["StdEvent"])["reportedTime"]
             for e in _events(ic("owner"), device_id, EPOCH, utcnow() + dt.timedelta(hours=1))["Events"]}
    assert between["reportedTime"] in times and after["reportedTime"] in times
    assert early["reportedTime"] not in times


def test_events_of_a_previous_owner_are_invisible_to_the_next(ic, device, flow):
    device_id = flow.claimed("owner")
    old = device.press(device_id, reported=EPOCH + dt.timedelta(days=55))
    ic("owner").unclaim_device(DeviceId=device_id)
    time.sleep(0.05)
    flow.claim(device_id, "other")
    times = {json.loads(e["StdEvent"])["reportedTime"]
             for e in _events(ic("other"), device_id, EPOCH, EPOCH + dt.timedelta(days=60))["Events"]}
    assert old["reportedTime"] not in times


# ---- device side


def test_registration_repeat_and_other_principal(device, flow):
    device_id = flow.registered(claim_code="C-" + "A1" * 6)
    r = device.register(device_id, claim_code="C-" + "B2" * 6, attributes={"k": "v"})
    assert r.status_code == 200 and r.json() == {"deviceId": device_id, "registered": True}
    r = device.register(device_id, profile="bridge2")
    assert_raw_error(r, 403, "ForbiddenException")
    r = device.register(device_id, profile="owner")  # another principal of the same account
    assert_raw_error(r, 403, "ForbiddenException")


def test_events_from_another_principal_are_403(device, flow):
    device_id = flow.registered()
    r = device.post_event(device_id, device.event_body(), profile="bridge2")
    assert_raw_error(r, 403, "ForbiddenException")


def test_device_side_stays_allowed_whoever_owns_the_device(device, flow):
    device_id = flow.claimed("other")  # account B owns it; the bridge of account A registered it
    device.press(device_id)
    assert device.register(device_id).status_code == 200


def test_event_for_unknown_device_registers_it_implicitly(ic, device):
    device_id = new_device_id()
    device.press(device_id)
    assert ic("owner").initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"
    r = device.register(device_id, profile="bridge2")
    assert_raw_error(r, 403, "ForbiddenException")


def test_duplicate_event_and_conflicting_reuse(device, flow):
    device_id = flow.registered()
    body = device.press(device_id)
    r = device.post_event(device_id, body)
    assert r.status_code == 200 and r.json() == {"eventId": body["eventId"], "duplicate": True}
    changed = dict(body, clickType="LONG")
    assert_raw_error(device.post_event(device_id, changed), 409, "ResourceConflictException")


def test_event_ids_are_per_device(ic, device, flow):
    """Another principal's device posting a victim device's id (even first, even with another body)
    makes another event: no 409 that tells it the id exists, no victim press refused."""
    victim = flow.registered()
    attacker = flow.registered(profile="bridge2")
    taken = device.event_body(click="LONG")
    r = device.post_event(attacker, taken, profile="bridge2")
    assert r.status_code == 200 and r.json() == {"eventId": taken["eventId"], "duplicate": False}, r.text
    ic("owner").initiate_device_claim(DeviceId=victim)
    device.press(victim, event_id=taken["eventId"])  # asserts 200, duplicate false
    assert ic("owner").finalize_device_claim(DeviceId=victim)["State"] == "CLAIMED"
    # The victim's own pending id, probed from the other device with another body: a new event.
    mine = device.press(victim)
    probe = dict(mine, clickType="DOUBLE")
    r = device.post_event(attacker, probe, profile="bridge2")
    assert r.status_code == 200 and r.json()["duplicate"] is False, r.text
    # On one device the rules hold: same body a duplicate, another body 409.
    assert device.post_event(victim, mine).json()["duplicate"] is True
    assert_raw_error(device.post_event(victim, probe), 409, "ResourceConflictException")


@pytest.mark.parametrize("mutate", [
    lambda b: b.update(clickType="TRIPLE"),
    lambda b: b.update(clickType="single"),
    lambda b: b.pop("clickType"),
    lambda b: b.pop("eventId"),
    lambda b: b.update(eventId="not-a-uuid"),
    lambda b: b.update(eventId=""),
    lambda b: b.pop("reportedTime"),
    lambda b: b.update(reportedTime="yesterday"),
    lambda b: b.update(reportedTime="2026-02-30T00:00:00.000Z"),
    lambda b: b.update(reportedTime=1700000000),
    lambda b: b.update(remainingLife=101),
    lambda b: b.update(remainingLife=-1),
    lambda b: b.update(remainingLife="full"),
    lambda b: b.update(clickType=None),
], ids=["clickType-TRIPLE", "clickType-lower", "no-clickType", "no-eventId", "eventId-not-uuid", "eventId-empty",
        "no-reportedTime", "reportedTime-word", "reportedTime-feb30", "reportedTime-number", "remainingLife-101",
        "remainingLife-neg", "remainingLife-string", "clickType-null"])
def test_bad_event_bodies_are_400(device, flow, mutate):
    device_id = flow.registered()
    body = device.event_body()
    mutate(body)
    assert_raw_error(device.post_event(device_id, body), 400, "InvalidRequestException")


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", "", '"string"', '{"eventId": 5}'])
def test_malformed_event_json_is_400(device, flow, raw):
    device_id = flow.registered()
    assert_raw_error(device.post_event(device_id, raw), 400, "InvalidRequestException")


@pytest.mark.parametrize("body", [
    {"type": "button", "claimCode": "C-SHORT"},
    {"type": "button", "claimCode": "X-ABCDEFGHIJKL"},
    {"type": "button", "claimCode": "C-" + "A" * 39},
    {"type": "button", "attributes": "not-an-object"},
    {"type": 5},
])
def test_bad_registration_bodies_are_400(service, body):
    r = signed_request(service, "PUT", f"/devices/{new_device_id()}/registration", json.dumps(body))
    assert_raw_error(r, 400, "InvalidRequestException")


@pytest.mark.parametrize("device_id", ["-leading-dash", "_x", "a" * 65, "has.dot", "has%20space", "%C3%A9t%C3%A9"])
def test_bad_device_ids_are_400_on_the_device_side(service, device, device_id):
    r = signed_request(service, "PUT", f"/devices/{device_id}/registration", '{"type":"button"}')
    assert_raw_error(r, 400, "InvalidRequestException")
    r = signed_request(service, "POST", f"/devices/{device_id}/events", json.dumps(device.event_body()))
    assert_raw_error(r, 400, "InvalidRequestException")


def test_longest_valid_device_id(device, ic):
    device_id = "A" + "b-_9" * 15 + "xyz"  # 64 characters
    assert len(device_id) == 64
    r = device.register(device_id)
    assert r.status_code == 200, r.text
    assert ic("owner").initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"


@pytest.mark.parametrize("device_id", ["-leading-dash", "a" * 65, "has.dot"])
def test_bad_device_ids_on_api_calls_are_4xx(ic, device_id):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        ic("owner").describe_device(DeviceId=device_id)
    assert info.value.response["Error"]["Code"] in ("InvalidRequestException", "ResourceNotFoundException")


def test_event_ack_is_visible_immediately(ic, device, flow):
    """"200 after the commit": an acknowledged event is readable by the very next call."""
    device_id = flow.claimed("owner")
    body = device.press(device_id, reported=EPOCH + dt.timedelta(days=70), event_id=str(uuid.uuid4()))
    times = [json.loads(e["StdEvent"])["reportedTime"]
             for e in _events(ic("owner"), device_id, EPOCH + dt.timedelta(days=69), EPOCH + dt.timedelta(days=71))["Events"]]
    assert times == [body["reportedTime"]]


def test_all_click_types_accepted(ic, device, flow):
    device_id = flow.claimed("owner")
    for click in ("SINGLE", "DOUBLE", "LONG"):
        device.press(device_id, click=click, reported=utcnow())


def test_pagination_with_identical_reported_times(ic, device, flow):
    """A cursor on reportedTime alone would skip or repeat events that share one."""
    device_id = flow.claimed("owner")
    same = EPOCH + dt.timedelta(days=80)
    for _ in range(5):
        device.press(device_id, reported=same)
    pages = list(ic("owner").get_paginator("list_device_events").paginate(
        DeviceId=device_id, FromTimeStamp=same - dt.timedelta(seconds=1), ToTimeStamp=same + dt.timedelta(seconds=1),
        PaginationConfig={"PageSize": 2}))
    sizes = [len(p["Events"]) for p in pages]
    assert sum(sizes) == 5 and max(sizes) <= 2, sizes
