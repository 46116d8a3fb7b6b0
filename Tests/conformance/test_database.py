"""`serve --database`: a bad URL is refused before anything is written, and a service on a
PostgreSQL that is down starts, answers 500 InternalFailureException saying so, and serves once
the database is up (run with CLICKBRIDGE_CONFORMANCE_DATABASE=postgres)."""
import os
import subprocess
import time

import botocore.exceptions
import pytest

from conftest import ON_POSTGRES, DeviceSide, Service, clickbridge_binary, client, free_port, new_device_id


@pytest.mark.parametrize("url, says", [
    ("mysql://u@h/d", "the scheme is 'mysql', not postgres"),
    ("postgres://u@h", "it names no database"),
    ("postgres://u@h/d?sslmode=prefer", "sslmode=prefer is not supported: use disable, require or verify-full"),
])
@pytest.mark.parametrize("given_as", ["--database", "CLICKBRIDGE_DATABASE_URL"])
def test_a_bad_database_url_is_refused_before_anything_is_written(tmp_path, url, says, given_as):
    state = tmp_path / "state"
    args = [str(clickbridge_binary()), "serve", "--listen", f"127.0.0.1:{free_port()}", "--state-dir", str(state)]
    env = dict(os.environ)
    if given_as == "--database":
        args += ["--database", url]
    else:
        env["CLICKBRIDGE_DATABASE_URL"] = url
    r = subprocess.run(args, capture_output=True, text=True, timeout=30, env=env)
    assert r.returncode != 0
    assert f"{given_as}: the database URL is not usable: {says}" in r.stderr, r.stderr
    assert "Its form is postgres://USER" in r.stderr, r.stderr
    assert not state.exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs the run's PostgreSQL (CLICKBRIDGE_CONFORMANCE_DATABASE=postgres)")
def test_serve_starts_with_the_database_down_and_answers_once_it_is_up(workdir):
    from throwaway_postgres import ThrowawayPostgres
    cluster = ThrowawayPostgres()  # its own: this test stops it
    try:
        url = cluster.new_database()
        cluster._run([cluster.bin / "pg_ctl", "-D", cluster.dir / "data", "-m", "fast", "-w", "stop"], as_os_user=True)
        state = workdir / "state-database-down"
        state.mkdir()
        svc = Service(state, workdir / "credentials", database_url=url).start()  # accepts connections: it started
        try:
            device = DeviceSide(svc)
            device_id = new_device_id()
            r = device.register(device_id)
            assert r.status_code == 500, r.text
            assert r.json()["code"] == "InternalFailureException", r.text
            assert "cannot be reached" in r.json()["message"] and f"127.0.0.1:{cluster.port}" in r.json()["message"], r.text
            assert cluster.password not in r.text
            # boto3 sees the modeled InternalFailureException (which its retries would retry).
            with pytest.raises(botocore.exceptions.ClientError) as caught:
                client(svc, "owner").describe_device(DeviceId=device_id)
            assert caught.value.response["Error"]["Code"] == "InternalFailureException"
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500

            cluster.start()
            deadline = time.monotonic() + 60
            while (r := device.register(device_id)).status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.25)
            assert r.status_code == 200, r.text
            device.press(device_id)
            assert svc.alive()
        finally:
            svc.stop()
    finally:
        cluster.drop()
