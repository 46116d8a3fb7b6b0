import Presses

/// A producer of raw edges for one or more buttons, driven by the live `EventLoop`.
///
/// The loop waits until one of `descriptors` is readable, then calls `drain`. Sources never block
/// and never run threads of their own, so one loop thread serves any number of buttons at zero CPU
/// while nothing happens.
///
/// A source may vanish and come back (an unplugged USB keyboard, a chip that appears later); it
/// then changes its `descriptors` (for example from the device's fd to an inotify fd watching for
/// it) and says so with a `SourceNotice`. The loop re-reads `descriptors` after every drain.
///
/// Sources are used from one thread at a time (the loop's), which is why they are classes without
/// locks; `@unchecked Sendable` conformers explain why handing them to that thread is safe.
public protocol LineSource: AnyObject {
    /// Button names, indexed by `SourceEdge.button`; they become `Press.button`.
    var buttons: [String] { get }
    /// The file descriptors to wait on for readability, right now. A source that closes one and
    /// opens another reports a `SourceNotice` in the same `drain`, so the loop registers afresh
    /// (the new descriptor may reuse the old number).
    var descriptors: [Int32] { get }
    /// Which buttons were already held when the source opened; a held button makes no press until
    /// it has been released (ARCHITECTURE.md, "Press rules"). Indexed like `buttons`.
    var heldAtStart: [Bool] { get }
    /// Reads everything that is ready without blocking, appending decoded edges in time order per
    /// button and any change of presence. Called when a descriptor is readable, and also when the
    /// loop's deadline timer fires (to collect edges that happened before the deadline).
    func drain(into output: inout SourceOutput)
    /// True once the source will never produce another edge (a replayed trace that has ended).
    var isFinished: Bool { get }
    /// Releases the lines and devices. Idempotent.
    func close()
}

/// What one `drain` produced.
public struct SourceOutput {
    public var edges: [SourceEdge] = []
    public var notices: [SourceNotice] = []
    public init() {}
}

/// A change in a source's presence, for logs and `clickbridge status`.
public enum SourceNotice: Hashable, Sendable, CustomStringConvertible {
    /// The device went away (unplugged, removed); the source waits for it to return.
    case vanished(String)
    /// The device is (back) and being read.
    case appeared(String)
    /// A problem that stopped this source for good; the other sources keep running.
    case failed(String)

    public var description: String {
        switch self {
        case .vanished(let m): return m
        case .appeared(let m): return m
        case .failed(let m): return m
        }
    }
}

/// A one-line, user-facing error of the button layer: what is wrong and what to do.
public struct LineError: Error, CustomStringConvertible, Hashable, Sendable {
    public var message: String
    /// The chip, line or device does not exist (yet): a source asked to wait for it may do so.
    public var isMissing: Bool
    public init(_ message: String, isMissing: Bool = false) {
        self.message = message
        self.isMissing = isMissing
    }
    public var description: String { message }
}
