"""Every operation, and its error classes, through the aws CLI v1 (1.33.2)."""
import datetime as dt
import json

import pytest

from conftest import new_claim_code, new_device_id


def ok(r):
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    return json.loads(r.stdout) if r.stdout.strip() else {}


def err(r, code, operation):
    assert r.returncode == 255, (r.returncode, r.stdout, r.stderr)  # aws CLI v1: 255 for a service error
    assert f"An error occurred ({code}) when calling the {operation} operation" in r.stderr, r.stderr


def test_every_operation(aws, device, flow):
    device_id = flow.registered()
    assert ok(aws("iot1click-devices", "initiate-device-claim", "--device-id", device_id)) == {"State": "CLAIM_INITIATED"}
    device.press(device_id, remaining_life=55.0)
    assert ok(aws("iot1click-devices", "finalize-device-claim", "--device-id", device_id,
                  "--tags", "a=1,b=2")) == {"State": "CLAIMED"}
    desc = ok(aws("iot1click-devices", "describe-device", "--device-id", device_id))["DeviceDescription"]
    arn = desc["Arn"]
    assert desc["Tags"] == {"a": "1", "b": "2"}

    listed = ok(aws("iot1click-devices", "list-devices", "--device-type", "button"))
    assert device_id in [d["DeviceId"] for d in listed["Devices"]]

    events = ok(aws("iot1click-devices", "list-device-events", "--device-id", device_id,
                    "--from-time-stamp", "2020-01-01T00:00:00Z", "--to-time-stamp", "2100-01-01T00:00:00Z"))
    assert len(events["Events"]) == 1
    assert json.loads(events["Events"][0]["StdEvent"])["remainingLife"] == 55.0

    methods = ok(aws("iot1click-devices", "get-device-methods", "--device-id", device_id))
    assert "getDeviceHealthParameters" in [m["MethodName"] for m in methods["DeviceMethods"]]
    health = ok(aws("iot1click-devices", "invoke-device-method", "--device-id", device_id,
                    "--device-method", "DeviceType=device,MethodName=getDeviceHealthParameters"))
    assert json.loads(health["DeviceMethodResponse"])["remainingLife"] == 55.0

    ok(aws("iot1click-devices", "update-device-state", "--device-id", device_id, "--no-enabled"))
    assert ok(aws("iot1click-devices", "describe-device", "--device-id", device_id))["DeviceDescription"]["Enabled"] is False

    ok(aws("iot1click-devices", "tag-resource", "--resource-arn", arn, "--tags", "c=3"))
    assert ok(aws("iot1click-devices", "list-tags-for-resource", "--resource-arn", arn))["Tags"] == \
        {"a": "1", "b": "2", "c": "3"}
    ok(aws("iot1click-devices", "untag-resource", "--resource-arn", arn, "--tag-keys", "a", "c"))
    assert ok(aws("iot1click-devices", "list-tags-for-resource", "--resource-arn", arn))["Tags"] == {"b": "2"}

    assert ok(aws("iot1click-devices", "unclaim-device", "--device-id", device_id)) == {"State": "UNCLAIMED"}

    code = new_claim_code()
    flow.registered(claim_code=code)
    assert ok(aws("iot1click-devices", "claim-devices-by-claim-code", "--claim-code", code)) == \
        {"ClaimCode": code, "Total": 1}


def test_list_pagination_through_cli(aws, device, flow):
    device_id = flow.claimed("owner")
    base = dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
    for i in range(5):
        device.press(device_id, reported=base + dt.timedelta(seconds=i))
    # The CLI follows nextToken itself, 2 per page.
    events = ok(aws("iot1click-devices", "list-device-events", "--device-id", device_id,
                    "--from-time-stamp", "2026-03-31T00:00:00Z", "--to-time-stamp", "2026-04-02T00:00:00Z",
                    "--page-size", "2"))
    assert len(events["Events"]) == 5
    page = ok(aws("iot1click-devices", "list-device-events", "--device-id", device_id,
                  "--from-time-stamp", "2026-03-31T00:00:00Z", "--to-time-stamp", "2026-04-02T00:00:00Z",
                  "--max-items", "2"))
    assert len(page["Events"]) == 2 and page.get("NextToken")


def test_errors(aws, device, flow):
    unknown = new_device_id()
    err(aws("iot1click-devices", "describe-device", "--device-id", unknown), "ResourceNotFoundException", "DescribeDevice")
    err(aws("iot1click-devices", "initiate-device-claim", "--device-id", unknown), "ResourceNotFoundException",
        "InitiateDeviceClaim")

    theirs = flow.claimed("other")
    err(aws("iot1click-devices", "initiate-device-claim", "--device-id", theirs), "ResourceConflictException",
        "InitiateDeviceClaim")
    err(aws("iot1click-devices", "unclaim-device", "--device-id", theirs), "ResourceNotFoundException", "UnclaimDevice")

    mine = flow.claimed("owner")
    err(aws("iot1click-devices", "list-device-events", "--device-id", mine, "--from-time-stamp", "2026-02-01T00:00:00Z",
            "--to-time-stamp", "2026-01-01T00:00:00Z"), "RangeNotSatisfiableException", "ListDeviceEvents")
    err(aws("iot1click-devices", "invoke-device-method", "--device-id", mine, "--device-method",
            "DeviceType=button,MethodName=nope"), "InvalidRequestException", "InvokeDeviceMethod")
    arn = flow.arn(mine)
    err(aws("iot1click-devices", "tag-resource", "--resource-arn", arn, "--tags", "aws:x=1"), "InvalidRequestException",
        "TagResource")

    code = new_claim_code()
    held = flow.registered(claim_code=code)
    flow.claim(held, "other")
    err(aws("iot1click-devices", "claim-devices-by-claim-code", "--claim-code", code), "ForbiddenException",
        "ClaimDevicesByClaimCode")
    err(aws("iot1click-devices", "claim-devices-by-claim-code", "--claim-code", "C-bad"), "InvalidRequestException",
        "ClaimDevicesByClaimCode")


def test_register_avs_device(aws):
    args = ["alexaforbusiness", "register-avs-device", "--client-id", "amzn1.application-oa2-client.9",
            "--user-code", "UC1", "--product-id", "cli_product", "--amazon-id", "AMZ1",
            "--device-serial-number", "CLI" + new_device_id()]
    first = ok(aws(*args))
    assert first["DeviceArn"].startswith("arn:")
    assert ok(aws(*args)) == first
    bad = list(args)
    bad[bad.index("cli_product")] = "bad-product"
    err(aws(*bad), "ValidationException", "RegisterAVSDevice")
    other = list(args)
    other[other.index("cli_product")] = "other_product"
    err(aws(*other), "InvalidDeviceException", "RegisterAVSDevice")

