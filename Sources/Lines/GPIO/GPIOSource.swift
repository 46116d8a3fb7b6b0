import Presses

/// One button on one GPIO line, through libgpiod: both edges, the configured bias and polarity,
/// kernel timestamps on CLOCK_MONOTONIC. The loop blocks on the request's file descriptor.
///
/// A chip that goes away (a USB GPIO expander unplugged, a driver unbound) is waited for through
/// inotify on its directory, and the line is requested again when it returns. A chip that may be
/// missing at start is waited for by `GPIOSource.awaiting`.
public final class GPIOSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: the request is used by one thread at a time (built on one, then handed
    // to the loop's thread, which alone drains and closes it).

    public let config: GPIOLineConfig
    public let buttons: [String]
    public let heldAtStart: [Bool]
    /// Where the line was found.
    public private(set) var chipPath: String
    public private(set) var offset: Int
    /// Whether the line is requested right now.
    public var isPresent: Bool { request != nil }
    private var request: GPIOLineRequest?
    private var watch: DirectoryWatch?
    private var level = false
    private var closed = false
    private var edges: [Edge] = []

    /// Requests the line at once; errors are one line each (chip not found with the chips that
    /// exist, line busy with its consumer, permission with the group and the udev rule).
    public init(_ config: GPIOLineConfig) throws(LineError) {
        self.config = config
        let line = try GPIOLineResolver.resolve(config)
        let request = try GPIOLineRequest(line, bias: config.bias, activeLow: config.activeLow, consumer: config.consumer)
        self.request = request
        chipPath = line.chipPath
        offset = line.offset
        // Without a chip the line's name is the whole source (robust when chip numbers move).
        buttons = [config.name ?? (config.chip == nil ? config.line : "\(line.chipName):\(line.lineName.isEmpty ? String(line.offset) : line.lineName)")]
        level = request.value() ?? false
        heldAtStart = [level]
    }

    /// The line, requested now if it can be, else as soon as its chip appears (the daemon, which
    /// starts without hardware that comes later). Throws only for a chip path that can never exist.
    public static func awaiting(_ config: GPIOLineConfig) throws(LineError) -> AwaitingSource {
        let name = config.name ?? (config.chip.map { "\(DevicePaths.lastComponent($0)):\(config.line)" } ?? config.line)
        let what = "GPIO line \(name)" + (config.chip.map { " on chip \($0)" } ?? "")
        return try AwaitingSource(buttons: [name], what: what, awaiting: GPIOChipResolver.awaitedPath(of: config.chip),
                                  open: { () throws(LineError) -> any LineSource in try GPIOSource(config) })
    }

    public var descriptors: [Int32] {
        if let request { return [request.fd] }
        if let watch { return [watch.fd] }
        return []
    }

    public var isFinished: Bool { closed }

    public func drain(into output: inout SourceOutput) {
        if request == nil, let watch {
            if watch.consume() { tryRequest(into: &output) }
            return
        }
        guard let request else { return }
        edges.removeAll(keepingCapacity: true)
        let failure = request.read(into: &edges)
        for e in edges {
            output.edges.append(SourceEdge(button: 0, edge: e))
            level = e.pressed
        }
        if let failure { vanish(failure, into: &output) }
    }

    public func close() {
        closed = true
        request?.release()
        request = nil
        watch = nil
    }

    private func vanish(_ code: Int32, into output: inout SourceOutput) {
        request?.release()
        request = nil
        if level {
            level = false
            output.edges.append(SourceEdge(button: 0, edge: Edge(time: MonotonicClock.now(), pressed: false)))
        }
        output.notices.append(.vanished("GPIO line \(buttons[0]) went away (\(SystemError.text(code))); waiting for its chip to return"))
        do {
            watch = try DirectoryWatch(for: chipPath)
        } catch {
            output.notices.append(.failed("GPIO line \(buttons[0]): cannot watch for its chip: \(error)"))
            closed = true
            return
        }
        tryRequest(into: &output)  // it may be back already
    }

    private func tryRequest(into output: inout SourceOutput) {
        let line: ResolvedGPIOLine
        let request: GPIOLineRequest
        do {
            line = try GPIOLineResolver.resolve(config)
            request = try GPIOLineRequest(line, bias: config.bias, activeLow: config.activeLow, consumer: config.consumer)
        } catch {
            return  // not there (or not usable) yet: wait for the next change
        }
        self.request = request
        watch = nil
        chipPath = line.chipPath
        offset = line.offset
        if request.value() == true {
            level = true
            output.edges.append(SourceEdge(button: 0, edge: Edge(time: MonotonicClock.now(), pressed: true)))
        }
        output.notices.append(.appeared("GPIO line \(buttons[0]) is available (offset \(line.offset) of \(line.chipPath))"))
    }
}
