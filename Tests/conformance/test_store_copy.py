"""`clickbridge store copy`: a single Pi's state, made by boto3 against an SQLite `serve`, copied
into PostgreSQL; then boto3 against `serve --database` sees the same devices, claims, tags, events
and methods as it did against SQLite. Needs PostgreSQL (throwaway_postgres.py) whichever database
the rest of the run uses."""
import os
import re
import shutil
import subprocess

import botocore.exceptions
import pytest

from conftest import DeviceSide, Flow, Service, clickbridge_binary, client, free_port, new_device_id, postgres_cluster

RANGE = {"FromTimeStamp": "2018-01-01T00:00:00Z", "ToTimeStamp": "2035-01-01T00:00:00Z"}


@pytest.fixture(scope="module")
def cluster():
    try:
        return postgres_cluster()
    except RuntimeError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL to copy into: {error}")


def sqlite_service(state, credentials) -> Service:
    svc = Service(state, credentials)
    # This one is the Pi: SQLite in its state dir, whatever the run's database.
    svc.database_url = None
    svc.extra_args = ()
    return svc


def store_copy(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(clickbridge_binary()), "store", "copy", *args], capture_output=True, text=True,
                          timeout=120, env=env if env is not None else dict(os.environ))


def owners_view(svc: Service, devices: list[str]) -> list:
    """What the owners get from boto3, call by call: each answer without its per-request metadata,
    or the error's code and message (an owner does not see another's or an unclaimed device)."""
    answers = []

    def call(name: str, method, **kwargs) -> dict:
        try:
            response = method(**kwargs)
        except botocore.exceptions.ClientError as error:
            answers.append((name, error.response["Error"]))
            return {}
        response.pop("ResponseMetadata", None)
        answers.append((name, response))
        return response

    for profile in ("owner", "other"):
        ic = client(svc, profile)
        call(f"ListDevices {profile}", ic.list_devices)
        for device_id in devices:
            described = call(f"DescribeDevice {device_id} {profile}", ic.describe_device, DeviceId=device_id)
            call(f"ListDeviceEvents {device_id} {profile}", ic.list_device_events, DeviceId=device_id, **RANGE)
            call(f"GetDeviceMethods {device_id} {profile}", ic.get_device_methods, DeviceId=device_id)
            if described:
                call(f"ListTagsForResource {device_id} {profile}", ic.list_tags_for_resource,
                     ResourceArn=described["DeviceDescription"]["Arn"])
    return answers


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_pis_state_is_copied_and_answers_the_same_on_postgresql(tmp_path, workdir, cluster):
    state = tmp_path / "pi"
    state.mkdir()
    # As on a Pi, the service's credentials are in its state dir, where `store copy` finds them.
    shutil.copy(workdir / "credentials", state / "credentials")
    (state / "credentials").chmod(0o600)
    pi = sqlite_service(state, state / "credentials").start()
    try:
        device = DeviceSide(pi)
        flow = Flow(lambda profile="owner", **kw: client(pi, profile, **kw), device)
        claimed = flow.claimed(tags={"room": "kitchen", "floor": "1"})
        for click in ("DOUBLE", "LONG", "SINGLE"):
            device.press(claimed, click)
        initiated = flow.registered()
        assert client(pi, "other").initiate_device_claim(DeviceId=initiated)["State"] == "CLAIM_INITIATED"
        unclaimed = flow.registered(attributes={"model": "pi"})
        device.press(unclaimed, "LONG", remaining_life=None)
        devices = [claimed, initiated, unclaimed]
        client(pi, "owner", service_name="alexaforbusiness").register_avs_device(
            ClientId="amzn1.application-oa2-client.0123", UserCode="ABC123", ProductId="my_product",
            DeviceSerialNumber="SN1", AmazonId="A1B2C3D4E5")
        on_sqlite = owners_view(pi, devices)
    finally:
        pi.stop()

    url = cluster.new_database()
    copied = store_copy("--from", str(state), "--to", url)
    assert copied.returncode == 0, copied.stderr
    principals = len(re.findall(r"^\[", (state / "credentials").read_text(), re.M))
    assert re.fullmatch(r"copied 3 devices \(1 claimed\), 1 claim initiation, 2 tags, 5 events, 0 callback deliveries, "
                        r"1 AVS registration, \d+ used signatures into 127\.0\.0\.1:\d+/\w+\n"
                        rf"copied {principals} principals of the state dir's credentials file\n", copied.stdout), copied.stdout
    assert copied.stderr == ""
    assert cluster.password not in copied.stdout + copied.stderr

    # Again, the database named by the environment: --merge adds nothing, and without it the copy is refused.
    env = dict(os.environ, CLICKBRIDGE_DATABASE_URL=url)
    again = store_copy("--from", str(state), "--merge", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("copied 0 devices (0 claimed), 0 claim initiations, 0 tags, 0 events, "
                                   "0 callback deliveries, 0 AVS registrations, 0 used signatures into "), again.stdout
    assert again.stdout.endswith("\ncopied 0 principals of the state dir's credentials file\n"), again.stdout
    refused = store_copy("--from", str(state), env=env)
    assert refused.returncode != 0
    line = one_line(refused.stderr)
    assert "already holds 3 devices, 1 claim initiation, 2 tags, 5 events" in line and "pass --merge" in line, line

    # No --credentials: the principals the fleet answers with are those the copy put in the database.
    fleet = Service(tmp_path / "fleet", None, database_url=url).start()
    try:
        assert owners_view(fleet, devices) == on_sqlite
        # And the claim rules carry on from the copied state: B's initiation, a press, B's claim.
        device = DeviceSide(fleet)
        device.press(initiated)
        assert client(fleet, "other").finalize_device_claim(DeviceId=initiated)["State"] == "CLAIMED"
        assert [d["DeviceId"] for d in client(fleet, "other").list_devices()["Devices"]] == [initiated]
        events = client(fleet, "owner").list_device_events(DeviceId=claimed, **RANGE)["Events"]
        assert len(events) == 4
    finally:
        fleet.stop()
    assert cluster.psql(url, "SELECT count(*) FROM event") == [["6"]]


def test_what_cannot_be_copied_is_one_line_and_a_failure(tmp_path, cluster):
    env = {k: v for k, v in os.environ.items() if k != "CLICKBRIDGE_DATABASE_URL"}
    url = cluster.new_database()
    cases = [
        ((), "--from is missing"),
        (("--from", str(tmp_path)), "--to is missing"),
        (("--from", str(tmp_path), "--to", "mysql://u@h/d"), "--to: the database URL is not usable: the scheme is 'mysql'"),
        (("--from", str(tmp_path / "nothing"), "--to", url), "is not a directory"),
        (("--from", str(tmp_path), "--to", url), "is not a ClickBridge state dir: it has no claim-service.sqlite"),
    ]
    for args, says in cases:
        r = store_copy(*args, env=env)
        assert r.returncode != 0, (args, r.stdout)
        assert says in one_line(r.stderr), (args, r.stderr)
    assert cluster.psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [["0"]]


def test_an_unreachable_database_is_one_line_and_a_failure(tmp_path, workdir):
    state = tmp_path / "pi"
    state.mkdir()
    pi = sqlite_service(state, workdir / "credentials").start()
    try:
        DeviceSide(pi).register(new_device_id())
    finally:
        pi.stop()
    port = free_port()
    r = store_copy("--from", str(state), "--to", f"postgres://u:secret@127.0.0.1:{port}/fleet?sslmode=disable")
    assert r.returncode != 0
    line = one_line(r.stderr)
    assert f"127.0.0.1:{port}/fleet cannot be reached" in line, line
    assert "nothing was changed; run the command again once the database can be reached" in line, line
    assert "service" not in line, line
    assert "secret" not in line
