import Presses

/// One button on one GPIO line, through libgpiod: both edges, the configured bias and polarity,
/// kernel timestamps on CLOCK_MONOTONIC. The loop blocks on the request's file descriptor.
public final class GPIOSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: the request is used by one thread at a time (built on one, then handed
    // to the loop's thread, which alone drains and closes it).

    public let config: GPIOLineConfig
    public let buttons: [String]
    public let heldAtStart: [Bool]
    /// Where the line was found.
    public let chipPath: String
    public let offset: Int
    private var request: GPIOLineRequest?
    private var edges: [Edge] = []

    /// Requests the line at once; errors are one line each (chip not found with the chips that
    /// exist, line busy with its consumer, permission with the group and the udev rule).
    public init(_ config: GPIOLineConfig) throws(LineError) {
        self.config = config
        let line = try GPIOLineResolver.resolve(config)
        chipPath = line.chipPath
        offset = line.offset
        let request = try GPIOLineRequest(line, bias: config.bias, activeLow: config.activeLow, consumer: config.consumer)
        self.request = request
        buttons = [config.name ?? "\(line.chipName):\(line.lineName.isEmpty ? String(line.offset) : line.lineName)"]
        heldAtStart = [request.value() ?? false]
    }

    public var descriptors: [Int32] { request.map { [$0.fd] } ?? [] }
    public var isFinished: Bool { request == nil }

    public func drain(into output: inout SourceOutput) {
        guard let request else { return }
        edges.removeAll(keepingCapacity: true)
        let failure = request.read(into: &edges)
        output.edges += edges.map { SourceEdge(button: 0, edge: $0) }
        if let failure {
            request.release()
            self.request = nil
            output.notices.append(.failed("GPIO line \(buttons[0]) stopped: \(SystemError.text(failure))"))
        }
    }

    public func close() {
        request?.release()
        request = nil
    }
}
