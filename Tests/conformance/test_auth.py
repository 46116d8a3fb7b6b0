"""SigV4 authentication and account isolation."""
import datetime as dt
import json

import boto3
import pytest
from botocore.config import Config

from conftest import (AUTH_CODES, PROFILES, REGION, assert_raw_error, client, new_device_id, raises_client_error,
                      signed_request, utcnow)


def _bad_client(service, akid, secret, service_name="iot1click-devices"):
    return boto3.session.Session().client(
        service_name, endpoint_url=service.url, region_name=REGION, aws_access_key_id=akid,
        aws_secret_access_key=secret, config=Config(retries={"mode": "standard", "max_attempts": 1}))


def test_unsigned_is_missing_authentication_token(service):
    c = client(service, "owner", unsigned=True)
    with raises_client_error("MissingAuthenticationTokenException", 403):
        c.list_devices()


def test_unknown_key_is_unrecognized_client(service):
    c = _bad_client(service, "AKIAUNKNOWN000000000", "whatever")
    with raises_client_error("UnrecognizedClientException", 403):
        c.list_devices()


def test_wrong_secret_is_invalid_signature(service):
    akid, secret, _ = PROFILES["owner"]
    c = _bad_client(service, akid, secret + "x")
    with raises_client_error("InvalidSignatureException", 403):
        c.list_devices()


def test_wrong_secret_on_device_side(service, device):
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", json.dumps(device.event_body()),
                       secret_override="wrong-secret")
    assert_raw_error(r, 403, "InvalidSignatureException")


def test_unsigned_device_side(service, device):
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", json.dumps(device.event_body()),
                       profile=None)
    assert_raw_error(r, 403, "MissingAuthenticationTokenException")


@pytest.mark.parametrize("minutes", [6, -6, 60 * 24])
def test_clock_skew_over_5_minutes_is_403(service, skewed_clock, minutes):
    c = client(service, "owner")
    skewed_clock(dt.timedelta(minutes=minutes))
    with raises_client_error(AUTH_CODES, 403):
        c.list_devices()


@pytest.mark.parametrize("minutes", [4, -4])
def test_clock_skew_within_5_minutes_is_fine(service, skewed_clock, minutes):
    c = client(service, "owner")
    skewed_clock(dt.timedelta(minutes=minutes))
    c.list_devices()


def test_skewed_device_event_is_403(service, device):
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", json.dumps(device.event_body()),
                       when=utcnow() - dt.timedelta(minutes=6))
    assert_raw_error(r, 403, AUTH_CODES)


@pytest.mark.parametrize("name", ["iot", "a4b", "execute-api", "iot1click-devices"])
def test_wrong_signing_service_name_is_403(service, name):
    r = signed_request(service, "GET", "/devices", profile="owner", service_name=name)
    assert_raw_error(r, 403, AUTH_CODES)


def test_a4b_signed_as_iot1click_is_403(service):
    body = json.dumps({"ClientId": "c", "UserCode": "u", "ProductId": "p", "AmazonId": "a"})
    r = signed_request(service, "POST", "/", body, profile="owner", service_name="iot1click",
                       headers={"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "AlexaForBusiness.RegisterAVSDevice"})
    assert_raw_error(r, 403, AUTH_CODES, protocol="json")


def test_a4b_auth_errors_use_type(service):
    c = client(service, "owner", service_name="alexaforbusiness", unsigned=True)
    with raises_client_error("MissingAuthenticationTokenException", 403):
        c.register_avs_device(ClientId="c", UserCode="u", ProductId="p", AmazonId="a")
    akid, secret, _ = PROFILES["owner"]
    c = _bad_client(service, akid, secret + "x", service_name="alexaforbusiness")
    with raises_client_error("InvalidSignatureException", 403):
        c.register_avs_device(ClientId="c", UserCode="u", ProductId="p", AmazonId="a")
    c = _bad_client(service, "AKIAUNKNOWN000000000", "x", service_name="alexaforbusiness")
    with raises_client_error("UnrecognizedClientException", 403):
        c.register_avs_device(ClientId="c", UserCode="u", ProductId="p", AmazonId="a")


def test_tampered_body_is_invalid_signature(service, device):
    body = json.dumps(device.event_body())
    tampered = body.replace("SINGLE", "DOUBLE")
    r = signed_request(service, "POST", f"/devices/{new_device_id()}/events", body, send_body=tampered)
    assert_raw_error(r, 403, "InvalidSignatureException")


def test_tampered_query_is_invalid_signature(service, flow):
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    akid, secret, _ = PROFILES["owner"]
    req = AWSRequest(method="GET", url=service.url + "/devices?maxResults=5")
    SigV4Auth(Credentials(akid, secret), "iot1click", REGION).add_auth(req)
    r = requests.get(service.url + "/devices?maxResults=6", headers=dict(req.headers), timeout=10)
    assert_raw_error(r, 403, "InvalidSignatureException")


def test_garbage_authorization_header_is_403(service):
    import requests
    for value in ["AWS4-HMAC-SHA256", "Bearer abc", "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
                  "AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1/iot1click/aws4_request, SignedHeaders=host, Signature=zz"]:
        r = requests.get(service.url + "/devices", headers={"Authorization": value, "X-Amz-Date": "20260101T000000Z"},
                         timeout=10)
        assert r.status_code == 403, (value, r.status_code, r.text)
        assert r.json().get("code") in AUTH_CODES, (value, r.text)


def test_percent_encoded_arn_signature(ic, flow):
    """The double-encoded canonical URI: an ARN label has %3A and %2F in the raw path."""
    device_id = flow.claimed("owner")
    arn = flow.arn(device_id)
    assert ic("owner").list_tags_for_resource(ResourceArn=arn)["Tags"] == {}


def test_accounts_are_isolated_in_listings(ic, flow):
    a = flow.claimed("owner")
    b = flow.claimed("other")
    a_ids = {d["DeviceId"] for p in ic("owner").get_paginator("list_devices").paginate() for d in p["Devices"]}
    b_ids = {d["DeviceId"] for p in ic("other").get_paginator("list_devices").paginate() for d in p["Devices"]}
    assert a in a_ids and b in b_ids and not (a_ids & b_ids)


def test_second_principal_of_the_same_account_sees_the_accounts_devices(ic, flow):
    """Ownership is per account: the `bridge` principal of account A sees what `owner` claimed."""
    device_id = flow.claimed("owner")
    assert ic("bridge").describe_device(DeviceId=device_id)["DeviceDescription"]["DeviceId"] == device_id


def test_options_preflight_answers_200(service):
    import requests
    for path in ["/devices", "/devices/X1/events", "/tags/arn%3Aaws%3Aiot1click%3Aus-east-1%3A1%3Adevices%2FX1", "/"]:
        r = requests.options(service.url + path, headers={"Origin": "http://example.com",
                                                          "Access-Control-Request-Method": "GET"}, timeout=10)
        assert r.status_code == 200, (path, r.status_code, r.text)
