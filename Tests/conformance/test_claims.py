"""Every row of the claim-rules table in ARCHITECTURE.md, and claim by claim code."""
import datetime as dt
import time

import pytest

from conftest import ACCOUNT_B, REGION, new_claim_code, new_device_id, raises_aws, utcnow


# ---- unknown device: 404 for everything


@pytest.mark.parametrize("call", ["initiate_device_claim", "finalize_device_claim", "unclaim_device",
                                  "describe_device", "get_device_methods"])
def test_unknown_device_is_404(ic, call):
    owner = ic("owner")
    with raises_aws(owner, "ResourceNotFoundException"):
        getattr(owner, call)(DeviceId=new_device_id())


def test_unknown_device_other_calls_are_404(ic):
    owner = ic("owner")
    device_id = new_device_id()
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.list_device_events(DeviceId=device_id, FromTimeStamp=utcnow() - dt.timedelta(days=1),
                                 ToTimeStamp=utcnow())
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.update_device_state(DeviceId=device_id, Enabled=False)
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.invoke_device_method(DeviceId=device_id, DeviceMethod={"DeviceType": "button",
                                                                     "MethodName": "getDeviceHealthParameters"})
    arn = f"arn:aws:iot1click:{REGION}:111122223333:devices/{device_id}"
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.list_tags_for_resource(ResourceArn=arn)
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.tag_resource(ResourceArn=arn, Tags={"a": "b"})
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.untag_resource(ResourceArn=arn, TagKeys=["a"])


# ---- UNCLAIMED / CLAIM_INITIATED: initiate by any account


def test_initiate_by_any_account_and_restart(ic, flow):
    device_id = flow.registered()
    for profile in ("owner", "other", "owner"):
        assert ic(profile).initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"


def test_initiation_is_per_account(ic, device, flow):
    """B initiates, presses happen, B finalizes; A's own initiation does not let A win afterwards."""
    device_id = flow.registered()
    ic("owner").initiate_device_claim(DeviceId=device_id)
    ic("other").initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    assert ic("other").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"
    with raises_aws(ic("owner"), "ResourceConflictException"):
        ic("owner").finalize_device_claim(DeviceId=device_id)
    desc = ic("other").describe_device(DeviceId=device_id)["DeviceDescription"]
    assert f":{ACCOUNT_B}:" in desc["Arn"]


# ---- FinalizeDeviceClaim: 412's cases


def test_finalize_without_initiation_is_412(ic, device, flow):
    """Another account initiated and the button was pressed; this account never initiated."""
    device_id = flow.registered()
    ic("other").initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    with raises_aws(ic("owner"), "PreconditionFailedException", message_contains="initiat"):
        ic("owner").finalize_device_claim(DeviceId=device_id)


def test_finalize_on_unclaimed_without_initiation_is_412(ic, flow):
    device_id = flow.registered()
    with raises_aws(ic("owner"), "PreconditionFailedException"):
        ic("owner").finalize_device_claim(DeviceId=device_id)


def test_press_before_initiation_does_not_count(ic, device, flow):
    device_id = flow.registered()
    device.press(device_id)
    time.sleep(0.05)
    ic("owner").initiate_device_claim(DeviceId=device_id)
    with raises_aws(ic("owner"), "PreconditionFailedException", message_contains="press"):
        ic("owner").finalize_device_claim(DeviceId=device_id)


def test_reinitiation_restarts_the_wait_for_a_press(ic, device, flow):
    device_id = flow.registered()
    ic("owner").initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    time.sleep(0.05)
    ic("owner").initiate_device_claim(DeviceId=device_id)
    with raises_aws(ic("owner"), "PreconditionFailedException"):
        ic("owner").finalize_device_claim(DeviceId=device_id)
    device.press(device_id)
    assert ic("owner").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"


def test_reported_time_within_30s_before_initiation_counts(ic, device, flow):
    device_id = flow.registered()
    ic("owner").initiate_device_claim(DeviceId=device_id)
    # Received after the initiation, decided 20 s before it (e.g. a queued press): it counts.
    device.press(device_id, reported=utcnow() - dt.timedelta(seconds=20))
    assert ic("owner").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"


def test_reported_time_older_than_30s_before_initiation_does_not_count(ic, device, flow):
    device_id = flow.registered()
    ic("owner").initiate_device_claim(DeviceId=device_id)
    device.press(device_id, reported=utcnow() - dt.timedelta(seconds=45))
    with raises_aws(ic("owner"), "PreconditionFailedException"):
        ic("owner").finalize_device_claim(DeviceId=device_id)
    device.press(device_id)
    assert ic("owner").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"


# ---- CLAIMED


def test_claimed_initiate_or_finalize_by_another_account_is_409(ic, device, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("other"), "ResourceConflictException"):
        ic("other").initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    with raises_aws(ic("other"), "ResourceConflictException"):
        ic("other").finalize_device_claim(DeviceId=device_id)
    # Still the owner's.
    assert ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]["DeviceId"] == device_id


def test_finalize_by_owner_is_idempotent(ic, flow):
    device_id = flow.claimed("owner", tags={"a": "1"})
    assert ic("owner").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"
    assert ic("owner").finalize_device_claim(DeviceId=device_id, Tags={"a": "1"})["State"] == "CLAIMED"


def test_initiate_by_owner_is_409_unclaim_first(ic, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("owner"), "ResourceConflictException", message_contains="unclaim it first"):
        ic("owner").initiate_device_claim(DeviceId=device_id)


def test_unclaim_by_owner_clears_everything(ic, device, flow):
    owner = ic("owner")
    device_id = flow.claimed("owner", tags={"team": "x"})
    owner.update_device_state(DeviceId=device_id, Enabled=False)
    owner.invoke_device_method(
        DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "setOnClickCallback"},
        DeviceMethodParameters='{"callback":{"awsLambdaArn":"arn:aws:lambda:us-east-1:111122223333:function:f"}}')

    assert owner.unclaim_device(DeviceId=device_id)["State"] == "UNCLAIMED"
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.describe_device(DeviceId=device_id)
    with raises_aws(owner, "ResourceNotFoundException"):
        owner.unclaim_device(DeviceId=device_id)

    # Nothing of the old owner passes to the next one (here: another account).
    flow.claim(device_id, "other")
    desc = ic("other").describe_device(DeviceId=device_id)["DeviceDescription"]
    assert desc["Enabled"] is True
    assert desc.get("Tags", {}) == {}
    assert ic("other").list_tags_for_resource(ResourceArn=desc["Arn"])["Tags"] == {}
    got = ic("other").invoke_device_method(
        DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getOnClickCallback"})
    assert "function:f" not in got.get("DeviceMethodResponse", ""), got


def test_unclaim_clears_initiations(ic, device, flow):
    """An initiation made while the device was UNCLAIMED must not survive a later claim cycle."""
    device_id = flow.claimed("owner")
    ic("owner").unclaim_device(DeviceId=device_id)
    # Fresh initiate by owner again works after unclaim.
    assert ic("owner").initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"
    device.press(device_id)
    assert ic("owner").finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"


def test_unclaim_by_non_owner_is_404(ic, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("other"), "ResourceNotFoundException"):
        ic("other").unclaim_device(DeviceId=device_id)
    unowned = flow.registered()
    with raises_aws(ic("owner"), "ResourceNotFoundException"):
        ic("owner").unclaim_device(DeviceId=unowned)


def test_finalize_with_reserved_tag_claims_nothing(ic, device, flow):
    device_id = flow.registered()
    ic("owner").initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    with raises_aws(ic("owner"), "InvalidRequestException"):
        ic("owner").finalize_device_claim(DeviceId=device_id, Tags={"aws:reserved": "x"})
    with raises_aws(ic("owner"), "ResourceNotFoundException"):
        ic("owner").describe_device(DeviceId=device_id)
    assert ic("owner").finalize_device_claim(DeviceId=device_id, Tags={"ok": "1"})["State"] == "CLAIMED"


# ---- ClaimDevicesByClaimCode


def test_claim_by_code_claims_all_and_counts(ic, flow):
    code = new_claim_code()
    ids = [flow.registered(claim_code=code) for _ in range(3)]
    answer = ic("owner").claim_devices_by_claim_code(ClaimCode=code)
    assert answer["ClaimCode"] == code and answer["Total"] == 3
    for device_id in ids:
        assert ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]["DeviceId"] == device_id
    listed = {d["DeviceId"] for d in _all_devices(ic("owner"))}
    assert set(ids) <= listed
    # Repeat: the caller owns all 3 afterwards.
    assert ic("owner").claim_devices_by_claim_code(ClaimCode=code)["Total"] == 3


def test_claim_by_code_counts_initiated_devices(ic, flow):
    code = new_claim_code()
    ids = [flow.registered(claim_code=code) for _ in range(2)]
    ic("other").initiate_device_claim(DeviceId=ids[0])
    assert ic("owner").claim_devices_by_claim_code(ClaimCode=code)["Total"] == 2


def test_claim_by_code_is_atomic_403_when_another_account_holds_one(ic, flow):
    code = new_claim_code()
    ids = [flow.registered(claim_code=code) for _ in range(3)]
    flow.claim(ids[1], "other")
    with raises_aws(ic("owner"), "ForbiddenException"):
        ic("owner").claim_devices_by_claim_code(ClaimCode=code)
    for device_id in (ids[0], ids[2]):  # nothing was claimed
        with raises_aws(ic("owner"), "ResourceNotFoundException"):
            ic("owner").describe_device(DeviceId=device_id)


def test_claim_by_code_re_registration_updates_code(ic, device, flow):
    old, new = new_claim_code(), new_claim_code()
    device_id = flow.registered(claim_code=old)
    assert device.register(device_id, claim_code=new).status_code == 200
    assert ic("owner").claim_devices_by_claim_code(ClaimCode=new)["Total"] == 1
    with raises_aws(ic("other"), "InvalidRequestException"):  # the old code names no device now
        ic("other").claim_devices_by_claim_code(ClaimCode=old)


@pytest.mark.parametrize("code", ["C-SHORT", "X-ABCDEFGHIJKL", "C-" + "A" * 39, "C-ABC DEF GHIJK", "C-ABCDEF/GHIJK",
                                  "c-ABCDEFGHIJKL", "C-ABCDEF-GHIJK"])
def test_claim_by_code_malformed_is_400(ic, code):
    with raises_aws(ic("owner"), "InvalidRequestException"):
        ic("owner").claim_devices_by_claim_code(ClaimCode=code)


def test_claim_by_code_unknown_is_400(ic):
    with raises_aws(ic("owner"), "InvalidRequestException"):
        ic("owner").claim_devices_by_claim_code(ClaimCode=new_claim_code())


def test_claim_by_code_then_events_visible_from_claim(ic, device, flow):
    code = new_claim_code()
    device_id = flow.registered(claim_code=code)
    before = device.press(device_id)
    time.sleep(0.05)
    ic("owner").claim_devices_by_claim_code(ClaimCode=code)
    after = device.press(device_id, click="DOUBLE")
    events = ic("owner").list_device_events(DeviceId=device_id, FromTimeStamp=utcnow() - dt.timedelta(hours=1),
                                            ToTimeStamp=utcnow() + dt.timedelta(hours=1))["Events"]
    import json
    times = [json.loads(e["StdEvent"])["reportedTime"] for e in events]
    assert after["reportedTime"] in times
    assert before["reportedTime"] not in times


def _all_devices(c):
    out = []
    for page in c.get_paginator("list_devices").paginate(PaginationConfig={"PageSize": 100}):
        out += page["Devices"]
    return out


# ---- the device side may read its own claim state (what `clickbridge status` shows), never the owner


def test_bound_principal_reads_claim_state_through_the_handshake(ic, device, flow):
    code = new_claim_code()
    device_id = flow.registered(claim_code=code)
    state = lambda: device.registration(device_id).json()
    assert state() == {"deviceId": device_id, "registered": True, "claimState": "UNCLAIMED", "enabled": True,
                       "claimCode": code}
    owner = ic("owner")
    assert owner.initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"
    assert state()["claimState"] == "CLAIM_INITIATED"
    device.press(device_id)
    assert owner.finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"
    assert state()["claimState"] == "CLAIMED"
    owner.update_device_state(DeviceId=device_id, Enabled=False)
    assert state()["enabled"] is False
    assert owner.unclaim_device(DeviceId=device_id)["State"] == "UNCLAIMED"
    assert state()["claimState"] == "UNCLAIMED" and state()["enabled"] is True


def test_claim_state_is_only_for_the_bound_principal(device, flow):
    device_id = flow.registered()
    for profile in ("owner", "other", "bridge2"):
        r = device.registration(device_id, profile=profile)
        assert r.status_code == 403 and r.json()["code"] == "ForbiddenException", (profile, r.text)
    r = device.registration(new_device_id())
    assert r.status_code == 404 and r.json()["code"] == "ResourceNotFoundException", r.text
