"""`clickbridge serve` options: claim expiry, generated credentials, --allow-unsigned, bad flags.

Each test starts its own service process.
"""
import configparser
import datetime as dt
import re
import subprocess
import time

import boto3
import pytest
from botocore.config import Config

from conftest import DeviceSide, Service, client, clickbridge_binary, free_port, new_device_id, raises_aws

CLAIM_EXPIRY_ARGS = ("--claim-expiry-seconds", "2")


@pytest.fixture
def short_expiry_service(workdir, request):
    state = workdir / f"state-{request.node.name}"
    state.mkdir()
    svc = Service(state, workdir / "credentials", CLAIM_EXPIRY_ARGS).start()
    yield svc
    svc.stop()


def test_expired_initiation_is_412(short_expiry_service):
    svc = short_expiry_service
    device = DeviceSide(svc)
    owner = client(svc, "owner")
    device_id = new_device_id()
    assert device.register(device_id).status_code == 200
    owner.initiate_device_claim(DeviceId=device_id)
    time.sleep(2.5)
    device.press(device_id)
    with raises_aws(owner, "PreconditionFailedException", message_contains="expir"):
        owner.finalize_device_claim(DeviceId=device_id)
    # A new initiation starts a new window.
    owner.initiate_device_claim(DeviceId=device_id)
    device.press(device_id)
    assert owner.finalize_device_claim(DeviceId=device_id)["State"] == "CLAIMED"


def test_generated_credentials_work(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    port = free_port()
    proc = subprocess.Popen([str(clickbridge_binary()), "serve", "--listen", f"127.0.0.1:{port}", "--state-dir", str(state)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        output = ""
        creds_path = None
        while time.monotonic() < deadline and creds_path is None:
            line = proc.stdout.readline()
            if not line:
                break
            output += line
            m = re.search(r"(/\S*credentials\S*)", line)
            if m:
                creds_path = m.group(1).rstrip(".,:;'\"")
        assert creds_path, f"serve did not print where its credentials file is:\n{output}"
        ini = configparser.ConfigParser()
        ini.read(creds_path)
        assert {"bridge", "owner"} <= set(ini.sections()), ini.sections()
        assert ini["bridge"]["aws_account_id"] == ini["owner"]["aws_account_id"]
        c = boto3.client("iot1click-devices", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                         aws_access_key_id=ini["owner"]["aws_access_key_id"],
                         aws_secret_access_key=ini["owner"]["aws_secret_access_key"],
                         config=Config(retries={"mode": "standard", "max_attempts": 1}))
        for _ in range(100):
            try:
                assert c.list_devices()["Devices"] == []
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.1)
        else:
            pytest.fail("the generated owner credentials were not accepted")
    finally:
        proc.terminate()
        proc.wait(10)


def _serve_fails(tmp_path, *args):
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    r = subprocess.run([str(clickbridge_binary()), "serve", "--state-dir", str(state), *args],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0, (r.returncode, r.stdout, r.stderr)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert lines, "no reason on stderr"
    return r


def test_allow_unsigned_refused_off_loopback(tmp_path, workdir):
    r = _serve_fails(tmp_path, "--listen", f"0.0.0.0:{free_port()}", "--credentials", str(workdir / "credentials"),
                     "--allow-unsigned")
    assert "unsigned" in r.stderr.lower()


def test_bad_listen_address(tmp_path, workdir):
    _serve_fails(tmp_path, "--listen", "not-an-address", "--credentials", str(workdir / "credentials"))


def test_malformed_credentials_file(tmp_path):
    bad = tmp_path / "bad-credentials"
    bad.write_text("[bridge]\naws_access_key_id = AKIAX\n")  # no secret, no account
    _serve_fails(tmp_path, "--listen", f"127.0.0.1:{free_port()}", "--credentials", str(bad))


def test_allow_unsigned_on_loopback_accepts_unsigned(workdir, request):
    state = workdir / f"state-{request.node.name}"
    state.mkdir()
    svc = Service(state, workdir / "credentials", ("--allow-unsigned",)).start()
    try:
        import json
        from conftest import signed_request
        r = signed_request(svc, "POST", f"/devices/{new_device_id()}/events",
                           json.dumps(DeviceSide(svc).event_body()), profile=None)
        assert r.status_code == 200, r.text
    finally:
        svc.stop()
