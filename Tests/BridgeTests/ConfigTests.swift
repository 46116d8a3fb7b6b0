import Foundation
import Lines
import Presses
import TestSupport
import Testing
@testable import Bridge

@Suite struct ConfigTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var example: String {
        get throws { try String(contentsOfFile: repo.appendingPathComponent("hardware/clickbridge.yaml").path, encoding: .utf8) }
    }

    /// The example with the commented block that starts at the line holding `marker` made live:
    /// that line and the comment lines after it indented at least as deep, up to the first
    /// other line. The documented alternatives must parse as they are written.
    static func uncommenting(_ marker: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        guard let first = lines.firstIndex(where: { $0.contains(marker) }) else { return text }
        let indent = lines[first].prefix { $0 == " " }.count
        var i = first
        while i < lines.count {
            let line = lines[i]
            let pad = line.prefix { $0 == " " }.count
            guard pad == indent, line.dropFirst(pad).hasPrefix("# ") || line.dropFirst(pad) == "#",
                  i == first || line.dropFirst(pad + 2).hasPrefix(" ") else { break }
            lines[i] = String(line.prefix(pad)) + String(line.dropFirst(pad + 2))
            i += 1
        }
        return lines.joined(separator: "\n")
    }

    /// The shipped example as it is: one GPIO button, active-low with pull-up, on the embedded
    /// service with the state dir's credentials, and no relative path.
    @Test func theDocumentedExampleParses() throws {
        let path = Self.repo.appendingPathComponent("hardware/clickbridge.yaml").path
        let config = try ConfigLoader.load(file: path)
        #expect(config.stateDir == "/var/lib/clickbridge")
        #expect(config.endpoint == nil)
        #expect(config.listen == nil)
        #expect(config.credentials == nil)
        #expect(config.profile == "bridge")
        #expect(config.claimCode == "C-3F9A2K7Q1Z")
        #expect(config.buttons.map(\.deviceId) == ["G030PM0123456789"])
        #expect(config.buttons[0].source == .gpio(GPIOLineConfig(chip: "gpiochip0", line: "GPIO17", bias: .pullUp, activeLow: true)))
        #expect(config.buttons[0].hasActions == false)
        #expect(config.buttons[0].timing == PressTiming(debounce: .milliseconds(20), long: .milliseconds(1500), doubleWindow: .milliseconds(400)))
        #expect(config.buttons[0].name == "gpiochip0:GPIO17")
    }

    /// Each commented alternative in the example parses once uncommented: the timing line, the
    /// actions, the evdev button (instead of the GPIO one), the remote endpoint.
    @Test func theExamplesCommentedAlternativesParse() throws {
        let text = try Self.example
        let timed = try ConfigLoader.parse(Self.uncommenting("# timing:", in: text))
        #expect(timed.buttons[0].timing == .default)
        let actions = try ConfigLoader.parse(Self.uncommenting("# on:", in: text))
        #expect(actions.buttons[0].actions.actions(for: .single) == [.exec(ExecAction(argv: ["/usr/bin/mpc", "toggle"]))])
        #expect(actions.buttons[0].actions.actions(for: .long).count == 1)
        let evdev = try ConfigLoader.parse(Self.uncommenting("# - deviceId: G030PM0123456790", in: text))
        #expect(evdev.buttons.map(\.deviceId) == ["G030PM0123456789", "G030PM0123456790"])
        #expect(evdev.buttons[1].source == .evdev(EvdevConfig(device: "/dev/input/by-path/platform-button@11-event", keys: [28])))
        #expect(evdev.buttons[1].name == "/dev/input/by-path/platform-button@11-event:KEY_ENTER")
        var remoteText = text
        for key in ["endpoint", "credentials", "profile"] { remoteText = remoteText.replacingOccurrences(of: "#   \(key):", with: "\(key):") }
        let remote = try ConfigLoader.parse(remoteText)
        #expect(remote.endpoint == "http://192.168.1.20:8787")
        #expect(remote.credentials == "/etc/clickbridge/credentials")
    }

    /// The example's trace button reads the trace the package installs (`hardware/traces/` here).
    @Test func theExampleTraceButtonReadsItsTrace() throws {
        let installed = "/usr/share/clickbridge/traces/"
        let text = Self.uncommenting("# - deviceId: G030PM0123456791", in: try Self.example)
            .replacingOccurrences(of: installed, with: Self.repo.appendingPathComponent("hardware/traces").path + "/")
        let config = try ConfigLoader.parse(text)
        #expect(config.buttons.count == 2)
        guard case .trace(let file, let options) = config.buttons[1].source else { Issue.record("not a trace"); return }
        let trace = try TraceReader.read(contentsOf: file, options: options)
        #expect(TraceReplay.presses(of: trace, timing: config.buttons[1].timing).map(\.clickType) == [.double])
    }

    /// Relative paths are relative to the file, not to where `run` was started (systemd: `/`).
    @Test func relativePathsAreRelativeToTheConfigFile() throws {
        let dir = testScratch.appendingPathComponent("cb-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.yaml").path
        try "stateDir: state\ncredentials: ../creds\nbuttons:\n  - deviceId: a1\n    trace: { file: traces/t.txt }\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(file: file)
        #expect(config.stateDir == dir.path + "/state")
        #expect(config.credentials == dir.path + "/../creds")
        #expect(config.buttons[0].source == .trace(file: dir.path + "/traces/t.txt", options: TraceReadOptions()))
        #expect(config.buttons[0].name == "traces/t.txt")
    }

    /// The per-button `on:` key is the string "on" (YAML 1.1 would read a boolean): accepted, reserved.
    @Test func onKeyIsAStringKey() throws {
        let yaml = """
            buttons:
              - deviceId: G030PM0123456789
                name: door
                gpio: { chip: gpiochip0, line: GPIO17 }
                on:
                  SINGLE: { exec: [echo, single] }
                  LONG: [ { exec: [systemctl, restart, lights] } ]
              - deviceId: desk-1
                trace: { file: t.txt }
            """
        let config = try ConfigLoader.parse(yaml)
        #expect(config.buttons[0].hasActions)
        #expect(config.buttons[0].actions.actions(for: .long) == [.exec(ExecAction(argv: ["systemctl", "restart", "lights"]))])
        #expect(config.buttons[0].name == "door")
        #expect(!config.buttons[1].hasActions)
        // An action error is located like every other config error.
        let bad = #expect(throws: ConfigError.self) { try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    on: yes\n") }
        #expect(bad?.line == 4)
        #expect(bad?.key == "buttons[0].on")
        // A YAML 1.1 `off` or `yes` as a key is also just a word, and not an allowed one.
        let off = #expect(throws: ConfigError.self) { try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    off: x\n") }
        #expect(off?.key == "buttons[0].off")
        #expect(off?.line == 4)
    }

    @Test func defaultsWhenOmitted() throws {
        let config = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    gpio: { chip: '0', line: '17' }\n")
        #expect(config.endpoint == nil)
        #expect(config.stateDir == nil)
        #expect(config.profile == "bridge")
        #expect(config.buttons[0].source == .gpio(GPIOLineConfig(chip: "0", line: "17", bias: .pullUp, activeLow: true)))
        #expect(config.buttons[0].timing == .default)
        #expect(config.buttons[0].name == "0:17")
        #expect(config.allowPrivateCallbacks == false)
    }

    @Test func allowPrivateCallbacksIsABoolean() throws {
        let allowed = try ConfigLoader.parse("allowPrivateCallbacks: true\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n")
        #expect(allowed.allowPrivateCallbacks)
        let refused = try ConfigLoader.parse("allowPrivateCallbacks: false\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n")
        #expect(!refused.allowPrivateCallbacks)
        // The example documents it, commented out.
        let example = try ConfigLoader.parse(Self.uncommenting("# allowPrivateCallbacks: true", in: try Self.example))
        #expect(example.allowPrivateCallbacks)
    }

    @Test func evdevTakesSeveralKeysAndGrab() throws {
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: a1
                evdev: { device: /dev/input/event3, keys: [KEY_ENTER, 57], grab: true }
            """)
        #expect(config.buttons[0].source == .evdev(EvdevConfig(device: "/dev/input/event3", keys: [28, 57], grab: true)))
        #expect(config.buttons[0].name == "/dev/input/event3:KEY_ENTER,KEY_SPACE")
    }

    @Test func timingAcceptsMillisecondsAndSeconds() throws {
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: a1
                trace: { file: t.txt }
                timing: { debounce: 5ms, long: 2s, doubleWindow: 0.25s }
            """)
        #expect(config.buttons[0].timing == PressTiming(debounce: .milliseconds(5), long: .milliseconds(2000), doubleWindow: .milliseconds(250)))
        let zero = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { doubleWindow: 0ms }\n")
        #expect(zero.buttons[0].timing.doubleWindow == .zero)
    }

    @Test func gestureSettingsAsDocumented() throws {
        // The form ARCHITECTURE.md and the README give.
        let config = try ConfigLoader.parse("""
            buttons:
              - deviceId: a1
                trace: { file: t.txt }
                timing: { maxPresses: 3, longRelease: true, repeat: 500ms }
                on:
                  TRIPLE: { exec: [/bin/true] }
                  LONG_RELEASE: { exec: [/bin/true] }
                  LONG_REPEAT: { exec: [/bin/true] }
            """)
        #expect(config.buttons[0].timing == PressTiming(maxPresses: 3, longRelease: true, repeat: .milliseconds(500)))
        #expect(config.buttons[0].actions.actions(for: .triple) == [.exec(ExecAction(argv: ["/bin/true"]))])
        #expect(config.buttons[0].actions.actions(for: .longRelease).count == 1)
        #expect(config.buttons[0].actions.actions(for: .longRepeat).count == 1)
        let off = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { maxPresses: 1, longRelease: false, repeat: 0 }\n")
        #expect(off.buttons[0].timing == PressTiming(maxPresses: 1))
        let fastest = try ConfigLoader.parse("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { maxPresses: 5, repeat: 10ms }\n")
        #expect(fastest.buttons[0].timing == PressTiming(maxPresses: 5, repeat: .milliseconds(10)))
    }

    /// Each bad input: the line, the key, and words from what is allowed.
    @Test(arguments: [
        ("buttons:\n  - deviceId: a1\n    gpio: { chip: c, line: l, bias: sideways }\n", 3, "buttons[0].gpio.bias", "pull-up, pull-down, disable or as-is"),
        ("stateDir: /x\nendpont: http://h\nbuttons: []\n", 2, "endpont", "allowed here: stateDir, endpoint, listen"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { debounce: 20 }\n", 4, "buttons[0].timing.debounce", "ms or s"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { long: 1.5 sec }\n", 4, "buttons[0].timing.long", "ms or s"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { debounce: -5ms }\n", 4, "buttons[0].timing.debounce", "ms or s"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { debounce: 2s, long: 1s }\n", 4, "buttons[0].timing.long", "longer than debounce"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing:\n      long: 2s\n      maxPresses: 6\n", 6, "buttons[0].timing.maxPresses", "'6' is not allowed; use a whole number from 1 (no DOUBLE) to 5 (QUINTUPLE)"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { maxPresses: 0 }\n", 4, "buttons[0].timing.maxPresses", "from 1 (no DOUBLE) to 5"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { maxPresses: three }\n", 4, "buttons[0].timing.maxPresses", "'three' is not allowed"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { maxPresses: 2.5 }\n", 4, "buttons[0].timing.maxPresses", "a whole number"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { longRelease: on }\n", 4, "buttons[0].timing.longRelease", "true or false"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing:\n      repeat: 5ms\n", 5, "buttons[0].timing.repeat", "it must be 0 (off) or at least"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { repeat: often }\n", 4, "buttons[0].timing.repeat", "ms or s"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    timing: { repeats: 500ms }\n", 4, "buttons[0].timing.repeats", "allowed here: debounce, long, doubleWindow, maxPresses, longRelease, repeat"),
        ("buttons:\n  - deviceId: 'bad id!'\n    trace: { file: t }\n", 2, "buttons[0].deviceId", "letters, digits"),
        ("buttons:\n  - deviceId: _a\n    trace: { file: t }\n", 2, "buttons[0].deviceId", "starting with a letter or digit"),
        ("claimCode: C-SHORT\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "claimCode", "10 to 38 letters or digits"),
        ("buttons:\n  - deviceId: a1\n", 2, "buttons[0]", "exactly one of gpio, evdev or trace"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n    gpio: { chip: c, line: l }\n", 2, "buttons[0]", "exactly one of gpio, evdev or trace"),
        ("buttons:\n  - trace: { file: t }\n", 2, "buttons[0].deviceId", "missing"),
        ("buttons:\n  - deviceId: a1\n    gpio: { chip: c }\n", 3, "buttons[0].gpio.line", "missing"),
        ("buttons:\n  - deviceId: a1\n    gpio: { chip: c, line: l, activeLow: maybe }\n", 3, "buttons[0].gpio.activeLow", "true or false"),
        ("buttons:\n  - deviceId: a1\n    evdev: { device: /dev/input/event0 }\n", 3, "buttons[0].evdev.key", "KEY_ENTER"),
        ("buttons:\n  - deviceId: a1\n    evdev: { device: /dev/input/event0, key: KEY_NOPE }\n", 3, "buttons[0].evdev.key", "KEY_ENTER, 28"),
        ("buttons:\n  - deviceId: a1\n    evdev: { device: /dev/input/event0, keys: [KEY_A, 99999] }\n", 3, "buttons[0].evdev.keys[1]", "KEY_ENTER, 28"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t, format: pcap }\n", 3, "buttons[0].trace.format", "auto, native, gpiomon, evemu"),
        ("endpoint: ftp://x\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "endpoint", "http:// or https://"),
        ("listen: 127.0.0.1\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "listen", "HOST:PORT"),
        ("listen: 127.0.0.1:70000\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "listen", "0 to 65535"),
        ("listen: '::1:8787'\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "listen", "an IPv6 host goes in brackets, [::1]:8787"),
        ("stateDir: /x\n", 1, "buttons", "missing"),
        ("buttons: []\n", 1, "buttons", "is empty"),
        ("buttons: G030\n", 1, "buttons", "expected a list"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n  - deviceId: a1\n    trace: { file: u }\n", 4, "buttons[1].deviceId", "already the device of the button on line 2"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t }\n  - deviceId: a2\n    trace: { file: t }\n", 4, "buttons[1].name", "already the name"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t, activeLow: true, activeLow: false }\n", 3, "activeLow", "more than once"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: [t] }\n", 3, "buttons[0].trace.file", "found a list"),
        ("buttons:\n  - deviceId: a1\n    trace: { file: t\n", 4, "", "not valid YAML"),
        ("profile:\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "profile", "found nothing"),
        ("allowPrivateCallbacks: yes please\nbuttons:\n  - deviceId: a1\n    trace: { file: t }\n", 1, "allowPrivateCallbacks", "true or false"),
    ] as [(String, Int, String, String)])
    func badInputIsLocated(yaml: String, line: Int, key: String, allowed: String) {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml, file: "c.yaml") }
        guard let error else { return }
        #expect(error.line == line, "\(error)")
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(allowed), "\(error)")
        #expect(error.description.hasPrefix("c.yaml:\(line): "), "\(error)")
    }

    @Test func unreadableFileSaysSo() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(file: "/nonexistent/clickbridge.yaml") }
        #expect(error?.description.contains("cannot read the configuration") == true)
    }

    @Test func emptyDocumentSaysWhatIsNeeded() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.parse("# nothing\n") }
        #expect(error?.message.contains("buttons") == true)
    }
}
