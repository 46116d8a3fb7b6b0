/// How one run of an exec action ended.
public struct ExecOutcome: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        /// The command exited with this status.
        case exited(Int32)
        /// A signal ended it before its timeout (not one ClickBridge sent).
        case signaled(Int32)
        /// It ran past its timeout and its process group was killed.
        case timedOut
        /// It never started: not found, not executable, or the system refused.
        case notStarted(String)
    }

    public var ending: Ending
    /// The last bytes of its standard output and error together, as text.
    public var outputTail: String
    /// Seconds from start to exit (0 when it did not start).
    public var seconds: Double

    public var succeeded: Bool { ending == .exited(0) }

    /// `exit 0`, `exit 3`, `killed by signal 9`, `timed out after 10s: killed`, `not started: …`.
    public var summary: String {
        switch ending {
        case .exited(let s): return "exit \(s)"
        case .signaled(let s): return "killed by signal \(s)"
        case .timedOut: return "timed out: its process group was killed"
        case .notStarted(let why): return "not started: \(why)"
        }
    }
}
