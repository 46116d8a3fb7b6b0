"""The Done-when handshake, through boto3 and through the aws CLI."""
import json

from conftest import ACCOUNT_A, REGION, raises_aws


def test_handshake_boto3(ic, device, flow):
    owner = ic("owner")
    device_id = flow.registered(attributes={"site": "hall"})

    assert owner.initiate_device_claim(DeviceId=device_id)["State"] == "CLAIM_INITIATED"

    with raises_aws(owner, "PreconditionFailedException", message_contains="press"):
        owner.finalize_device_claim(DeviceId=device_id, Tags={"room": "kitchen"})

    device.press(device_id, click="SINGLE", remaining_life=97.25)

    answer = owner.finalize_device_claim(DeviceId=device_id, Tags={"room": "kitchen", "floor": "1"})
    assert answer["State"] == "CLAIMED"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RequestId"], "x-amzn-RequestId missing"

    desc = owner.describe_device(DeviceId=device_id)["DeviceDescription"]
    assert desc["DeviceId"] == device_id
    assert desc["Arn"] == f"arn:aws:iot1click:{REGION}:{ACCOUNT_A}:devices/{device_id}"
    assert desc["Tags"] == {"room": "kitchen", "floor": "1"}
    assert desc["Type"] == "button"
    assert desc["Enabled"] is True
    assert desc["Attributes"] == {"site": "hall"}


def test_describe_remaining_life_is_the_latest_event(ic, device, flow):
    device_id = flow.claimed()
    device.press(device_id, remaining_life=42.5)
    desc = ic("owner").describe_device(DeviceId=device_id)["DeviceDescription"]
    assert desc["RemainingLife"] == 42.5


def test_handshake_aws_cli(aws, device, flow):
    device_id = flow.registered()

    r = aws("iot1click-devices", "initiate-device-claim", "--device-id", device_id)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"State": "CLAIM_INITIATED"}

    r = aws("iot1click-devices", "finalize-device-claim", "--device-id", device_id, "--tags", "k=v")
    assert r.returncode == 255, (r.returncode, r.stdout, r.stderr)  # aws CLI v1: 255 for a service error
    assert "(PreconditionFailedException)" in r.stderr and "FinalizeDeviceClaim" in r.stderr, r.stderr

    device.press(device_id)

    r = aws("iot1click-devices", "finalize-device-claim", "--device-id", device_id, "--tags", "k=v")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"State": "CLAIMED"}

    r = aws("iot1click-devices", "describe-device", "--device-id", device_id)
    assert r.returncode == 0, r.stderr
    desc = json.loads(r.stdout)["DeviceDescription"]
    assert desc["Arn"] == f"arn:aws:iot1click:{REGION}:{ACCOUNT_A}:devices/{device_id}"
    assert desc["Tags"] == {"k": "v"}
