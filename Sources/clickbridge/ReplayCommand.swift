import ArgumentParser
import Foundation
import Lines

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Classify a recorded trace, instantly, on its own clock.",
        discussion: """
        Reads a native trace, gpiomon output (libgpiod 1.6 or 2.x) or evemu-record output, and prints \
        each press as it would have been decided. Formats: hardware/traces/README.md.
        """)

    @Argument(help: "The trace file.")
    var file: String

    @Option(help: "auto, native, gpiomon or evemu.")
    var format: String = "auto"

    @Flag(name: .customLong("active-low"), help: "gpiomon: a falling edge is a press.")
    var activeLow = false

    @Option(name: .customLong("key"), help: "evemu: only this key (KEY_ENTER or 28); repeatable.")
    var keys: [String] = []

    @Flag(help: "One JSON object per press per line.")
    var json = false

    @Option(help: "Debounce, e.g. 20ms (default: the trace's timing, else 20ms).")
    var debounce: String?

    @Option(help: "LONG threshold, e.g. 1.5s.")
    var long: String?

    @Option(name: .customLong("double-window"), help: "Double-click window, e.g. 400ms; 0 disables DOUBLE.")
    var doubleWindow: String?

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
            job = ReplayJob(
                path: file,
                read: TraceReadOptions(format: try ReplayJob.format(format), activeLow: activeLow, keys: keyCodes),
                debounce: try debounce.map { try ReplayJob.duration($0, flag: "--debounce") },
                long: try long.map { try ReplayJob.duration($0, flag: "--long") },
                doubleWindow: try doubleWindow.map { try ReplayJob.duration($0, flag: "--double-window") },
                json: json)
        } catch let error as ReplayArgumentError {
            fail("clickbridge replay: \(error.description)")
        }
        var out = ""
        do {
            try job.run { line in
                out += line
                out += "\n"
                if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            }
        } catch {
            fail(error.described(file: file))
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private func fail(_ line: String) -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        Foundation.exit(1)
    }
}
