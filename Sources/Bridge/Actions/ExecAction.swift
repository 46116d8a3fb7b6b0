import Presses

/// `exec: [argv…]`: a command run with no shell, the press in its environment and the event
/// JSON on its standard input.
public struct ExecAction: Sendable, Equatable {
    /// `argv[0]` is a path, or a name looked up in `ExecAction.searchPath`.
    public var argv: [String]
    /// After this the command's process group gets SIGTERM, and SIGKILL `killGrace` later.
    public var timeout: Span

    public init(argv: [String], timeout: Span = ExecAction.defaultTimeout) {
        self.argv = argv
        self.timeout = timeout
    }

    public static let defaultTimeout = Span.seconds(10)
    /// Between SIGTERM and SIGKILL at a timeout: time for a command to clean up.
    public static let killGrace = Span.seconds(2)
    /// The whole PATH a command sees, and where a bare `argv[0]` is looked up: the daemon's own
    /// environment does not leak into actions.
    public static let searchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}
