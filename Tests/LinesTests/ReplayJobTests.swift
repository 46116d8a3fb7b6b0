import Foundation
import Lines
import Presses
import Testing

/// `clickbridge replay` without the command line: what it prints and how it fails.
@Suite struct ReplayJobTests {
    func run(_ job: ReplayJob) throws -> [String] {
        var lines: [String] = []
        try job.run { lines.append($0) }
        return lines
    }

    @Test func jsonForTheBundledDoubleClick() throws {
        let lines = try run(ReplayJob(path: TraceFiles.path("double-bouncy.txt"), json: true))
        #expect(lines == [#"{"clickType":"DOUBLE","button":"17","pressedAt":8417.662315904,"decidedAt":8418.064556256,"gesture":"DOUBLE","count":2}"#])
        // --active-low agrees with the file's own polarity line.
        let forced = try run(ReplayJob(path: TraceFiles.path("double-bouncy.txt"), read: .init(activeLow: true), json: true))
        #expect(forced == lines)
    }

    @Test func evemuKeepsMicrosecondsAndKeyFilter() throws {
        let lines = try run(ReplayJob(path: TraceFiles.path("keys-interleaved.evemu"), read: .init(keys: [0x94]), json: true))
        #expect(lines == [#"{"clickType":"DOUBLE","button":"KEY_PROG1","pressedAt":0.000001,"decidedAt":0.409003,"gesture":"DOUBLE","count":2}"#])
    }

    @Test func timingFlagsOverrideTheTrace() throws {
        // window-zero.trace says double-window=0; --double-window 400ms restores DOUBLE.
        let own = try run(ReplayJob(path: TraceFiles.path("window-zero.trace")))
        #expect(own.count == 2 && own.allSatisfy { $0.hasPrefix("SINGLE") })
        let overridden = try run(ReplayJob(path: TraceFiles.path("window-zero.trace"), doubleWindow: .milliseconds(400)))
        #expect(overridden.count == 1 && overridden[0].hasPrefix("DOUBLE"))
        // A long threshold beyond the hold turns the LONG into a SINGLE.
        let long = try run(ReplayJob(path: TraceFiles.path("long-held-gpiomon2.txt"), long: .seconds(3)))
        #expect(long.count == 1 && long[0].hasPrefix("SINGLE"))
    }

    @Test func gestureFlagsOverrideTheTraceAndSkipItsCheck() throws {
        // Three clicks: DOUBLE then SINGLE with the trace's own timing, one TRIPLE with --max-presses 3.
        var notes: [String] = []
        var lines: [String] = []
        let outcome = try ReplayJob(path: TraceFiles.path("triple-click-gpiomon2.txt"), overrides: TimingOverrides(maxPresses: 3), json: true)
            .run(write: { lines.append($0) }, note: { notes.append($0) })
        #expect(lines.count == 1 && lines[0].contains(#""gesture":"TRIPLE","count":3}"#) && !lines[0].contains("clickType"))
        #expect(!outcome.checked && outcome.mismatches.isEmpty)
        #expect(notes.contains { $0.contains("expectations not checked: --max-presses changes") })
        // --long-release and --repeat add gestures to a LONG.
        let held = try run(ReplayJob(path: TraceFiles.path("long-held-gpiomon2.txt"),
                                     overrides: TimingOverrides(longRelease: true, repeat: .milliseconds(300))))
        #expect(held.map { String($0.prefix { $0 != " " }) } == ["LONG", "LONG_REPEAT", "LONG_REPEAT", "LONG_RELEASE"])
    }

    @Test("a LONG still held when the trace ends repeats up to its last edge, not for ever")
    func heldAtTheEndStopsRepeating() throws {
        // Pressed at 1 s, the other button's last edge at 3.05 s: LONG at 2.5, repeats at 2.8 only.
        let text = "clickbridge-trace 1\nbutton a\nbutton b\ntiming repeat=300ms\n1.0 a 1\n3.0 b 1\n3.05 b 0\n"
        let presses = TraceReplay.presses(of: try TraceReader.read(text: text)).filter { $0.button == "a" }
        #expect(presses.map(\.gesture) == [.long, .longRepeat(count: 1)])
        #expect(presses.map(\.decidedAt) == [.milliseconds(2500), .milliseconds(2800)])
    }

    @Test("a repeat that would make more than a million LONG_REPEATs is refused at its line, or with the flag")
    func tooManyRepeatsAreRefused() throws {
        let text = "clickbridge-trace 1\nbutton b\ntiming repeat=10ms\n1.0 b 1\n10002.0 b 0\n"
        #expect {
            try TraceReader.read(text: text)
        } throws: { error in
            guard let e = error as? TraceError else { return false }
            return e.line == 3 && e.message.contains("could make more than 1000000 LONG_REPEATs")
        }
        #expect(throws: Never.self) { try TraceReader.read(text: text.replacingOccurrences(of: "10ms", with: "20ms")) }
        let path = NSTemporaryDirectory() + "clickbridge-repeats-\(UUID().uuidString).trace"
        try text.replacingOccurrences(of: "timing repeat=10ms\n", with: "").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try run(ReplayJob(path: path)).count == 1)
        #expect {
            try ReplayJob(path: path, overrides: TimingOverrides(repeat: .milliseconds(10))).run { _ in }
        } throws: { error in
            guard case .options(let why)? = error as? TraceFileError else { return false }
            return why.hasPrefix("--repeat: repeat=10ms over edges spanning")
        }
    }

    @Test func gestureArgumentErrors() throws {
        #expect(try TimingOverrides.maxPresses("5") == 5)
        for bad in ["0", "6", "two", "-1", ""] {
            #expect(throws: ReplayArgumentError("--max-presses must be a whole number from 1 to 5, not '\(bad)'")) { try TimingOverrides.maxPresses(bad) }
        }
        #expect(try TimingOverrides.repeatEvery("0") == .zero)
        #expect(try TimingOverrides.repeatEvery("10ms") == .milliseconds(10))
        #expect(throws: ReplayArgumentError("--repeat must be 0 (off) or at least 10ms, not 9ms")) { try TimingOverrides.repeatEvery("9ms") }
        #expect(throws: ReplayArgumentError.self) { try TimingOverrides.repeatEvery("25h") }
        #expect(throws: ReplayArgumentError.self) { try TimingOverrides.repeatEvery("often") }
    }

    @Test func argumentErrors() throws {
        #expect(throws: ReplayArgumentError.self) { try ReplayJob.format("xml") }
        #expect(try ReplayJob.format("auto") == nil)
        #expect(try ReplayJob.format("evemu") == .evemu)
        #expect(throws: ReplayArgumentError.self) { try ReplayJob.duration("20", flag: "--debounce") }
        #expect(throws: ReplayArgumentError.self) { try ReplayJob.duration("25h", flag: "--long") }
        #expect(try ReplayJob.duration("1.5s", flag: "--long") == .milliseconds(1500))
    }

    @Test func fileErrorsAreOneLineWithFileAndLine() {
        #expect {
            try ReplayJob(path: TraceFiles.path("double-bouncy.txt"), read: .init(format: .native)).run { _ in }
        } throws: { error in
            guard let e = error as? TraceFileError else { return false }
            let text = e.described(file: "double-bouncy.txt")
            return text.hasPrefix("double-bouncy.txt:6: expected the header line") && !text.contains("\n")
        }
        #expect {
            try ReplayJob(path: "/no/such/trace").run { _ in }
        } throws: { error in
            (error as? TraceFileError)?.described(file: "/no/such/trace") == "/no/such/trace: No such file or directory; check the path"
        }
    }
}
