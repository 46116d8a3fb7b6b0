import Foundation
import Lines
import PressTimelines
import Presses
import Testing

/// The gestures' worked timelines, the rows `GestureTimelineTests` runs through the bare detector,
/// on the live `EventLoop`: a `TimedEdgeSource` plays each script in real time and the loop's timer
/// makes the decisions. As in `LoopTests`, presses are compared on the trace's clock (shifted back
/// by the source's offset), and each must carry the row's exact `decidedAt`: the loop decides at
/// the detector's deadlines on the edges' own clock, so a late wake-up on a busy machine delays a
/// decision's delivery but not its instant.
@Suite("Gesture timelines on the live loop")
struct GestureTimelineLoopTests {
    /// Rows that end with a shutdown are left out: the loop decides those at the instant it handles
    /// `stop()`, which a real-time run cannot place exactly (`LoopTests` covers stopping).
    static let rows = WorkedTimeline.gestures.filter { $0.finishAt == nil }

    // Each row runs for up to 4 s of real time, on its own thread so that the rows overlap; the
    // limit only ends a loop that would never finish.
    @Test(.timeLimit(.minutes(1)), arguments: rows)
    func onTheLiveLoop(_ row: WorkedTimeline) async throws {
        let trace = Trace(buttons: ["b"], edges: row.edges.map { SourceEdge(button: 0, edge: $0) },
                          initiallyPressed: [row.initiallyPressed])
        let (source, offset) = try TimedEdgeSource.replaying(trace, startingAt: MonotonicClock.now() + .milliseconds(20))
        let until = row.until.map(ms)
        let presses = Locked<[Press]>([])
        let loopRef = Locked<EventLoop?>(nil)
        let loop = try EventLoop { event in
            guard case .press(_, let p) = event else { return }
            let press = shifted(p, by: offset)
            presses.withLock { $0.append(press) }
            // A LONG held with `repeat` on repeats for ever: stop once the run has reached `until`.
            if let until, press.decidedAt >= until { loopRef.withLock { $0?.stop() } }
        }
        loopRef.withLock { $0 = loop }
        defer { loopRef.withLock { $0 = nil } }
        loop.add(source, timing: row.timing)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                Thread {
                    do { try loop.run(until: .whenSourcesFinish); done.resume() } catch { done.resume(throwing: error) }
                }.start()
            }
        } onCancel: {
            loop.stop()
        }

        // After a stop at `until`, the shutdown may add repeats that fell due since: not part of the row.
        let got = presses.withLock { $0 }.filter { until == nil || $0.decidedAt <= until! }
        #expect(got == row.expected, "live loop",
                sourceLocation: SourceLocation(fileID: row.fileID, filePath: row.filePath, line: row.line, column: row.column))
        #expect(source.pendingCount == 0, "every edge was delivered")
    }
}
