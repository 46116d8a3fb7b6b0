import CEvdev
import Glibc
import Presses

/// An open input device: the descriptor and libevdev's handle, both owned and freed in `deinit`.
final class EvdevDevice {
    let path: String
    let fd: Int32
    let handle: OpaquePointer
    private(set) var grabbed = false

    /// Opens `path` read-only and non-blocking. Errors name what is wrong: missing (with the
    /// devices that exist), permission (the `input` group and the udev rule), not an input device.
    init(path: String) throws(LineError) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Self.openError(path, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) != S_IFCHR {
            Glibc.close(fd)
            throw LineError("\(path) is not an input device (not a character device); give /dev/input/eventN or a /dev/input/by-id or by-path link")
        }
        var dev: OpaquePointer?
        let rc = libevdev_new_from_fd(fd, &dev)
        guard rc == 0, let dev else {
            Glibc.close(fd)
            throw LineError("\(path) is not an evdev input device (\(SystemError.text(-rc))); give /dev/input/eventN or a /dev/input/by-id or by-path link")
        }
        self.path = path
        self.fd = fd
        handle = dev
    }

    deinit {
        if grabbed { _ = libevdev_grab(handle, LIBEVDEV_UNGRAB) }
        libevdev_free(handle)
        Glibc.close(fd)
    }

    var name: String { libevdev_get_name(handle).map { String(cString: $0) } ?? "" }

    func hasKey(_ code: UInt16) -> Bool { libevdev_has_event_code(handle, UInt32(EV_KEY), UInt32(code)) == 1 }

    /// Every key code the device can report.
    var keys: [UInt16] {
        guard libevdev_has_event_type(handle, UInt32(EV_KEY)) == 1 else { return [] }
        return (0...UInt16(cb_evdev_key_max())).filter(hasKey)
    }

    func isHeld(_ code: UInt16) -> Bool { libevdev_get_event_value(handle, UInt32(EV_KEY), UInt32(code)) == 1 }

    /// Kernel timestamps on CLOCK_MONOTONIC, the clock of the loop's timers (the default is realtime).
    func useMonotonicClock() throws(LineError) {
        let rc = libevdev_set_clock_id(handle, CLOCK_MONOTONIC)
        if rc != 0 { throw LineError("\(path): cannot switch its timestamps to the monotonic clock (EVIOCSCLOCKID: \(SystemError.text(-rc)))") }
    }

    /// Exclusive access: other readers (the console, X) stop seeing the device's events.
    func grab() throws(LineError) {
        let rc = libevdev_grab(handle, LIBEVDEV_GRAB)
        if rc != 0 { throw LineError("\(path): cannot grab the device (\(SystemError.text(-rc))); another program may hold it grabbed") }
        grabbed = true
    }

    enum Read {
        case event(InputEvent)
        /// A SYN_DROPPED: libevdev has the real state after `drainSync`.
        case dropped(InputEvent)
        case empty
        case gone(Int32)
    }

    func next() -> Read {
        var ev = input_event()
        let rc = libevdev_next_event(handle, LIBEVDEV_READ_FLAG_NORMAL.rawValue, &ev)
        switch rc {
        case Int32(LIBEVDEV_READ_STATUS_SUCCESS.rawValue): return .event(Self.convert(&ev))
        case Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue): return .dropped(Self.convert(&ev))
        case -EAGAIN: return .empty
        default: return .gone(-rc)
        }
    }

    /// Consumes libevdev's sync-mode events after a SYN_DROPPED; its key state is then current.
    func drainSync() {
        var ev = input_event()
        var guardCount = 0
        while libevdev_next_event(handle, LIBEVDEV_READ_FLAG_SYNC.rawValue, &ev) == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) {
            guardCount += 1
            if guardCount > 100_000 { break }
        }
    }

    private static func convert(_ ev: inout input_event) -> InputEvent {
        InputEvent(time: Timestamp(nanoseconds: cb_input_event_ns(&ev)), type: ev.type, code: ev.code, value: ev.value)
    }

    static func openError(_ path: String, errno code: Int32) -> LineError {
        switch code {
        case ENOENT, ENODEV, ENXIO:
            return LineError("input device \(path) does not exist; \(InputDevices.summary())", isMissing: true)
        case EACCES, EPERM:
            return LineError("permission denied on \(path): \(GPIOErrors.groupAdvice(path, group: "input"))")
        default:
            return LineError("cannot open input device \(path): \(SystemError.text(code))")
        }
    }
}

/// The input devices of this machine, for errors and `doctor`.
enum InputDevices {
    static func eventPaths(in dir: String = "/dev/input") -> [String] {
        DevicePaths.numbered("event", in: dir)
    }

    static func summary() -> String {
        let paths = eventPaths()
        if paths.isEmpty { return "this machine has no input devices (no /dev/input/event*); run `clickbridge doctor`" }
        let described = paths.prefix(12).map { path -> String in
            guard let dev = try? EvdevDevice(path: path) else { return path + " (not readable)" }
            return "\(path) (\(dev.name))"
        }
        return "input devices: " + described.joined(separator: ", ") + (paths.count > 12 ? ", ..." : "")
    }
}
