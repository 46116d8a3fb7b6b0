"""What `clickbridge run` announces, validated by Home Assistant's own MQTT discovery code.

A real mosquitto on a free loopback port and a real `clickbridge run` with an `mqtt:` block; a
paho-mqtt subscriber collects every retained message under the discovery prefix. Each one then
goes through the steps of homeassistant 2024.3.3's discovery, using its modules as installed:
the topic through `discovery.TOPIC_MATCHER` and `SUPPORTED_COMPONENTS`, the payload through
`homeassistant.util.json.json_loads_object`, abbreviations through the tables of
`abbreviations.py`, the origin through `discovery.MQTT_ORIGIN_INFO_SCHEMA`, then the platform's own
discovery schema: `event.DISCOVERY_SCHEMA` for the event entities, and for device triggers
`device_automation.DISCOVERY_SCHEMA` followed by `device_trigger.TRIGGER_DISCOVERY_SCHEMA`, as
`async_setup_trigger` applies them.

Those schemas drop keys they do not know (`extra=vol.REMOVE_EXTRA`) instead of refusing them, so a
misspelled key would pass them silently; `validate` also requires every key sent to survive.
The last tests feed deliberately broken payloads through the same `validate`, to show it fails.
"""
from __future__ import annotations

import copy
import json
import os
import pathlib
import socket
import subprocess
import tempfile
import threading
import time

import paho.mqtt.client as paho
import pytest
import voluptuous as vol
from homeassistant.components.mqtt import abbreviations, device_automation, device_trigger, discovery, event
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.util.json import json_loads_object

PREFIX = "homeassistant"
NODE = "ha_check"
BASE = f"clickbridge/{NODE}"

# Three buttons in configuration order: one key with the default timing (SINGLE, DOUBLE, LONG),
# and one with two keys and every gesture on (up to QUINTUPLE, LONG_RELEASE, LONG_REPEAT). Their
# input devices are absent: `run` waits for them, announces them, and never presses.
CONFIG_BUTTONS = """\
buttons:
  - deviceId: G030PM0HACHECK01
    name: Front Door
    evdev: { device: /nonexistent/clickbridge-ha-event0, key: KEY_ENTER }
  - deviceId: G030PM0HACHECK02
    name: remote
    evdev: { device: /nonexistent/clickbridge-ha-event1, keys: [KEY_A, KEY_B] }
    timing: { maxPresses: 5, longRelease: true, repeat: 200ms }
"""
# (topic level, trigger types) per announced button, as hardware/home-assistant.md lists them.
EXPECTED = [
    ("front_door", ["button_short_press", "button_double_press", "button_long_press"]),
] + [
    (level, ["button_short_press", "button_double_press", "button_triple_press", "button_quadruple_press",
             "button_quintuple_press", "button_long_press", "button_long_release"])
    for level in ("remote_key_a", "remote_key_b")
]
EXPECTED_COUNT = sum(1 + len(types) for _, types in EXPECTED)


class Rejected(Exception):
    """Home Assistant would not take this discovery message as sent."""


def expand(mapping: dict, table: dict) -> None:
    # discovery.py expands abbreviations inline in its message callback (no function to call);
    # these are its tables, applied the same way.
    for key in list(mapping):
        mapping[table.get(key, key)] = mapping.pop(key)


def validate(topic: str, payload: bytes) -> tuple[str, dict]:
    """(component, the configuration HA's schema produced) for one discovery message."""
    if not topic.startswith(PREFIX + "/"):
        raise Rejected(f"{topic}: not under the discovery prefix")
    match = discovery.TOPIC_MATCHER.match(topic[len(PREFIX) + 1:])
    if not match:
        raise Rejected(f"{topic}: not a discovery topic Home Assistant accepts")
    component = match.group("component")
    if component not in discovery.SUPPORTED_COMPONENTS:
        raise Rejected(f"{topic}: component {component} not supported")
    try:
        sent = json_loads_object(payload)
    except ValueError as e:
        raise Rejected(f"{topic}: not a JSON object: {e}") from e
    config = copy.deepcopy(sent)
    expand(config, abbreviations.ABBREVIATIONS)
    if isinstance(config.get("device"), dict):
        expand(config["device"], abbreviations.DEVICE_ABBREVIATIONS)
    try:
        if "origin" in config:
            expand(config["origin"], abbreviations.ORIGIN_ABBREVIATIONS)
            discovery.MQTT_ORIGIN_INFO_SCHEMA(config["origin"])
        config["platform"] = "mqtt"  # discovery adds it before the platform sees the payload
        if component == "event":
            result = event.DISCOVERY_SCHEMA(config)
            consumed = {"platform"}
        elif component == "device_automation":
            result = device_automation.DISCOVERY_SCHEMA(config)
            if result["automation_type"] != "trigger":
                raise Rejected(f"{topic}: automation_type {result['automation_type']}")
            result = device_trigger.TRIGGER_DISCOVERY_SCHEMA(result)
            # The trigger schema has no origin: discovery.py has validated and logged it already.
            consumed = {"platform", "origin"}
        else:
            raise Rejected(f"{topic}: ClickBridge announces no {component}")
    except vol.Invalid as e:
        raise Rejected(f"{topic}: {e}") from e
    expanded_sent = copy.deepcopy(sent)
    expand(expanded_sent, abbreviations.ABBREVIATIONS)
    dropped = set(expanded_sent) - consumed - set(result)
    if isinstance(expanded_sent.get("device"), dict):
        expand(expanded_sent["device"], abbreviations.DEVICE_ABBREVIATIONS)
        dropped |= {f"device.{k}" for k in set(expanded_sent["device"]) - set(result.get("device", {}))}
    if dropped:
        raise Rejected(f"{topic}: Home Assistant ignores {sorted(dropped)}")
    return component, result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def announced():
    """{topic: (payload, retained, qos)} of every retained message under the prefix, and the
    retained availability payload, from a live `run`."""
    binary = os.environ["CLICKBRIDGE_BIN"]
    with tempfile.TemporaryDirectory(prefix="clickbridge-ha-") as tmp:
        work = pathlib.Path(tmp)
        port = free_port()
        conf = work / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
        broker_log = open(work / "mosquitto.log", "wb")
        broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(conf)], stdout=broker_log, stderr=subprocess.STDOUT)
        run = None
        try:
            def accepting() -> bool:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    return True
                except OSError:
                    return False
            wait_until(accepting, 10, "mosquitto to listen")
            config = work / "clickbridge.yaml"
            config.write_text(f"stateDir: {work}/state\nlisten: 127.0.0.1:0\n" + CONFIG_BUTTONS
                              + f"mqtt:\n  broker: mqtt://127.0.0.1:{port}\n  node: {NODE}\n")
            config.chmod(0o600)  # run refuses a configuration others may write
            run_log = open(work / "run.log", "wb")
            run = subprocess.Popen([binary, "run", "--config", str(config)], stdout=run_log, stderr=subprocess.STDOUT)

            received: dict[str, tuple[bytes, bool, int]] = {}
            lock = threading.Lock()

            def on_message(_client, _userdata, message):
                with lock:
                    received[message.topic] = (message.payload, bool(message.retain), message.qos)

            client = paho.Client(client_id="clickbridge-ha-check", protocol=paho.MQTTv311)
            client.on_message = on_message
            client.on_connect = lambda c, *_: c.subscribe([(f"{PREFIX}/#", 1), (f"{BASE}/availability", 1)])
            client.connect("127.0.0.1", port)
            client.loop_start()
            try:
                def complete() -> bool:
                    with lock:
                        return sum(t.startswith(PREFIX + "/") for t in received) >= EXPECTED_COUNT and \
                            received.get(f"{BASE}/availability", (b"",))[0] == b"online"
                try:
                    wait_until(complete, 30, f"{EXPECTED_COUNT} discovery messages")
                except AssertionError:
                    raise AssertionError(f"got {sorted(received)}\nrun:\n{(work / 'run.log').read_text()}")
                # Anything beyond the expected count would show up by now.
                time.sleep(0.5)
                # A fresh subscriber gets only what is retained.
                retained: dict[str, tuple[bytes, bool, int]] = {}
                fresh = paho.Client(client_id="clickbridge-ha-retained", protocol=paho.MQTTv311)
                fresh.on_message = lambda _c, _u, m: retained.__setitem__(m.topic, (m.payload, bool(m.retain), m.qos))
                fresh.on_connect = lambda c, *_: c.subscribe([(f"{PREFIX}/#", 1), (f"{BASE}/availability", 1)])
                fresh.connect("127.0.0.1", port)
                fresh.loop_start()
                wait_until(lambda: len(retained) >= EXPECTED_COUNT + 1, 10, "the retained messages")
                time.sleep(0.5)
                fresh.loop_stop()
                fresh.disconnect()
            finally:
                client.loop_stop()
                client.disconnect()
            availability = retained.pop(f"{BASE}/availability")
            yield retained, availability
        finally:
            if run is not None:
                run.terminate()
                run.wait(timeout=15)
            broker.terminate()
            broker.wait(timeout=15)


def test_home_assistant_version():
    # The release this suite pins, so a failure names the code that judged.
    assert HA_VERSION == "2024.3.3"


def test_every_discovery_message_passes_home_assistants_schemas(announced):
    messages, availability = announced
    assert availability[0] == b"online" and availability[1], availability
    assert len(messages) == EXPECTED_COUNT, sorted(messages)
    assert all(retain and qos == 1 for _, retain, qos in messages.values())
    results = {topic: validate(topic, payload) for topic, (payload, _, _) in messages.items()}

    entities = {t: r for t, (c, r) in results.items() if c == "event"}
    triggers = {t: r for t, (c, r) in results.items() if c == "device_automation"}
    assert len(entities) == len(EXPECTED)
    assert len(triggers) == EXPECTED_COUNT - len(EXPECTED)
    devices = {tuple(r["device"]["identifiers"]) for _, r in results.values()}
    assert devices == {(f"clickbridge_{NODE}",)}, "one Home Assistant device per node"

    for index, (level, types) in enumerate(EXPECTED):
        entity = entities[f"{PREFIX}/event/{NODE}/{level}/config"]
        assert entity["state_topic"] == f"{BASE}/{level}/event"
        assert str(entity["device_class"]) == "button"
        # What HA takes as available and not available is what `run` publishes there.
        assert entity["availability_topic"] == f"{BASE}/availability"
        assert entity["payload_available"] == "online" and entity["payload_not_available"] == "offline"
        mine = {t: r for t, r in triggers.items() if t.startswith(f"{PREFIX}/device_automation/{NODE}/{level}_")}
        assert sorted(r["type"] for r in mine.values()) == sorted(types)
        for trigger in mine.values():
            assert trigger["subtype"] == f"button_{index + 1}"
            assert trigger["topic"] == f"{BASE}/{level}/action"
            assert trigger["qos"] == 1
        # LONG_REPEAT has an event type but no trigger.
        if "button_long_release" in types:
            assert "long_repeat" in entity["event_types"]

    # HA keys a device trigger by device, type and subtype, and drops a second one with the same key.
    keys = [(r["device"]["identifiers"][0], r["type"], r["subtype"]) for r in triggers.values()]
    assert len(keys) == len(set(keys))


# The same validation must refuse broken payloads; each starts from what `run` really sent.
EVENT_BREAKS = {
    "no state_topic": lambda p: p.pop("state_topic"),
    "no event_types": lambda p: p.pop("event_types"),
    "unknown device_class": lambda p: p.__setitem__("device_class", "buttons"),
    "qos 3": lambda p: p.__setitem__("qos", 3),
    "wildcard state_topic": lambda p: p.__setitem__("state_topic", "clickbridge/#/event"),
    "misspelled key": lambda p: p.__setitem__("availabilty_topic", p.pop("availability_topic")),
    "device without identifiers": lambda p: p["device"].pop("identifiers"),
    "origin without name": lambda p: p["origin"].pop("name"),
}
TRIGGER_BREAKS = {
    "no subtype": lambda p: p.pop("subtype"),
    "no topic": lambda p: p.pop("topic"),
    "no device": lambda p: p.pop("device"),
    "automation_type action": lambda p: p.__setitem__("automation_type", "action"),
    "availability (dropped by the trigger schema)": lambda p: p.__setitem__("availability_topic", f"{BASE}/availability"),
}


def first(messages: dict, component: str) -> tuple[str, dict]:
    topic = sorted(t for t in messages if t.startswith(f"{PREFIX}/{component}/"))[0]
    return topic, json.loads(messages[topic][0])


@pytest.mark.parametrize("name", EVENT_BREAKS)
def test_a_broken_event_payload_is_rejected(announced, name):
    topic, payload = first(announced[0], "event")
    validate(topic, json.dumps(payload).encode())  # intact, it passes
    EVENT_BREAKS[name](payload)
    with pytest.raises(Rejected):
        validate(topic, json.dumps(payload).encode())


@pytest.mark.parametrize("name", TRIGGER_BREAKS)
def test_a_broken_trigger_payload_is_rejected(announced, name):
    topic, payload = first(announced[0], "device_automation")
    validate(topic, json.dumps(payload).encode())
    TRIGGER_BREAKS[name](payload)
    with pytest.raises(Rejected):
        validate(topic, json.dumps(payload).encode())


def test_a_bad_topic_or_non_object_is_rejected(announced):
    topic, payload = first(announced[0], "event")
    with pytest.raises(Rejected):
        validate(topic.replace("/event/", "/events/"), json.dumps(payload).encode())
    with pytest.raises(Rejected):
        validate(topic.replace(NODE, "ha check"), json.dumps(payload).encode())
    with pytest.raises(Rejected):
        validate(topic, b"[1, 2]")


def test_abbreviated_keys_are_expanded_as_home_assistant_does(announced):
    # Home Assistant accepts abbreviated discovery keys; the validation must expand them the way HA reads them.
    topic, payload = first(announced[0], "event")
    short = {"stat_t" if k == "state_topic" else "avty_t" if k == "availability_topic" else k: v for k, v in payload.items()}
    short["dev"] = {"ids" if k == "identifiers" else k: v for k, v in short.pop("device").items()}
    assert validate(topic, json.dumps(short).encode())[1]["state_topic"] == payload["state_topic"]
