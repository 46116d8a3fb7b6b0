#!/usr/bin/env python3
"""Record how botocore 1.34.120 signs every iot1click-devices operation and RegisterAVSDevice.

Writes Tests/OneClickTests/Fixtures/botocore-sigv4.json: for each call, the method, URL, headers,
body and botocore's Authorization header. OneClickTests re-signs each request with SigV4Signer
and verifies it with SigV4Verifier, so the Swift code is checked against real botocore output
without Python at test time. Offline: a before-send hook answers every request.

    python3 -m venv .venv-aws && .venv-aws/bin/pip install boto3==1.34.120 botocore==1.34.120
    .venv-aws/bin/python Tests/conformance/botocore_sigv4.py
"""
import json
import pathlib

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.config import Config

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ARN = "arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789"
OUT = pathlib.Path(__file__).resolve().parent.parent / "OneClickTests" / "Fixtures" / "botocore-sigv4.json"


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def capture(service, region, endpoint, op, status=200, **kw):
    recorded = {}

    def hook(request, **_):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        recorded.update(
            method=request.method,
            url=request.url,
            headers=[[k, v.decode() if isinstance(v, bytes) else v] for k, v in request.headers.items()],
            body=(body or b"").decode(),
        )
        return AWSResponse(request.url, status, {}, _Raw(b"{}" if status == 200 else b""))

    client = boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id=AKID,
                          aws_secret_access_key=SECRET, config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    client.meta.events.register_first("before-send.*.*", hook)
    getattr(client, op)(**kw)
    auth = dict((k.lower(), v) for k, v in recorded["headers"])["authorization"]
    return dict(name=op, service={"iot1click-devices": "iot1click", "alexaforbusiness": "a4b"}[service],
                region=region, authorization=auth, **recorded)


def main():
    e = "http://127.0.0.1:8787"
    iot = "iot1click-devices"
    d = "G030PM0123456789"
    cases = [
        capture(iot, "us-east-1", e, "claim_devices_by_claim_code", ClaimCode="C-ABC/DEF 123"),
        capture(iot, "us-east-1", e, "describe_device", DeviceId=d),
        capture(iot, "eu-west-1", e, "finalize_device_claim", DeviceId=d, Tags={"k": "v", "room": "kitchen 1"}),
        capture(iot, "us-east-1", e, "get_device_methods", DeviceId=d),
        capture(iot, "us-east-1", e, "initiate_device_claim", DeviceId=d),
        capture(iot, "us-east-1", e, "invoke_device_method", DeviceId=d,
                DeviceMethod={"DeviceType": "button", "MethodName": "getDeviceHealthParameters"},
                DeviceMethodParameters='{"color":"red"}'),
        capture(iot, "us-east-1", e, "list_device_events", DeviceId=d, FromTimeStamp="2018-01-01T00:00:00Z",
                ToTimeStamp="2018-01-02T12:00:00.123Z", MaxResults=10, NextToken="a/b+c="),
        capture(iot, "us-east-1", e, "list_devices", DeviceType="button", MaxResults=5, NextToken="t1"),
        capture(iot, "us-east-1", e, "list_tags_for_resource", ResourceArn=ARN),
        capture(iot, "us-east-1", e, "tag_resource", status=204, ResourceArn=ARN, Tags={"a": "1"}),
        capture(iot, "us-east-1", e, "unclaim_device", DeviceId=d),
        capture(iot, "us-east-1", e, "untag_resource", status=204, ResourceArn=ARN, TagKeys=["b", "a", "with space"]),
        capture(iot, "us-east-1", e, "update_device_state", DeviceId=d, Enabled=False),
        capture(iot, "us-east-1", "http://localhost", "describe_device", DeviceId="dev_1-x"),
        capture("alexaforbusiness", "us-east-1", e, "register_avs_device", ClientId="amzn1.application-oa2-client.0123",
                UserCode="ABC123", ProductId="my_product", DeviceSerialNumber="SN0123456789", AmazonId="A1B2C3D4E5",
                Tags=[{"Key": "k", "Value": "v"}]),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"botocore": botocore.__version__, "accessKeyId": AKID, "secretAccessKey": SECRET,
                               "requests": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} requests to {OUT}")


if __name__ == "__main__":
    main()
