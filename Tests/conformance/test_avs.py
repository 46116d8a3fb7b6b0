"""Alexa for Business RegisterAVSDevice (json 1.1, errors by `__type`)."""
import json
import re
import uuid

import pytest

from conftest import client, raises_client_error, signed_request

ARN = re.compile(r"arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}")


def _req(**over):
    base = {"ClientId": "amzn1.application-oa2-client.0123", "UserCode": "ABC123", "ProductId": "my_product",
            "DeviceSerialNumber": "SN" + uuid.uuid4().hex[:16].upper(), "AmazonId": "A1B2C3D4E5"}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def _raw_error(r, status, code):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body.get("__type", "").split("#")[-1] == code, body
    assert body.get("Message"), body
    return body


def test_register_success_and_idempotent_repeat(a4b):
    c = a4b("owner")
    req = _req(Tags=[{"Key": "k", "Value": "v"}])
    first = c.register_avs_device(**req)
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert ARN.fullmatch(first["DeviceArn"]), first["DeviceArn"]
    assert ":111122223333:" in first["DeviceArn"]
    again = c.register_avs_device(**req)
    assert again["DeviceArn"] == first["DeviceArn"]


def test_register_without_serial(a4b):
    got = a4b("owner").register_avs_device(**_req(DeviceSerialNumber=None))
    assert ARN.fullmatch(got["DeviceArn"])


def test_content_type_of_answer(service):
    body = json.dumps(_req())
    r = signed_request(service, "POST", "/", body, profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.RegisterAVSDevice"})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"DeviceArn"}


BAD_FIELDS = {
    "ClientId-space": {"ClientId": "has space"},
    "ClientId-empty": {"ClientId": ""},
    "ClientId-257": {"ClientId": "x" * 257},
    "ClientId-tab": {"ClientId": "a\tb"},
    "UserCode-empty": {"UserCode": ""},
    "UserCode-129": {"UserCode": "u" * 129},
    "ProductId-dash": {"ProductId": "my-product"},
    "ProductId-empty": {"ProductId": ""},
    "ProductId-257": {"ProductId": "p" * 257},
    "Serial-dash": {"DeviceSerialNumber": "SN-1"},
    "Serial-51": {"DeviceSerialNumber": "S" * 51},
    "Serial-empty": {"DeviceSerialNumber": ""},
    "AmazonId-19": {"AmazonId": "A" * 19},
    "AmazonId-dash": {"AmazonId": "A1-B2"},
    "AmazonId-empty": {"AmazonId": ""},
    "RoomArn-bad": {"RoomArn": "room-1"},
    "RoomArn-slash": {"RoomArn": "arn:aws:a4b:us-east-1:111122223333:/room/x"},
    "Tag-key-bang": {"Tags": [{"Key": "bad!", "Value": "v"}]},
    "Tag-key-empty": {"Tags": [{"Key": "", "Value": "v"}]},
    "Tag-key-129": {"Tags": [{"Key": "k" * 129, "Value": "v"}]},
    "Tag-value-257": {"Tags": [{"Key": "k", "Value": "v" * 257}]},
    "Tag-value-bang": {"Tags": [{"Key": "k", "Value": "v!"}]},
    "Tag-no-key": {"Tags": [{"Value": "v"}]},
    "missing-ClientId": {"ClientId": None},
    "missing-UserCode": {"UserCode": None},
    "missing-ProductId": {"ProductId": None},
    "missing-AmazonId": {"AmazonId": None},
}


@pytest.mark.parametrize("over", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_field_validation(service, over):
    c = client(service, "owner", service_name="alexaforbusiness", validate=False)
    with raises_client_error("ValidationException", 400) as info:
        c.register_avs_device(**_req(**over))
    body_type = info.value.response["Error"]["Code"]
    assert body_type == "ValidationException"


@pytest.mark.parametrize("raw", ["{not json", "[]", "", '{"ClientId": 5, "UserCode": "u", "ProductId": "p", "AmazonId": "a"}'])
def test_malformed_bodies(service, raw):
    r = signed_request(service, "POST", "/", raw, profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.RegisterAVSDevice"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    body = r.json()
    assert body.get("__type") and body.get("Message"), body


def test_unknown_target_is_4xx(service):
    r = signed_request(service, "POST", "/", "{}", profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.DeleteEverything"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.json().get("__type"), r.text


def test_serial_of_another_product_is_invalid_device(a4b):
    c = a4b("owner")
    req = _req()
    c.register_avs_device(**req)
    with pytest.raises(c.exceptions.InvalidDeviceException) as info:
        c.register_avs_device(**dict(req, ProductId="another_product"))
    assert info.value.response["Error"]["Message"]
    assert info.value.response["Message"] == info.value.response["Error"]["Message"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_room_is_not_found(a4b):
    c = a4b("owner")
    with pytest.raises(c.exceptions.NotFoundException) as info:
        c.register_avs_device(**_req(RoomArn="arn:aws:a4b:us-east-1:111122223333:room/nowhere"))
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Message"]


ROOM = "arn:aws:a4b:us-east-1:111122223333:room/kitchen"


@pytest.fixture
def avs_service(workdir, request):
    from conftest import Service
    state = workdir / f"state-{request.node.name}"
    state.mkdir()
    svc = Service(state, workdir / "credentials", ("--room", ROOM)).start()
    yield svc
    svc.stop()


def test_configured_room_is_accepted(avs_service):
    c = client(avs_service, "owner", service_name="alexaforbusiness")
    assert ARN.fullmatch(c.register_avs_device(**_req(RoomArn=ROOM))["DeviceArn"])
    with pytest.raises(c.exceptions.NotFoundException):
        c.register_avs_device(**_req(RoomArn=ROOM.replace("kitchen", "attic")))


def test_limit_exceeded_past_the_per_account_limit(avs_service):
    """The service documents 1000 AVS devices per account; the 1001st new one is refused."""
    c = client(avs_service, "other", service_name="alexaforbusiness")
    for i in range(1000):
        c.register_avs_device(**_req(DeviceSerialNumber=f"LIM{i:06d}"))
    with pytest.raises(c.exceptions.LimitExceededException) as info:
        c.register_avs_device(**_req(DeviceSerialNumber="LIM999999X"))
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Message"]
    # A repeat of an existing registration is not a new device: still fine at the limit.
    c.register_avs_device(**_req(DeviceSerialNumber="LIM000000"))
    # Another account has its own limit.
    client(avs_service, "owner", service_name="alexaforbusiness").register_avs_device(**_req())


def test_racing_registrations_of_one_serial(a4b):
    """Racing registrations of one device: each succeeds with one ARN or is a
    ConcurrentModificationException (retry); never a 5xx, never two ARNs."""
    import threading
    from botocore.exceptions import ClientError
    serial = "RACE" + uuid.uuid4().hex[:12].upper()
    clients = [a4b("owner") for _ in range(8)]
    barrier, outcomes = threading.Barrier(8), []

    def go(c, n):
        barrier.wait()
        try:
            outcomes.append(("ok", c.register_avs_device(**_req(DeviceSerialNumber=serial, UserCode=f"U{n}"))["DeviceArn"]))
        except ClientError as e:
            outcomes.append(("error", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]))
    threads = [threading.Thread(target=go, args=(c, n)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    arns = {o[1] for o in outcomes if o[0] == "ok"}
    errors = [o for o in outcomes if o[0] == "error"]
    assert len(outcomes) == 8 and len(arns) == 1, outcomes
    assert all(e[1] == "ConcurrentModificationException" and e[2] == 400 for e in errors), errors
