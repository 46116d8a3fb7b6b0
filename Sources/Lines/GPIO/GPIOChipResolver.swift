import Glibc

/// The one rule for finding a GPIO chip from how a person names it: a path (`/dev/gpiochip0`), a
/// name (`gpiochip0`), a number (`0`) or a label (`pinctrl-bcm2835`). Sources, `status` and
/// `check` all go through it, so a chip that works in `run` is never reported missing elsewhere.
public enum GPIOChipResolver {
    /// The chip's device node when the spec names one without opening anything; nil for a label,
    /// which only the chips themselves can answer.
    public static func nodePath(of spec: String, devDir: String = "/dev") -> String? {
        if spec.contains("/") { return spec }
        if let n = Int(spec), n >= 0 { return devDir + "/gpiochip\(n)" }
        if spec.hasPrefix("gpiochip") { return devDir + "/" + spec }
        return nil
    }

    /// Where the chip is right now, or nil when it is not there. A label is compared with the label
    /// of every chip that can be opened (`labelOf`, libgpiod's chip info; a parameter for tests).
    public static func path(of spec: String, devDir: String = "/dev") -> String? {
        path(of: spec, devDir: devDir, labelOf: { (try? GPIOChip(path: $0))?.label })
    }

    static func path(of spec: String, devDir: String, labelOf: (String) -> String?) -> String? {
        if let node = nodePath(of: spec, devDir: devDir) { return access(node, F_OK) == 0 ? node : nil }
        return devicePaths(in: devDir).first { labelOf($0) == spec }
    }

    /// The path whose appearance to wait for: the chip's node when the spec names one, else any
    /// new `gpiochip` node (a label, or a line name looked up on every chip, may be on any chip).
    public static func awaitedPath(of spec: String?, devDir: String = "/dev") -> String {
        spec.flatMap { nodePath(of: $0, devDir: devDir) } ?? devDir + "/gpiochip"
    }

    /// Opens the chip the spec names; errors list the chips that exist.
    static func open(_ spec: String, devDir: String = "/dev") throws(LineError) -> GPIOChip {
        if let node = nodePath(of: spec, devDir: devDir) {
            if spec.contains("/") { return try GPIOChip(path: node) }
            do { return try GPIOChip(path: node) } catch {
                if error.isMissing { throw GPIOErrors.chipNotFound(spec) }
                throw error
            }
        }
        for path in devicePaths(in: devDir) {
            if let chip = try? GPIOChip(path: path), chip.label == spec { return chip }
        }
        throw GPIOErrors.chipNotFound(spec)
    }

    /// Chip device nodes that exist, in chip-number order (`/dev/gpiochip0`, `/dev/gpiochip1`, ...).
    static func devicePaths(in dir: String = "/dev") -> [String] {
        DevicePaths.numbered("gpiochip", in: dir)
    }
}
