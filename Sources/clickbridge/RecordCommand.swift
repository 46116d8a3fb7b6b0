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
            var timing = PressTiming.default
            if let d = try options.span(options.debounce, "--debounce") { timing.debounce = d }
            if let l = try options.span(options.long, "--long") { timing.long = l }
            if let w = try options.span(options.doubleWindow, "--double-window") { timing.doubleWindow = w }
            try RecordJob(input: try options.input(), output: output, timing: timing).run(write: Terminal.out, note: Terminal.err)
        } catch {
            Terminal.fail("record", error.message)
        }
    }
}
