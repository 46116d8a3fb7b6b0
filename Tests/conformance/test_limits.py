"""Body limit (413) and bad input that must answer 4xx, never 5xx or a dropped connection."""
import json

import pytest
import requests

from conftest import assert_4xx, assert_raw_error, new_device_id, raises_client_error, signed_request

KIB = 1024


def test_65_kib_body_is_413_through_boto3(ic, flow):
    device_id = flow.claimed("owner")
    arn = flow.arn(device_id)
    with raises_client_error("RequestEntityTooLargeException", 413):
        ic("owner").tag_resource(ResourceArn=arn, Tags={"big": "x" * (65 * KIB)})
    assert ic("owner").list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


def test_65_kib_event_is_413(service, device):
    body = device.event_body()
    body["padding"] = "x" * (65 * KIB)
    r = device.post_event(new_device_id(), body)
    assert_raw_error(r, 413, "RequestEntityTooLargeException")


def test_65_kib_a4b_is_413(service):
    body = json.dumps({"ClientId": "c", "UserCode": "u" * (65 * KIB), "ProductId": "p", "AmazonId": "a"})
    r = signed_request(service, "POST", "/", body, profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.RegisterAVSDevice"})
    assert_raw_error(r, 413, "RequestEntityTooLargeException", protocol="json")


def test_chunked_body_over_limit_is_413(service, device):
    """No Content-Length: the limit must hold while streaming, too."""
    body = json.dumps(dict(device.event_body(), padding="y" * (70 * KIB))).encode()
    chunks = (body[i:i + 8 * KIB] for i in range(0, len(body), 8 * KIB))
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", body, send_body=chunks)
    assert_raw_error(r, 413, "RequestEntityTooLargeException")
    # A small chunked event is an ordinary event.
    small = json.dumps(device.event_body()).encode()
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", small, send_body=iter([small[:10], small[10:]]))
    assert r.status_code == 200 and r.json()["duplicate"] is False, (r.status_code, r.text)


def test_64_kib_body_is_not_413(service, device):
    """Exactly at the limit, the body is read and judged on its content (an unknown field is fine or 400)."""
    body = device.event_body()
    raw = json.dumps(body)
    body["padding"] = "z" * (64 * KIB - len(raw) - len(', "padding": ""'))
    raw = json.dumps(body)
    assert len(raw.encode()) == 64 * KIB
    r = device.post_event(new_device_id(), raw)
    assert r.status_code in (200, 400), (r.status_code, r.text[:300])


BAD_API_BODIES = [
    ("PUT", "/devices/{id}/finalize-claim", "{not json"),
    ("PUT", "/devices/{id}/finalize-claim", '{"tags": ["a", "b"]}'),
    ("PUT", "/devices/{id}/finalize-claim", '{"tags": {"a": 5}}'),
    ("PUT", "/devices/{id}/state", '{"enabled": "yes"}'),
    ("PUT", "/devices/{id}/state", "[]"),
    ("POST", "/devices/{id}/methods", '{"deviceMethod": "getDeviceHealthParameters"}'),
    ("POST", "/devices/{id}/methods", '{"deviceMethod": {"methodName": 5}}'),
    ("POST", "/devices/{id}/methods", "\x00\x01\x02"),
    ("POST", "/tags/{arn}", '{"tags": "a=b"}'),
    ("POST", "/tags/{arn}", '{"tags": null}'),
]


@pytest.mark.parametrize("method,path,body", BAD_API_BODIES)
def test_bad_api_bodies_are_4xx(service, flow, method, path, body):
    device_id = flow.claimed("owner")
    arn = requests.utils.quote(flow.arn(device_id), safe="")
    r = signed_request(service, method, path.format(id=device_id, arn=arn), body, profile="owner")
    assert_4xx(r)
    if path.endswith("finalize-claim") or path.endswith("/state"):
        assert r.status_code == 400


@pytest.mark.parametrize("method,path", [
    ("GET", "/nope"), ("DELETE", "/devices/X1"), ("PATCH", "/devices"), ("GET", "/devices/X1/unknown"),
    ("GET", "/claims/C-ABCDEFGHIJKL"), ("POST", "/devices/X1/registration"),
])
def test_unknown_routes_are_4xx(service, method, path):
    r = signed_request(service, method, path, profile="owner")
    assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text)


def test_a4b_without_target_is_4xx(service):
    r = signed_request(service, "POST", "/", "{}", profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)


# A byte that is never UTF-8 (0xFF), a truncated sequence, an encoded surrogate: in a member the
# operation reads, or in one it ignores, every route answers 400 in its own protocol.
NOT_UTF8 = [b"\xff", b"\xe2\x82", b"\xed\xa0\x80"]


@pytest.mark.parametrize("bad", NOT_UTF8)
def test_bodies_that_are_not_utf8_are_400_on_every_route(service, flow, device, bad):
    device_id = flow.registered()
    signed_request(service, "PUT", f"/devices/{device_id}/initiate-claim", profile="owner")
    device.press(device_id)
    for body in (b'{"note":"' + bad + b'"}', b'{"tags":{"k":"' + bad + b'"}}'):
        r = signed_request(service, "PUT", f"/devices/{device_id}/finalize-claim", body, profile="owner")
        assert assert_raw_error(r, 400, "InvalidRequestException")["message"].startswith("the request body is not valid UTF-8")
    event = json.dumps(device.event_body()).encode()[:-1] + b', "note": "' + bad + b'"}'
    r = signed_request(service, "POST", f"/devices/{device_id}/events", event)
    assert_raw_error(r, 400, "InvalidRequestException")
    avs = b'{"ClientId":"c","UserCode":"U1","ProductId":"p","AmazonId":"A1","Note":"' + bad + b'"}'
    r = signed_request(service, "POST", "/", avs, profile="owner", service_name="a4b",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.RegisterAVSDevice"})
    assert assert_raw_error(r, 400, "ValidationException", protocol="json")["Message"].startswith("the request body is not valid UTF-8")
    # Nothing was claimed.
    r = signed_request(service, "GET", f"/devices/{device_id}", profile="owner")
    assert r.status_code == 404


def test_service_survived_the_bad_input(ic):
    ic("owner").list_devices()
