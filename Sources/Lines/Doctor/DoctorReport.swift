/// What `clickbridge doctor` found: chips and their lines, input devices and their keys, and what
/// to fix. `render()` is the text the command prints.
public struct DoctorReport: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var offset: Int
        public var name: String
        public var consumer: String
        public var used: Bool
        public var output: Bool
    }

    public struct Chip: Sendable, Hashable {
        public var path: String
        public var name: String
        public var label: String
        public var lines: [Line]
        /// Why it could not be read, if it could not.
        public var error: String?
    }

    public struct InputDevice: Sendable, Hashable {
        public var path: String
        public var name: String
        /// Stable links to it in `by-id` and `by-path`.
        public var links: [String]
        public var keys: [String]
        public var error: String?
    }

    public var libraries: String
    public var chips: [Chip] = []
    public var inputs: [InputDevice] = []
    /// Things to fix, one line each.
    public var problems: [String] = []

    /// True when the machine has neither GPIO chips nor input devices.
    public var isEmpty: Bool { chips.isEmpty && inputs.isEmpty }

    public func render() -> String {
        var out: [String] = [libraries, ""]
        if chips.isEmpty {
            out.append("GPIO chips: none (no /dev/gpiochip*)")
        } else {
            out.append("GPIO chips:")
            for chip in chips {
                if let error = chip.error {
                    out.append("  \(chip.path): \(error)")
                    continue
                }
                out.append("  \(chip.name) [\(chip.label)] \(chip.path), \(chip.lines.count) lines")
                for line in chip.lines {
                    let name = line.name.isEmpty ? "(unnamed)" : line.name
                    let direction = line.output ? "output" : "input"
                    let use = line.used ? "used by \(line.consumer.isEmpty ? "the kernel" : "\"\(line.consumer)\"")" : "free"
                    out.append("    " + pad(String(line.offset), 4) + pad(name, 20) + pad(direction, 8) + use)
                }
            }
        }
        out.append("")
        if inputs.isEmpty {
            out.append("Input devices: none (no /dev/input/event*)")
        } else {
            out.append("Input devices:")
            for dev in inputs {
                if let error = dev.error {
                    out.append("  \(dev.path): \(error)")
                    continue
                }
                out.append("  \(dev.path) \"\(dev.name)\"")
                for link in dev.links { out.append("    link: \(link)") }
                let keys = dev.keys.isEmpty ? "none" : (dev.keys.count > 24 ? dev.keys.prefix(24).joined(separator: " ") + " ... (\(dev.keys.count) keys)" : dev.keys.joined(separator: " "))
                out.append("    keys: \(keys)")
            }
        }
        out.append("")
        if isEmpty {
            out.append("This machine has no GPIO chips and no input devices, so there is no button to read here.")
            out.append("Without hardware, `clickbridge replay FILE` and `clickbridge listen --trace FILE` classify recorded traces, and `clickbridge demo` runs a simulated button.")
        }
        if problems.isEmpty {
            if !isEmpty { out.append("No problems found.") }
        } else {
            out.append("To fix:")
            for p in problems { out.append("  - " + p) }
        }
        return out.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
