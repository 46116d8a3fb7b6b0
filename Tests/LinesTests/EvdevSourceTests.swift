import Foundation
import Lines
import Testing

/// The real libevdev calls as far as a machine without input devices allows.
@Suite("evdev source")
struct EvdevSourceTests {
    @Test("key names and numbers through libevdev's tables")
    func keyCodes() {
        #expect(EvdevKey.code(parsing: "KEY_ENTER") == 28)
        #expect(EvdevKey.code(parsing: "enter") == 28)
        #expect(EvdevKey.code(parsing: "28") == 28)
        #expect(EvdevKey.code(parsing: "0x1c") == 28)
        #expect(EvdevKey.code(parsing: "BTN_LEFT") == 0x110)
        #expect(EvdevKey.code(parsing: "KEY_NOT_A_KEY") == nil)
        #expect(EvdevKey.code(parsing: "99999") == nil)
        #expect(EvdevKey.code(parsing: "REL_X") == nil)
        #expect(EvdevKey.name(28) == "KEY_ENTER")
        #expect(EvdevKey.name(0x110) == "BTN_LEFT")
    }

    @Test("an unknown key is a clear error")
    func unknownKey() {
        let error = #expect(throws: LineError.self) { try EvdevConfig(device: "/dev/input/event0", keyNames: ["KEY_NOPE"]) }
        #expect(error?.message.hasPrefix("unknown key 'KEY_NOPE'") == true)
    }

    @Test("a nonexistent device: one line naming it and the devices that exist (or none)")
    func missing() throws {
        let error = #expect(throws: LineError.self) { try EvdevSource(EvdevConfig(device: "/dev/input/by-id/no-such-button", keyNames: ["KEY_ENTER"])) }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("input device /dev/input/by-id/no-such-button does not exist"))
        #expect(!message.contains("\n"))
        let devices = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/input")) ?? []).filter { $0.hasPrefix("event") }
        if devices.isEmpty { #expect(message.contains("this machine has no input devices")) }
    }

    @Test("/dev/null is refused by libevdev as not an input device")
    func devNull() {
        let error = #expect(throws: LineError.self) { try EvdevSource(EvdevConfig(device: "/dev/null", keyNames: ["KEY_ENTER"])) }
        #expect(error?.message.hasPrefix("/dev/null is not an evdev input device") == true, "\(error?.message ?? "")")
    }

    @Test("a regular file or a directory is not an input device")
    func regularFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evdev-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("event0").path
        _ = FileManager.default.createFile(atPath: file, contents: Data(count: 48))
        for path in [file, dir.path] {
            let error = #expect(throws: LineError.self) { try EvdevSource(EvdevConfig(device: path, keyNames: ["KEY_ENTER"])) }
            #expect(error?.message.hasPrefix("\(path) is not an input device") == true, "\(error?.message ?? "")")
        }
    }

    @Test("a device missing at start is waited for on an inotify descriptor, not a timer")
    func waitsForMissingDevice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evdev-wait-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("by-id/usb-button-event-kbd").path
        let source = try EvdevSource.awaiting(EvdevConfig(device: path, keyNames: ["KEY_ENTER"]))
        #expect(!source.isPresent)
        #expect(source.buttons == ["\(path):KEY_ENTER"])
        #expect(source.heldAtStart == [false])
        let fd = try #require(source.descriptors.first)
        #expect(source.descriptors.count == 1)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 0) == 0)  // nothing yet
        // The by-id folder appears (the watch is on its parent), then a wrong file at the path.
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("by-id").path, withIntermediateDirectories: true)
        #expect(poll(&pfd, 1, 1000) == 1)
        var output = SourceOutput()
        source.drain(into: &output)
        #expect(output.edges.isEmpty && output.notices.isEmpty && !source.isPresent)
        let again = try #require(source.descriptors.first)
        _ = FileManager.default.createFile(atPath: path, contents: Data(count: 24))
        pfd = pollfd(fd: again, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 1000) == 1)  // the watch moved down into by-id
        source.drain(into: &output)
        // A regular file is not the device: still waiting, and saying why once.
        #expect(output.notices.count == 1 && !source.isPresent && !source.isFinished)
        #expect(output.notices.first?.description.contains("is not an input device") == true && output.notices.first?.description.hasSuffix("still waiting") == true, "\(output.notices)")
        _ = FileManager.default.createFile(atPath: path + "-other", contents: Data())
        #expect(poll(&pfd, 1, 1000) == 1)
        output = SourceOutput()
        source.drain(into: &output)
        #expect(output.notices.isEmpty && !source.isPresent)
        source.close()
        #expect(source.isFinished && source.descriptors.isEmpty)
    }

    @Test("waiting for a missing device needs its key named")
    func waitNeedsKey() {
        let error = #expect(throws: LineError.self) { try EvdevSource.awaiting(EvdevConfig(device: "/nonexistent/event3")) }
        #expect(error?.message.contains("name one") == true)
    }
}
