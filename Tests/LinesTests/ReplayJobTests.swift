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
        #expect(lines == [#"{"clickType":"DOUBLE","button":"17","pressedAt":8417.662315904,"decidedAt":8418.064556256}"#])
        // --active-low agrees with the file's own polarity line.
        let forced = try run(ReplayJob(path: TraceFiles.path("double-bouncy.txt"), read: .init(activeLow: true), json: true))
        #expect(forced == lines)
    }

    @Test func evemuKeepsMicrosecondsAndKeyFilter() throws {
        let lines = try run(ReplayJob(path: TraceFiles.path("keys-interleaved.evemu"), read: .init(keys: [0x94]), json: true))
        #expect(lines == [#"{"clickType":"DOUBLE","button":"KEY_PROG1","pressedAt":0.000001,"decidedAt":0.409003}"#])
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
