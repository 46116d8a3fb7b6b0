import Foundation
import Glibc
import Lines
import Presses
import Testing

/// A button behind a named pipe, standing in for a device node that comes and goes (there is no
/// /dev/gpiochip* or /dev/input here): a byte "1" is a press, "0" a release, and the pipe's last
/// writer closing is the device going away.
private final class PipeButton: LineSource {
    let buttons = ["pipe"]
    let heldAtStart: [Bool]
    private var fd: Int32
    private(set) var isFinished = false

    init(path: String, held: Bool) throws(LineError) {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw LineError("\(path): \(String(cString: strerror(errno)))", isMissing: errno == ENOENT)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFIFO else {
            Glibc.close(fd)
            throw LineError("\(path) is not a pipe")
        }
        heldAtStart = [held]
    }

    var descriptors: [Int32] { fd >= 0 ? [fd] : [] }

    func drain(into output: inout SourceOutput) {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 {
                output.edges.append(SourceEdge(button: 0, edge: Edge(time: MonotonicClock.now(), pressed: byte == UInt8(ascii: "1"))))
            } else {
                if n == 0 { isFinished = true }  // no writer left: the device is gone
                return
            }
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

@Suite("awaiting a source")
struct AwaitingSourceTests {
    private static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("awaiting-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Waits (up to a generous deadline, for a loaded machine) until the source has something to read.
    private static func readable(_ source: AwaitingSource) -> Bool {
        guard let fd = source.descriptors.first, source.descriptors.count == 1 else { return false }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 30_000) == 1
    }

    private static func idle(_ source: AwaitingSource) -> Bool {
        source.descriptors.allSatisfy { fd in
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            return poll(&pfd, 1, 0) == 0
        }
    }

    private static func openWriter(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        try #require(fd >= 0, "opening \(path) for writing: \(String(cString: strerror(errno)))")
        return fd
    }

    @Test("a node that appears later is opened then, through inotify; it goes away held and returns held")
    func appearsVanishesReturns() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/by-id/button"
        var held = false
        let source = try AwaitingSource(buttons: ["pipe"], what: "pipe button", awaiting: path,
                                        open: { () throws(LineError) -> any LineSource in try PipeButton(path: path, held: held) })
        defer { source.close() }
        #expect(!source.isPresent && !source.isFinished)
        #expect(source.waitingReason?.contains("No such file or directory") == true, "\(source.waitingReason ?? "")")
        #expect(source.heldAtStart == [false])
        #expect(source.descriptors.count == 1)
        #expect(Self.idle(source))  // nothing changes, nothing to do: no timer

        // The folder appears first (the watch is on its parent), then the node in it.
        try FileManager.default.createDirectory(atPath: dir + "/by-id", withIntermediateDirectories: true)
        #expect(Self.readable(source))
        var output = SourceOutput()
        source.drain(into: &output)
        #expect(output.notices.isEmpty && !source.isPresent)  // same reason as before: said once
        #expect(mkfifo(path, 0o600) == 0)
        #expect(Self.readable(source))
        source.drain(into: &output)
        #expect(source.isPresent && source.waitingReason == nil)
        #expect(output.notices == [.appeared("pipe button is here now")])
        #expect(output.edges.isEmpty)

        // Edges come through from the opened source.
        var writer = try Self.openWriter(path)
        #expect(write(writer, [UInt8]("10".utf8), 2) == 2)
        output = SourceOutput()
        #expect(Self.readable(source))
        source.drain(into: &output)
        #expect(output.edges.map(\.edge.pressed) == [true, false])

        // The node goes away with the button down: released, and waited for again on inotify.
        #expect(write(writer, [UInt8]("1".utf8), 1) == 1)
        Glibc.close(writer)
        #expect(unlink(path) == 0)
        #expect(Self.readable(source))
        output = SourceOutput()
        source.drain(into: &output)
        #expect(output.edges.map(\.edge.pressed) == [true, false])
        #expect(output.notices == [.vanished("pipe button went away; waiting for it to return")])
        #expect(!source.isPresent && !source.isFinished)
        #expect(source.waitingReason?.contains("No such file or directory") == true)
        #expect(Self.idle(source))

        // It returns with its button down: a press edge says so.
        held = true
        #expect(mkfifo(path, 0o600) == 0)
        #expect(Self.readable(source))
        output = SourceOutput()
        source.drain(into: &output)
        #expect(source.isPresent)
        #expect(output.notices == [.appeared("pipe button is here now")])
        #expect(output.edges.map(\.edge.pressed) == [true])
        writer = try Self.openWriter(path)
        #expect(write(writer, [UInt8]("0".utf8), 1) == 1)
        #expect(Self.readable(source))
        output = SourceOutput()
        source.drain(into: &output)
        #expect(output.edges.map(\.edge.pressed) == [false])
        Glibc.close(writer)

        source.close()
        #expect(source.isFinished && source.descriptors.isEmpty)
    }

    @Test("a node that is there opens at once, with its own names and held buttons")
    func presentAtStart() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/button"
        #expect(mkfifo(path, 0o600) == 0)
        let source = try AwaitingSource(buttons: ["configured"], what: "pipe button", awaiting: path,
                                        open: { () throws(LineError) -> any LineSource in try PipeButton(path: path, held: true) })
        defer { source.close() }
        #expect(source.isPresent && source.waitingReason == nil)
        #expect(source.buttons == ["pipe"] && source.heldAtStart == [true])
    }

    @Test("something there that is not the device is waited out, saying why once, or refused when only a missing one is waited for")
    func wrongNodeAtPath() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/button"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let open = { () throws(LineError) -> any LineSource in try PipeButton(path: path, held: false) }
        let error = #expect(throws: LineError.self) {
            try AwaitingSource(buttons: ["pipe"], what: "pipe button", awaiting: path, waitsOnlyWhileMissing: true, open: open)
        }
        #expect(error?.message == "\(path) is not a pipe")

        let source = try AwaitingSource(buttons: ["pipe"], what: "pipe button", awaiting: path, open: open)
        defer { source.close() }
        #expect(source.waitingReason == "\(path) is not a pipe" && !source.isPresent)
        // Replaced by the right kind of node (as udev would, by a rename into place).
        #expect(mkfifo(dir + "/.button.new", 0o600) == 0)
        #expect(rename(dir + "/.button.new", path) == 0)
        #expect(Self.readable(source))
        var output = SourceOutput()
        source.drain(into: &output)
        #expect(source.isPresent && output.notices == [.appeared("pipe button is here now")])
    }

    @Test("a path that can never appear is a clear error")
    func wrongPath() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        let never = { () throws(LineError) -> any LineSource in throw LineError("not there", isMissing: true) }
        let belowFile = #expect(throws: LineError.self) {
            try AwaitingSource(buttons: ["b"], what: "b", awaiting: file + "/by-id/event3", open: never)
        }
        #expect(belowFile?.message == "cannot wait for \(file)/by-id/event3: \(file) is not a directory")
    }
}
