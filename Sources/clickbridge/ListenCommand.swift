import ArgumentParser
import Lines

struct Listen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Show live edges and presses.",
        discussion: """
        Reads a GPIO line (libgpiod) or keys of an input device (libevdev), or replays a trace in real \
        time, through the same live loop as `clickbridge run`. Ctrl-C stops it; a pending decision is \
        made at once.
        """)

    @OptionGroup var options: LiveInputOptions

    @Flag(help: "One JSON object per press per line (edges are not printed).")
    var json = false

    func run() throws {
        do throws(LineError) {
            let job = ListenJob(input: try options.input(), overrides: try options.overrides(), json: json)
            try job.run(write: Terminal.out, note: Terminal.err)
        } catch {
            Terminal.fail("listen", error.message)
        }
    }
}
