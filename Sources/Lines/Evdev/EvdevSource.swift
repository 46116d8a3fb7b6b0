import Glibc
import Presses

/// Keys of an evdev input device through libevdev: kernel timestamps on CLOCK_MONOTONIC, an
/// optional grab, autorepeat ignored, SYN_DROPPED resynced. When the device goes away (ENODEV) the
/// source waits on an inotify descriptor and reopens it when it returns; the loop keeps running.
/// A device that may be missing at start is waited for by `EvdevSource.awaiting`.
public final class EvdevSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: built on one thread, then used only by the loop's thread.

    public let config: EvdevConfig
    public let buttons: [String]
    public let heldAtStart: [Bool]
    /// The watched key codes, indexed like `buttons`.
    public let keys: [UInt16]
    /// Whether the device is open right now.
    public var isPresent: Bool { device != nil }
    private var device: EvdevDevice?
    private var watch: DirectoryWatch?
    private var decoder: EvdevDecoder
    private var closed = false

    public init(_ config: EvdevConfig) throws(LineError) {
        self.config = config
        var keys = config.keys
        let dev = try EvdevDevice(path: config.device)
        if keys.isEmpty { keys = [try Self.defaultKey(dev)] }
        try Self.prepare(dev, keys: keys, grab: config.grab)
        device = dev
        heldAtStart = keys.map(dev.isHeld)
        self.keys = keys
        decoder = EvdevDecoder(keys: keys, levels: heldAtStart)
        buttons = Self.buttonNames(config, keys: keys)
    }

    /// The device, opened now if it can be, else as soon as it (or its by-id link) appears: the
    /// daemon, which starts without hardware that comes later. Its keys must be named, since a
    /// missing device cannot be asked for its only key; a device that is there but unusable fails.
    public static func awaiting(_ config: EvdevConfig) throws(LineError) -> AwaitingSource {
        guard !config.keys.isEmpty else {
            throw LineError("input device \(config.device) may not exist yet, so its key cannot be guessed: name one (KEY_ENTER or 28)")
        }
        return try AwaitingSource(buttons: buttonNames(config, keys: config.keys), what: "input device \(config.device)",
                                  awaiting: config.device, waitsOnlyWhileMissing: true, open: { () throws(LineError) -> any LineSource in try EvdevSource(config) })
    }

    private static func buttonNames(_ config: EvdevConfig, keys: [UInt16]) -> [String] {
        if let names = config.names, names.count == keys.count { return names }
        return keys.map { "\(config.device):\(EvdevKey.name($0))" }
    }

    public var descriptors: [Int32] {
        if let device { return [device.fd] }
        if let watch { return [watch.fd] }
        return []
    }

    public var isFinished: Bool { closed }

    public func drain(into output: inout SourceOutput) {
        if device == nil, let watch {
            guard watch.consume() else { return }
            tryReopen(into: &output)
            return
        }
        guard let device else { return }
        while true {
            switch device.next() {
            case .event(let ev):
                decoder.decode(ev, into: &output.edges)
            case .dropped(let ev):
                // The kernel's queue overflowed: libevdev fetches the real state; edges for the
                // keys that changed meanwhile are stamped with the drop's time.
                decoder.decode(ev, into: &output.edges)
                device.drainSync()
                decoder.resync(levels: keys.map(device.isHeld), at: ev.time, into: &output.edges)
            case .empty:
                return
            case .gone(let code):
                vanish(code, into: &output)
                return
            }
        }
    }

    public func close() {
        closed = true
        device = nil
        watch = nil
    }

    private func vanish(_ code: Int32, into output: inout SourceOutput) {
        device = nil
        decoder.releaseAll(at: MonotonicClock.now(), into: &output.edges)
        output.notices.append(.vanished("input device \(config.device) went away (\(SystemError.text(code))); waiting for it to return"))
        do {
            watch = try DirectoryWatch(for: config.device)
        } catch {
            output.notices.append(.failed("input device \(config.device): cannot watch for its return: \(error)"))
            closed = true
            return
        }
        tryReopen(into: &output)  // it may be back already
    }

    private func tryReopen(into output: inout SourceOutput) {
        let dev: EvdevDevice
        do {
            dev = try EvdevDevice(path: config.device)
            try Self.prepare(dev, keys: keys, grab: config.grab)
        } catch {
            return  // not (usable) yet: keep waiting for the next change in its directory
        }
        device = dev
        watch = nil
        decoder.resync(levels: keys.map(dev.isHeld), at: MonotonicClock.now(), into: &output.edges)
        output.notices.append(.appeared("input device \(config.device) is back (\(dev.name))"))
    }

    private static func prepare(_ dev: EvdevDevice, keys: [UInt16], grab: Bool) throws(LineError) {
        for key in keys where !dev.hasKey(key) {
            throw LineError("input device \(dev.path) (\(dev.name)) has no key \(EvdevKey.name(key)); \(keyList(dev))")
        }
        try dev.useMonotonicClock()
        if grab { try dev.grab() }
    }

    private static func defaultKey(_ dev: EvdevDevice) throws(LineError) -> UInt16 {
        let all = dev.keys
        if all.count == 1 { return all[0] }
        if let enter = EvdevKey.code(parsing: "KEY_ENTER"), all.contains(enter) { return enter }
        throw LineError("input device \(dev.path) (\(dev.name)) has several keys; choose one with --key. \(keyList(dev))")
    }

    private static func keyList(_ dev: EvdevDevice) -> String {
        let all = dev.keys
        if all.isEmpty { return "it reports no keys at all" }
        let names = all.prefix(16).map(EvdevKey.name)
        return "its keys: " + names.joined(separator: ", ") + (all.count > 16 ? ", ... (\(all.count) in all)" : "")
    }
}
