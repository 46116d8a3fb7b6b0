import ArgumentParser
import Lines

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Classify a recorded trace, instantly, on its own clock.",
        discussion: """
        Reads a native trace, gpiomon output (libgpiod 1.6 or 2.x) or evemu-record output, and prints \
        each press as it would have been decided. A trace with `expect` lines checks itself: when the \
        presses differ, each difference is printed on stderr and the exit status is 1 (--no-check \
        skips that; so does any flag that changes the trace's polarity or timing). Formats: \
        hardware/traces/README.md.
        """)

    @Argument(help: "The trace file.")
    var file: String

    @Option(help: "auto, native, gpiomon or evemu.")
    var format: String = "auto"

    @OptionGroup var polarity: PolarityOptions

    @Option(name: .customLong("key"), help: "evemu: only this key (KEY_ENTER or 28); repeatable.")
    var keys: [String] = []

    @Flag(help: "One JSON object per press per line.")
    var json = false

    @Flag(name: .customLong("no-check"), help: "Do not compare the presses with the trace's expect lines.")
    var noCheck = false

    @OptionGroup var timing: TimingOptions

    func run() throws {
        let job: ReplayJob
        do {
            var keyCodes: [UInt16] = []
            for k in keys {
                guard let code = EvdevKey.code(parsing: k) else {
                    throw ReplayArgumentError("--key: '\(k)' is not a key; give a name like KEY_ENTER or a code like 28")
                }
                keyCodes.append(code)
            }
            let activeLow: Bool?
            do { activeLow = try polarity.activeLow() } catch { throw ReplayArgumentError(error.message) }
            job = ReplayJob(
                path: file,
                read: TraceReadOptions(format: try ReplayJob.format(format), activeLow: activeLow, keys: keyCodes),
                overrides: try timing.overrides(),
                json: json)
        } catch let error as ReplayArgumentError {
            Terminal.fail("replay", error.description)
        }
        var out = Terminal.Buffered(fd: 1)
        let outcome: ReplayOutcome
        do {
            outcome = try job.run(check: !noCheck, write: { out.line($0) }, note: { out.flush(); Terminal.err($0) })
        } catch {
            out.flush()
            Terminal.err(error.described(file: file))
            throw ExitCode.failure
        }
        out.flush()
        if !outcome.mismatches.isEmpty {
            Terminal.fail("replay", "\(file): the presses differ from \(outcome.mismatches.count == 1 ? "an expect line" : "\(outcome.mismatches.count) expect lines") (above); --no-check skips the comparison")
        }
    }
}
