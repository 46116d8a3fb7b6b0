import Lines
import Presses

/// `clickbridge plot` as a library call: read the trace as `replay` would (same reader, same
/// options, same timing overrides) and draw it.
public struct PlotJob: Sendable {
    public var replay: ReplayJob
    public var window: PlotWindow

    public init(replay: ReplayJob, window: PlotWindow = .init()) {
        self.replay = replay
        self.window = window
    }

    /// The SVG document. Errors are one line each: the file's, or the window's.
    public func svg() throws(PlotJobError) -> String {
        let trace: Trace
        do { trace = try replay.readTrace() } catch { throw .trace(error) }
        do {
            return try TracePlot.svg(trace, timing: replay.timing(for: trace), window: window, name: Self.fileName(replay.path))
        } catch {
            throw .window(error)
        }
    }

    /// The last path component: the plot names its trace without the directories it was read from.
    static func fileName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }
}

public enum PlotJobError: Error, Sendable {
    case trace(TraceFileError)
    case window(PlotError)

    /// The one-line form for stderr.
    public func described(file: String) -> String {
        switch self {
        case .trace(let e): e.described(file: file)
        case .window(let e): "\(file): \(e.description)"
        }
    }
}
