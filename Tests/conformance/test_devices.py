"""DescribeDevice, ListDevices, UpdateDeviceState, GetDeviceMethods, InvokeDeviceMethod, visibility."""
import json

import pytest

from conftest import ACCOUNT_A, ACCOUNT_B, REGION, client, raises_aws, utcnow


def test_list_devices_lists_only_the_callers_devices(ic, flow):
    mine = flow.claimed("owner")
    theirs = flow.claimed("other")
    unowned = flow.registered()
    owner_ids = {d["DeviceId"] for d in _all(ic("owner"))}
    other_ids = {d["DeviceId"] for d in _all(ic("other"))}
    assert mine in owner_ids and theirs not in owner_ids and unowned not in owner_ids
    assert theirs in other_ids and mine not in other_ids and unowned not in other_ids
    for d in _all(ic("other")):
        assert f":{ACCOUNT_B}:devices/" in d["Arn"]


def test_list_devices_pagination(ic, flow):
    # Use account B's second principal so this account's list is small and controlled.
    ids = {flow.claimed("other") for _ in range(5)}
    c = ic("other")
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = c.list_devices(**kwargs)
        pages += 1
        assert len(page["Devices"]) <= 2
        seen += [d["DeviceId"] for d in page["Devices"]]
        token = page.get("NextToken")
        if not token:
            break
        assert pages < 1000
    assert len(seen) == len(set(seen)), "a device appeared on two pages"
    assert ids <= set(seen)
    assert pages >= 3
    # botocore's paginator agrees.
    via_paginator = [d["DeviceId"] for p in c.get_paginator("list_devices").paginate(PaginationConfig={"PageSize": 2})
                     for d in p["Devices"]]
    assert sorted(via_paginator) == sorted(seen)


def test_list_devices_device_type_filter(ic, flow):
    device_id = flow.claimed("owner")
    buttons = [d["DeviceId"] for d in ic("owner").list_devices(DeviceType="button", MaxResults=250)["Devices"]]
    others = [d["DeviceId"] for d in ic("owner").list_devices(DeviceType="lightbulb", MaxResults=250)["Devices"]]
    assert device_id in buttons or len(buttons) == 250
    assert others == []


@pytest.mark.parametrize("bad", [0, 251, -1])
def test_list_devices_max_results_bounds(service, bad):
    c = client(service, "owner", validate=False)
    with raises_aws(c, "InvalidRequestException"):
        c.list_devices(MaxResults=bad)


@pytest.mark.parametrize("ok", [1, 250])
def test_list_devices_max_results_edges_ok(ic, ok):
    assert len(ic("owner").list_devices(MaxResults=ok)["Devices"]) <= ok


def test_list_devices_garbage_token_is_4xx(ic):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        ic("owner").list_devices(NextToken="definitely-not-a-token")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 416)
    assert info.value.response["Error"]["Code"] in ("InvalidRequestException", "RangeNotSatisfiableException")


def test_describe_arn_uses_region_of_credential_scope(service, flow):
    device_id = flow.claimed("owner")
    c = client(service, "owner", region="eu-west-1")
    assert c.describe_device(DeviceId=device_id)["DeviceDescription"]["Arn"] == \
        f"arn:aws:iot1click:eu-west-1:{ACCOUNT_A}:devices/{device_id}"


def test_update_device_state(ic, device, flow):
    owner = ic("owner")
    device_id = flow.claimed("owner")
    answer = owner.update_device_state(DeviceId=device_id, Enabled=False)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert {k for k in answer if k != "ResponseMetadata"} == set()
    assert owner.describe_device(DeviceId=device_id)["DeviceDescription"]["Enabled"] is False
    # A disabled device's events are still acknowledged and stored.
    ev = device.press(device_id, click="LONG")
    events = owner.list_device_events(DeviceId=device_id, FromTimeStamp=utcnow().replace(year=2000),
                                      ToTimeStamp=utcnow().replace(year=2100))["Events"]
    assert ev["reportedTime"] in [json.loads(e["StdEvent"])["reportedTime"] for e in events]
    owner.update_device_state(DeviceId=device_id, Enabled=True)
    assert owner.describe_device(DeviceId=device_id)["DeviceDescription"]["Enabled"] is True


def test_get_device_methods(ic, flow):
    device_id = flow.claimed("owner")
    methods = ic("owner").get_device_methods(DeviceId=device_id)["DeviceMethods"]
    names = {m["MethodName"] for m in methods}
    assert {"getDeviceHealthParameters", "setDeviceHealthMonitorCallback", "getDeviceHealthMonitorCallback",
            "setOnClickCallback", "getOnClickCallback"} <= names
    for m in methods:
        assert isinstance(m.get("DeviceType"), str) and m["DeviceType"]


def test_invoke_get_device_health_parameters(ic, device, flow):
    device_id = flow.claimed("owner")
    device.press(device_id, remaining_life=88.5)
    got = ic("owner").invoke_device_method(
        DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getDeviceHealthParameters"})
    body = json.loads(got["DeviceMethodResponse"])
    assert body["remainingLife"] == 88.5


def test_invoke_on_click_callback_roundtrip(ic, flow):
    device_id = flow.claimed("owner")
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_A}:function:onclick"
    params = json.dumps({"deviceId": device_id, "callback": {"awsLambdaArn": arn}})
    ic("owner").invoke_device_method(
        DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "setOnClickCallback"},
        DeviceMethodParameters=params)
    got = ic("owner").invoke_device_method(
        DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getOnClickCallback"})
    body = json.loads(got["DeviceMethodResponse"])
    assert arn in json.dumps(body), body


def test_invoke_unknown_method_is_400(ic, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("owner"), "InvalidRequestException"):
        ic("owner").invoke_device_method(DeviceId=device_id,
                                         DeviceMethod={"DeviceType": "button", "MethodName": "selfDestruct"})


def test_invoke_set_callback_with_bad_json_parameters_is_400(ic, flow):
    device_id = flow.claimed("owner")
    with raises_aws(ic("owner"), "InvalidRequestException"):
        ic("owner").invoke_device_method(
            DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "setOnClickCallback"},
            DeviceMethodParameters="{not json")


# ---- owner-only visibility


def _visibility_calls(c, device_id, arn):
    now = utcnow()
    return {
        "describe_device": lambda: c.describe_device(DeviceId=device_id),
        "list_device_events": lambda: c.list_device_events(DeviceId=device_id, FromTimeStamp=now.replace(year=2000),
                                                           ToTimeStamp=now.replace(year=2100)),
        "get_device_methods": lambda: c.get_device_methods(DeviceId=device_id),
        "invoke_device_method": lambda: c.invoke_device_method(
            DeviceId=device_id, DeviceMethod={"DeviceType": "button", "MethodName": "getDeviceHealthParameters"}),
        "update_device_state": lambda: c.update_device_state(DeviceId=device_id, Enabled=False),
        "list_tags_for_resource": lambda: c.list_tags_for_resource(ResourceArn=arn),
        "tag_resource": lambda: c.tag_resource(ResourceArn=arn, Tags={"x": "y"}),
        "untag_resource": lambda: c.untag_resource(ResourceArn=arn, TagKeys=["x"]),
        "unclaim_device": lambda: c.unclaim_device(DeviceId=device_id),
    }


@pytest.mark.parametrize("call", list(_visibility_calls(None, "d", "a")))
def test_other_account_gets_404(ic, flow, call):
    device_id = flow.claimed("owner", tags={"keep": "me"})
    arn = flow.arn(device_id)
    other = ic("other")
    with raises_aws(other, "ResourceNotFoundException"):
        _visibility_calls(other, device_id, arn)[call]()
    # Nothing changed for the owner.
    desc = ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]
    assert desc["Enabled"] is True and desc["Tags"] == {"keep": "me"}


@pytest.mark.parametrize("call", [c for c in _visibility_calls(None, "d", "a")])
def test_unowned_device_is_404_for_everyone(ic, flow, call):
    device_id = flow.registered()
    arn = f"arn:aws:iot1click:{REGION}:{ACCOUNT_A}:devices/{device_id}"
    for profile in ("owner", "other"):
        c = ic(profile)
        with raises_aws(c, "ResourceNotFoundException"):
            _visibility_calls(c, device_id, arn)[call]()


def test_arn_of_another_account_is_404(ic, flow):
    """Even with the owner's device id, an ARN naming another account does not reach it."""
    device_id = flow.claimed("owner")
    wrong = f"arn:aws:iot1click:{REGION}:{ACCOUNT_B}:devices/{device_id}"
    with raises_aws(ic("other"), "ResourceNotFoundException"):
        ic("other").list_tags_for_resource(ResourceArn=wrong)


def _all(c):
    return [d for p in c.get_paginator("list_devices").paginate() for d in p["Devices"]]
