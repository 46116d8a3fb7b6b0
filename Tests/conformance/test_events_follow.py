"""`clickbridge events DEVICE_ID --follow --json` against the real service: each press shows as
one JSON line, with its clickType, in order, once."""
import json
import queue
import subprocess
import threading
import time

from conftest import clickbridge_binary, terminate, utcnow

DEADLINE = 20  # seconds: a failure deadline, not a latency bound


class Follower:
    """`clickbridge events --follow --json` as a subprocess, its stdout lines read by a thread."""

    def __init__(self, service, workdir, device_id):
        self.proc = subprocess.Popen(
            [str(clickbridge_binary()), "events", device_id, "--follow", "--json", "--endpoint", service.url,
             "--credentials", str(workdir / "credentials"), "--profile", "owner"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line))

    def next_line(self, timeout: float):
        """The next line as (arrival time, parsed JSON), or None after `timeout` seconds."""
        try:
            at, line = self.lines.get(timeout=timeout)
        except queue.Empty:
            assert self.proc.poll() is None, f"events --follow exited {self.proc.returncode}: {self.proc.stderr.read()}"
            return None
        return at, json.loads(line)

    def wait_until_following(self, device, device_id) -> set:
        """The follower prints only events that arrive after its first poll. Press a marker until
        one shows; returns the markers' reportedTimes."""
        markers = set()
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            markers.add(device.press(device_id, click="LONG", reported=utcnow(), remaining_life=1.0)["reportedTime"])
            got = self.next_line(timeout=1.5)
            if got is not None:
                assert got[1]["reportedTime"] in markers, got
                return markers
        raise AssertionError(f"events --follow printed nothing within {DEADLINE} s")

    def stop(self):
        terminate(self.proc)


def test_follow_prints_each_press_once_in_order(service, workdir, device, flow):
    device_id = flow.claimed("owner")
    follower = Follower(service, workdir, device_id)
    try:
        markers = follower.wait_until_following(device, device_id)
        clicks = ["SINGLE", "DOUBLE", "LONG", "SINGLE", "SINGLE", "DOUBLE"]
        sent = []
        for i, click in enumerate(clicks):
            sent.append(device.press(device_id, click=click, reported=utcnow(), remaining_life=90.0 - i))
            time.sleep(0.005)  # distinct reportedTimes (ms)
        # A last press, after which nothing of the earlier ones may show again.
        end = device.press(device_id, click="LONG", reported=utcnow(), remaining_life=2.0)
        lines = []
        deadline = time.monotonic() + DEADLINE
        while not lines or lines[-1]["reportedTime"] != end["reportedTime"]:
            assert time.monotonic() < deadline, f"events --follow did not show every press within {DEADLINE} s: {lines}"
            got = follower.next_line(timeout=1)
            if got is not None:
                lines.append(got[1])
    finally:
        follower.stop()
    # Markers pressed before the first line may show late, but only before the presses and once.
    late_markers = [line["reportedTime"] for line in lines if line["reportedTime"] in markers]
    assert len(late_markers) == len(set(late_markers))
    shown = [line for line in lines if line["reportedTime"] not in markers][:-1]
    assert [(line["clickType"], line["reportedTime"]) for line in shown] == [(b["clickType"], b["reportedTime"]) for b in sent]
    for line, body in zip(shown, sent):
        assert line["deviceId"] == device_id
        assert line["remainingLife"] == body["remainingLife"]
        assert line["testMode"] is False
