"""Two instances on one PostgreSQL under a steady stream of signed device events: `kill -9` one of
them ten times, or stop PostgreSQL for 10 s. Clients retry connection errors and 5xx with the same
eventId, as the bridge's publisher does; afterwards every event is stored exactly once.

These start their own instances on a cluster of their own (the outage stops it), and run in the
two-instance conformance run only (CLICKBRIDGE_CONFORMANCE_INSTANCES=2), to keep CI's time.
"""
from __future__ import annotations

import json
import re
import threading
import time

import pytest
import requests

from conftest import INSTANCES, DeviceSide, Fleet, free_port, new_device_id, signed_request

pytestmark = pytest.mark.skipif(INSTANCES < 2, reason="runs in the two-instance run (CLICKBRIDGE_CONFORMANCE_INSTANCES=2)")

CLIENTS = 4
DEADLINE = 120  # seconds: failure deadlines, never latency bounds


@pytest.fixture(scope="module")
def cluster():
    from throwaway_postgres import ThrowawayPostgres
    own = ThrowawayPostgres()
    yield own
    own.drop()


@pytest.fixture
def fleet(workdir, cluster, request):
    f = Fleet(workdir, 2, name=request.node.name, database_url=cluster.new_database()).start()
    yield f
    f.stop()


class EventStream:
    """CLIENTS threads, each sending events for a device of its own through the fleet's forwarder
    until stopped. An event is retried with its own eventId until it gets a 2xx."""

    def __init__(self, fleet: Fleet):
        self.fleet = fleet
        self.device = DeviceSide(fleet)
        self.device_ids = [new_device_id() for _ in range(CLIENTS)]
        for device_id in self.device_ids:
            r = self.device.register(device_id)
            assert r.status_code == 200, r.text
        self.lock = threading.Lock()
        self.sent: dict[str, list[str]] = {d: [] for d in self.device_ids}  # every eventId, once acknowledged
        self.retries = 0
        self.failures: list[str] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(d,), daemon=True) for d in self.device_ids]
        for t in self.threads:
            t.start()

    def _client(self, device_id: str) -> None:
        while not self.stopping.is_set():
            body = self.device.event_body()
            deadline = time.monotonic() + DEADLINE
            while True:
                try:
                    r = signed_request(self.fleet, "POST", f"/devices/{device_id}/events", json.dumps(body))
                    if r.status_code == 200:
                        break
                    if r.status_code < 500:
                        with self.lock:
                            self.failures.append(f"{body['eventId']}: {r.status_code} {r.text[:300]}")
                        return
                except requests.RequestException:
                    pass
                with self.lock:
                    self.retries += 1
                if time.monotonic() > deadline:
                    with self.lock:
                        self.failures.append(f"{body['eventId']}: no 2xx within {DEADLINE} s of retries")
                    return
                time.sleep(0.1)
            with self.lock:
                self.sent[device_id].append(body["eventId"])

    def acknowledged(self) -> dict[str, int]:
        with self.lock:
            return {d: len(ids) for d, ids in self.sent.items()}

    def wait_for_progress(self, each: int) -> None:
        """Until every client has had `each` more events acknowledged than now."""
        start = self.acknowledged()
        deadline = time.monotonic() + DEADLINE
        while any(n - start[d] < each for d, n in self.acknowledged().items()):
            assert not self.failures, self.failures
            assert time.monotonic() < deadline, f"no progress within {DEADLINE} s: {start} -> {self.acknowledged()}"
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(DEADLINE + 40)
            assert not t.is_alive(), "a client is still retrying"

    def assert_stored_exactly_once(self, cluster) -> None:
        """Every acknowledged eventId is stored once, and nothing else is (the clients retried
        every event to a 2xx, so each event they made is among the acknowledged)."""
        assert not self.failures, self.failures
        for device_id, ids in self.sent.items():
            rows = cluster.psql(self.fleet.database_url,
                                f"SELECT event_id, count(*) FROM event WHERE device_id = '{device_id}' GROUP BY event_id")
            stored = {event_id: int(count) for event_id, count in rows}
            assert len(ids) == len(set(ids)), f"{device_id}: an eventId was made twice"
            assert set(stored) == set(ids), (f"{device_id}: acknowledged but not stored {set(ids) - set(stored)}, "
                                             f"stored but never acknowledged {set(stored) - set(ids)}")
            assert all(count == 1 for count in stored.values()), stored


def test_kill_9_one_instance_ten_times_under_load(fleet, cluster):
    stream = EventStream(fleet)
    victim = fleet.instances[0]
    try:
        for _ in range(10):
            stream.wait_for_progress(3)
            answered = fleet.answered()[0]
            victim.kill9()
            victim.start()  # same database, a new port; the forwarder picks it up per request
            # Back in the rotation: it answers again before the next kill.
            deadline = time.monotonic() + DEADLINE
            while fleet.answered()[0] < answered + 5:
                assert time.monotonic() < deadline, f"the restarted instance answered nothing:\n{victim.log_tail()}"
                time.sleep(0.05)
        stream.wait_for_progress(3)
    finally:
        stream.stop()
    assert fleet.alive(), fleet.log_tail()
    # The kills hit the stream: some requests failed and were retried.
    assert stream.retries > 0
    stream.assert_stored_exactly_once(cluster)


def metric_total(text: str, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`, in Prometheus' text format."""
    total = 0.0
    for line in text.splitlines():
        m = re.match(rf"^{name}(?:\{{([^}}]*)\}})? (\S+)$", line)
        if m and all(f'{k}="{v}"' in (m.group(1) or "") for k, v in labels.items()):
            total += float(m.group(2))
    return total


def test_postgres_down_for_10_s_under_load(workdir, cluster, request):
    fleet = Fleet(workdir, 2, name=request.node.name, database_url=cluster.new_database())
    metrics = []
    for instance in fleet.instances:
        port = free_port()
        instance.extra_args += ("--metrics-listen", f"127.0.0.1:{port}")
        metrics.append(f"http://127.0.0.1:{port}/metrics")
    fleet.start()
    try:
        stream = EventStream(fleet)
        try:
            stream.wait_for_progress(3)
            cluster.stop()
            time.sleep(10)  # the outage itself, not a bound on anything
            cluster.start()
            stream.wait_for_progress(5)
        finally:
            stream.stop()
        # No instance crashed, and each still answers on its own.
        assert fleet.alive(), fleet.log_tail()
        for instance in fleet.instances:
            r = DeviceSide(instance).registration(stream.device_ids[0])
            assert r.status_code == 200, (instance.url, r.status_code, r.text)
        assert stream.retries > 0, "the outage failed no request"
        stream.assert_stored_exactly_once(cluster)
        # The instances counted what the outage did: database errors, and the 500s they answered.
        scraped = [requests.get(url, timeout=10).text for url in metrics]
        errors = [metric_total(text, "clickbridge_database_errors_total") for text in scraped]
        failed = [metric_total(text, "clickbridge_requests_total", status="500") for text in scraped]
        assert sum(errors) > 0 and sum(failed) > 0, (errors, failed, scraped)
        assert sum(failed) <= sum(errors), (errors, failed)
    finally:
        fleet.stop()
