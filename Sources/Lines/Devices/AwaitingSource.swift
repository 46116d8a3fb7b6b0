import Presses

/// A source whose device may not exist yet, or may go away for good: the one way to open hardware
/// that is waited for. It opens the real source when it can and, until then, waits on an inotify
/// descriptor (never a timer) for the device's node to appear, so an idle daemon uses no CPU.
/// `GPIOSource.awaiting` and `EvdevSource.awaiting` build it for a chip and an input device.
///
/// By default any failure to open is waited out, not only a missing node: udev may create a node
/// root-only and fix its permissions a moment later, and a busy line may be released. A source that
/// finishes while open (its device went away and it cannot wait for it) is closed and waited for
/// again, with a release edge for each button it left held. A source that opens, or returns, with
/// a button held gets a press edge for it.
public final class AwaitingSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: built on one thread, then used only by the loop's thread.

    public let buttons: [String]
    public let heldAtStart: [Bool]
    /// The node waited for.
    public let path: String
    /// Why the source is not open, or nil while it is.
    public private(set) var waitingReason: String?
    /// Whether the real source is open right now.
    public var isPresent: Bool { inner != nil }
    private let what: String
    private let open: () throws(LineError) -> any LineSource
    private var inner: (any LineSource)?
    private var watch: DirectoryWatch?
    private var closed = false
    /// Each button's level as the edges passed on left it, to release what a vanished source held.
    private var levels: [Bool]

    /// Tries `open` at once, and again whenever something changes where `path` would appear.
    /// `buttons` names the buttons while the source is not open (an open source's own names are
    /// used when it opens at once); `what` names the device in notices. Throws when `path` can
    /// never appear (it is below something that is not a directory), and, with
    /// `waitsOnlyWhileMissing`, when the first attempt fails for another reason than a missing
    /// device (a device without the configured key is a mistake to report, not to wait out).
    public init(buttons: [String], what: String, awaiting path: String, waitsOnlyWhileMissing: Bool = false,
                open: @escaping () throws(LineError) -> any LineSource) throws(LineError) {
        self.what = what
        self.path = path
        self.open = open
        do {
            let source = try Self.open(open, buttons: buttons.count)
            inner = source
            self.buttons = source.buttons
            heldAtStart = source.heldAtStart
            levels = source.heldAtStart
        } catch {
            if waitsOnlyWhileMissing && !error.isMissing { throw error }
            self.buttons = buttons
            heldAtStart = Array(repeating: false, count: buttons.count)
            levels = heldAtStart
            waitingReason = error.message
            watch = try DirectoryWatch(for: path)
        }
    }

    public var descriptors: [Int32] {
        if let inner { return inner.descriptors }
        return watch.map { [$0.fd] } ?? []
    }

    public var isFinished: Bool { closed }

    public func drain(into output: inout SourceOutput) {
        if let inner {
            let first = output.edges.count
            inner.drain(into: &output)
            for e in output.edges[first...] { levels[e.button] = e.edge.pressed }
            guard inner.isFinished, !closed else { return }
            inner.close()
            self.inner = nil
            let now = MonotonicClock.now()
            for (button, held) in levels.enumerated() where held {
                output.edges.append(SourceEdge(button: button, edge: Edge(time: now, pressed: false)))
                levels[button] = false
            }
            waitingReason = "\(what) went away"
            output.notices.append(.vanished("\(what) went away; waiting for it to return"))
            do {
                watch = try DirectoryWatch(for: path)
            } catch {
                output.notices.append(.failed("\(what): \(error.message)"))
                closed = true
                return
            }
            tryOpen(into: &output, quietly: true)  // it may be back already
            return
        }
        guard let watch, watch.consume() else { return }
        tryOpen(into: &output)
    }

    public func close() {
        closed = true
        inner?.close()
        inner = nil
        watch = nil
    }

    /// `quietly`: a failure only records its reason (the notice that it went away was just given).
    private func tryOpen(into output: inout SourceOutput, quietly: Bool = false) {
        do throws(LineError) {
            let source = try Self.open(open, buttons: buttons.count)
            inner = source
            watch = nil
            waitingReason = nil
            let now = MonotonicClock.now()
            for (button, held) in source.heldAtStart.enumerated() where held {
                output.edges.append(SourceEdge(button: button, edge: Edge(time: now, pressed: true)))
                levels[button] = true
            }
            output.notices.append(.appeared("\(what) is here now"))
        } catch {
            // Said once per distinct reason, not at every change in the directory.
            if error.message != waitingReason {
                waitingReason = error.message
                if quietly { return }
                output.notices.append(.vanished("\(what): \(error.message); still waiting"))
            }
        }
    }

    private static func open(_ open: () throws(LineError) -> any LineSource, buttons: Int) throws(LineError) -> any LineSource {
        let source = try open()
        guard source.buttons.count == buttons else {
            source.close()
            throw LineError("opened with \(source.buttons.count) buttons where \(buttons) were configured")
        }
        return source
    }
}
