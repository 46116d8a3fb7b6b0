import Foundation
import Lines

/// Whether a button's source is there right now, for `status` and the start-up log: the GPIO
/// chip's device node, the input device, the trace file. (Whether the line itself exists, or is
/// free, only the line source can tell when it requests it.)
public enum SourcePresence {
    public static func path(of source: ButtonSource) -> String {
        switch source {
        case .gpio(let g):
            guard let chip = g.chip else { return "/dev" }  // looked up by line name on every chip
            if chip.hasPrefix("/") { return chip }
            if !chip.isEmpty, chip.allSatisfy(\.isNumber) { return "/dev/gpiochip\(chip)" }
            return "/dev/\(chip)"
        case .evdev(let e): return e.device
        case .trace(let file, _): return file
        case .simulated: return ""
        }
    }

    public static func isPresent(_ source: ButtonSource) -> Bool {
        if case .simulated = source { return true }  // made in the process, never absent
        return FileManager.default.fileExists(atPath: path(of: source))
    }

    /// `gpio gpiochip0 line GPIO17`, `evdev /dev/input/event3 KEY_ENTER`, `trace FILE`.
    public static func describe(_ source: ButtonSource) -> String {
        switch source {
        case .gpio(let g): return "gpio \(g.chip ?? "any chip") line \(g.line), \(g.bias.rawValue)\(g.activeLow ? ", active-low" : "")"
        case .evdev(let e): return "evdev \(e.device) \(e.keys.map(EvdevKey.name).joined(separator: ","))\(e.grab ? ", grabbed" : "")"
        case .trace(let file, _): return "trace \(file) (replayed in real time)"
        case .simulated: return "simulated button"
        }
    }
}
