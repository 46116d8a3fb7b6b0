import Foundation
import Glibc
import Lines
import Presses

/// A source fed through a pipe, standing in for a kernel device: the test writes encoded edges
/// into the pipe; the loop sees the read end become readable, as it would a gpiochip request fd.
final class PipeSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: the loop's thread reads; tests write to `writeEnd` only (write(2) on a
    // pipe is thread-safe) and call `hangUp` once.
    let buttons: [String]
    let heldAtStart: [Bool]
    private(set) var readEnd: Int32
    let writeEnd: Int32
    private var buffer: [UInt8] = []
    private var eof = false
    var closeCount = 0

    init(buttons: [String], heldAtStart: [Bool]? = nil) {
        self.buttons = buttons
        self.heldAtStart = heldAtStart ?? Array(repeating: false, count: buttons.count)
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    /// Writes one edge: button (1 byte), pressed (1 byte), time (8 bytes, little endian).
    func send(button: Int, pressed: Bool, at time: Timestamp) {
        var bytes: [UInt8] = [UInt8(button), pressed ? 1 : 0]
        withUnsafeBytes(of: time.nanoseconds.littleEndian) { bytes += $0 }
        precondition(write(writeEnd, bytes, bytes.count) == bytes.count)
    }

    func hangUp() { Glibc.close(writeEnd) }

    /// Bytes written but not yet read by the loop.
    var pendingBytes: Int {
        var n: Int32 = 0
        _ = ioctl(readEnd, UInt(FIONREAD), &n)
        return Int(n)
    }

    var descriptors: [Int32] { eof || readEnd < 0 ? [] : [readEnd] }
    var isFinished: Bool { eof }

    func drain(into output: inout SourceOutput) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while readEnd >= 0 {
            let n = read(readEnd, &chunk, chunk.count)
            if n > 0 { buffer += chunk[0..<n]; continue }
            if n == 0 { eof = true }
            break
        }
        while buffer.count >= 10 {
            let button = Int(buffer[0])
            let pressed = buffer[1] == 1
            var ns: Int64 = 0
            for i in 0..<8 { ns |= Int64(buffer[2 + i]) << (8 * i) }
            buffer.removeFirst(10)
            output.edges.append(SourceEdge(button: button, edge: Edge(time: Timestamp(nanoseconds: ns), pressed: pressed)))
        }
    }

    func close() {
        closeCount += 1
        if readEnd >= 0 { Glibc.close(readEnd); readEnd = -1 }
    }
}

/// The reference: the same edges through the detector, instantly, as replay does.
func replayPresses(_ trace: Trace, timing: PressTiming) -> [Press] {
    var detectors = trace.buttons.map { PressDetector(button: $0, timing: timing) }
    var presses: [Press] = []
    for se in trace.edges { detectors[se.button].feed(se.edge, into: &presses) }
    for b in detectors.indices {
        while let d = detectors[b].nextDeadline { detectors[b].advance(to: d, into: &presses) }
    }
    return presses
}

/// Fast timings, so real-time tests take well under a second.
let quickTiming = PressTiming(debounce: .milliseconds(5), long: .milliseconds(250), doubleWindow: .milliseconds(80))

func edges(_ button: Int, _ list: [(Int64, Bool)]) -> [SourceEdge] {
    list.map { SourceEdge(button: button, edge: Edge(time: .milliseconds($0.0), pressed: $0.1)) }
}

/// Presses sorted the same way whichever order buttons were decided in.
func canonical(_ presses: [Press]) -> [Press] {
    presses.sorted { ($0.button, $0.decidedAt.nanoseconds, $0.pressedAt.nanoseconds) < ($1.button, $1.decidedAt.nanoseconds, $1.pressedAt.nanoseconds) }
}

func shifted(_ p: Press, by offset: Span) -> Press {
    Press(button: p.button, gesture: p.gesture,
          pressedAt: Timestamp(nanoseconds: p.pressedAt.nanoseconds - offset.nanoseconds),
          decidedAt: Timestamp(nanoseconds: p.decidedAt.nanoseconds - offset.nanoseconds))
}

/// A tiny lock for test state shared with a thread.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: every access goes through the NSLock.
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}
