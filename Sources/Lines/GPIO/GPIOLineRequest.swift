import CGPIOD
import Glibc
import Presses

/// One requested input line with both edges, owning libgpiod's request and freeing it in `deinit`.
final class GPIOLineRequest {
    private var handle: UnsafeMutablePointer<cb_line_request>?
    let fd: Int32
    private var events = [cb_edge_event](repeating: cb_edge_event(), count: Int(CB_EVENT_BATCH))

    init(_ line: ResolvedGPIOLine, bias: GPIOBias, activeLow: Bool, consumer: String) throws(LineError) {
        guard let h = cb_line_request_open(line.chipPath, UInt32(line.offset), bias.shimValue, activeLow, consumer) else {
            throw Self.requestError(line, errno: errno)
        }
        handle = h
        fd = cb_line_request_fd(h)
    }

    deinit { release() }

    func release() {
        if let handle { cb_line_request_release(handle) }
        handle = nil
    }

    /// The logical level: true when active (pressed), nil when unreadable.
    func value() -> Bool? {
        guard let handle else { return nil }
        let v = cb_line_request_get_value(handle)
        return v < 0 ? nil : v == 1
    }

    /// Reads every queued edge without blocking. Returns errno on a read error.
    func read(into edges: inout [Edge]) -> Int32? {
        guard let handle else { return EBADF }
        while true {
            let n = events.withUnsafeMutableBufferPointer { cb_line_request_read(handle, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { return errno }
            for i in 0..<Int(n) {
                edges.append(Edge(time: Timestamp(nanoseconds: Int64(bitPattern: events[i].timestamp_ns)), pressed: events[i].rising))
            }
            if n < events.count { return nil }
        }
    }

    private static func requestError(_ line: ResolvedGPIOLine, errno code: Int32) -> LineError {
        let what = "\(line.chipName):\(line.lineName.isEmpty ? String(line.offset) : line.lineName)"
        switch code {
        case EBUSY:
            let consumer = (try? GPIOChip(path: line.chipPath))?.lineInfo(line.offset)?.consumer ?? ""
            let holder = consumer.isEmpty ? "by the kernel or an unnamed consumer" : "by '\(consumer)'"
            return LineError("GPIO line \(what) (offset \(line.offset)) is busy, held \(holder); stop that user of the line or choose another line")
        case EACCES, EPERM:
            return GPIOErrors.permissionDenied(line.chipPath)
        case EINVAL where cb_gpiod_api() == 1:
            return LineError("the kernel rejected the request of GPIO line \(what) (EINVAL): this ClickBridge uses libgpiod 1.x (GPIO uAPI v1), which kernels without CONFIG_GPIO_CDEV_V1 refuse; build it against libgpiod 2.x (scripts/build-gpiod2). Bias settings also need Linux 5.5 or later")
        case ENOENT, ENODEV:
            return LineError("GPIO chip \(line.chipPath) went away while requesting line \(what)")
        default:
            return LineError("cannot request GPIO line \(what): \(SystemError.text(code))")
        }
    }
}
