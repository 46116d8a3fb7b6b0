/// A line found on a chip.
struct ResolvedGPIOLine: Sendable, Hashable {
    var chipPath: String
    var chipName: String
    var offset: Int
    var lineName: String
}

/// Turns a `GPIOLineConfig` into a chip path and an offset, with errors that list what exists.
enum GPIOLineResolver {
    static func resolve(_ config: GPIOLineConfig, devDir: String = "/dev") throws(LineError) -> ResolvedGPIOLine {
        guard let chipSpec = config.chip else { return try findEverywhere(config.line, devDir: devDir) }
        let chip = try GPIOChipResolver.open(chipSpec, devDir: devDir)
        if let offset = Int(config.line) {
            guard offset >= 0, offset < chip.lineCount else {
                throw LineError("line \(offset) is out of range: \(chip.name) has \(chip.lineCount) lines (0-\(max(chip.lineCount - 1, 0)))")
            }
            let name = chip.lineInfo(offset)?.name ?? ""
            return ResolvedGPIOLine(chipPath: chip.path, chipName: chip.name, offset: offset, lineName: name)
        }
        guard let offset = chip.findLine(named: config.line) else {
            let named = (0..<chip.lineCount).compactMap { chip.lineInfo($0)?.name }.filter { !$0.isEmpty }
            let hint = named.isEmpty ? "its lines have no names; give an offset (0-\(max(chip.lineCount - 1, 0)))"
                : "its named lines: " + sample(named)
            throw LineError("no line named '\(config.line)' on \(chip.name); \(hint)")
        }
        return ResolvedGPIOLine(chipPath: chip.path, chipName: chip.name, offset: offset, lineName: config.line)
    }

    /// A line name looked up on every chip, as `gpiofind` does.
    private static func findEverywhere(_ lineName: String, devDir: String) throws(LineError) -> ResolvedGPIOLine {
        let paths = GPIOChipResolver.devicePaths(in: devDir)
        var denied: LineError?
        for path in paths {
            let chip: GPIOChip
            do { chip = try GPIOChip(path: path) } catch { denied = denied ?? error; continue }
            if let offset = chip.findLine(named: lineName) {
                return ResolvedGPIOLine(chipPath: path, chipName: chip.name, offset: offset, lineName: lineName)
            }
        }
        if let denied { throw denied }
        throw LineError("no GPIO line named '\(lineName)' on any chip; \(GPIOErrors.chipSummary())", isMissing: true)
    }

    private static func sample(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", ... (\(names.count) in all; `clickbridge doctor` lists them)"
    }
}
