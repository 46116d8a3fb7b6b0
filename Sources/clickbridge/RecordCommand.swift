import ArgumentParser
import Lines
import Presses

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a trace.",
        discussion: """
        Writes every raw edge of a GPIO line or input device keys to a native trace (see \
        hardware/traces/README.md) as it arrives, shows presses live, and at Ctrl-C appends the \
        expected presses so the trace checks itself with `clickbridge replay`.
        """)

    @OptionGroup var options: LiveInputOptions

    @Option(name: .shortAndLong, help: "The trace file to write.")
    var output: String

    func run() throws {
        do throws(LineError) {
            let timing = try options.overrides().applied(to: .default)
            try RecordJob(input: try options.input(), output: output, timing: timing).run(write: Terminal.out, note: Terminal.err)
        } catch {
            Terminal.fail("record", error.message)
        }
    }
}
