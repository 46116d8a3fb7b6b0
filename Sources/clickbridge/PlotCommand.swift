import ArgumentParser
import Glibc
import Lines
import TracePlot

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a trace as SVG: edges, debouncing, windows, thresholds and gestures.",
        discussion: """
        One lane per button on the trace's own clock: the raw edges, the debounced level with each \
        confirmation delay shaded, the long threshold after each press and the multi-press window \
        after each release, and each gesture `replay` reports at its decision, with a line back to \
        its press. Each burst of bounce is also magnified in an inset. A lane with more than 60 \
        bursts or gestures in view is summarised in bins; --from and --to (seconds on the trace's \
        clock, as the axis shows them) choose the part to draw in detail. Takes replay's flags.
        """)

    @Argument(help: "The trace file.")
    var file: String

    @Option(name: .shortAndLong, help: "The SVG file to write; - for standard output.")
    var output: String

    @Option(help: "Start of the window, in seconds on the trace's clock (e.g. 8417.6).")
    var from: String?

    @Option(help: "End of the window, in seconds on the trace's clock.")
    var to: String?

    @OptionGroup var options: ReplayOptions

    func run() throws {
        let job: PlotJob
        do {
            job = PlotJob(replay: try options.job(file: file), window: try PlotWindow(from: from, to: to))
        } catch let error as ReplayArgumentError {
            Terminal.fail("plot", error.description)
        } catch let error as PlotError {
            Terminal.fail("plot", error.description)
        }
        let svg: String
        do { svg = try job.svg() } catch { Terminal.fail("plot", error.described(file: file)) }
        if output == "-" {
            Terminal.write(1, Array(svg.utf8))
            return
        }
        let fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { Terminal.fail("plot", "\(output): \(String(cString: strerror(errno)))") }
        let bytes = Array(svg.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                Terminal.fail("plot", "\(output): \(reason)")
            }
            done += n
        }
        if close(fd) != 0 { Terminal.fail("plot", "\(output): \(String(cString: strerror(errno)))") }
    }
}
