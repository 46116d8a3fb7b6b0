import CEvdev
import Glibc

/// Looks at the machine through libgpiod and libevdev, as the sources will: which chips and input
/// devices exist, what their lines and keys are, and whether this user may open them.
public enum Doctor {
    /// `devDir` is `/dev` except in tests.
    public static func examine(devDir: String = "/dev") -> DoctorReport {
        var report = DoctorReport(libraries: "libgpiod \(GPIOLibrary.version) (API \(GPIOLibrary.api)), libevdev (linked)")
        for path in GPIOChipResolver.devicePaths(in: devDir) {
            report.chips.append(chip(path, problems: &report.problems))
        }
        for path in InputDevices.eventPaths(in: devDir + "/input") {
            report.inputs.append(input(path, devDir: devDir, problems: &report.problems))
        }
        if !report.chips.isEmpty, GPIOLibrary.api == 1, kernelLacksUAPIv1() {
            report.problems.append("this kernel has no GPIO uAPI v1 (CONFIG_GPIO_CDEV_V1 is not set), which libgpiod \(GPIOLibrary.version) needs to request lines: build ClickBridge against libgpiod 2.x (scripts/build-gpiod2, or Debian 13's libgpiod-dev)")
        }
        return report
    }

    private static func chip(_ path: String, problems: inout [String]) -> DoctorReport.Chip {
        let name = DevicePaths.lastComponent(path)
        if access(path, R_OK | W_OK) != 0, errno == EACCES {
            let fix = "permission denied on \(path): \(GPIOErrors.groupAdvice(path, group: "gpio"))"
            problems.append(fix)
            return DoctorReport.Chip(path: path, name: name, label: "", lines: [], error: "permission denied")
        }
        do {
            let chip = try GPIOChip(path: path)
            let lines = (0..<chip.lineCount).map { offset -> DoctorReport.Line in
                let info = chip.lineInfo(offset)
                return DoctorReport.Line(offset: offset, name: info?.name ?? "", consumer: info?.consumer ?? "",
                                         used: info?.used ?? false, output: info?.output ?? false)
            }
            return DoctorReport.Chip(path: path, name: chip.name, label: chip.label, lines: lines, error: nil)
        } catch {
            problems.append(error.message)
            return DoctorReport.Chip(path: path, name: name, label: "", lines: [], error: error.message)
        }
    }

    private static func input(_ path: String, devDir: String, problems: inout [String]) -> DoctorReport.InputDevice {
        let links = stableLinks(to: path, devDir: devDir)
        if access(path, R_OK) != 0, errno == EACCES {
            problems.append("permission denied on \(path): \(GPIOErrors.groupAdvice(path, group: "input"))")
            return DoctorReport.InputDevice(path: path, name: "", links: links, keys: [], error: "permission denied")
        }
        do {
            let dev = try EvdevDevice(path: path)
            return DoctorReport.InputDevice(path: path, name: dev.name, links: links, keys: dev.keys.map(EvdevKey.name), error: nil)
        } catch {
            problems.append(error.message)
            return DoctorReport.InputDevice(path: path, name: "", links: links, keys: [], error: error.message)
        }
    }

    /// `/dev/input/by-id/...` and `/dev/input/by-path/...` links that resolve to `path`.
    private static func stableLinks(to path: String, devDir: String) -> [String] {
        guard let target = resolved(path) else { return [] }
        var links: [String] = []
        for sub in ["by-id", "by-path"] {
            let dir = devDir + "/input/" + sub
            for entry in DevicePaths.entries(dir).sorted() where resolved(dir + "/" + entry) == target {
                links.append(dir + "/" + entry)
            }
        }
        return links
    }

    private static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// True only when the running kernel's config is readable and says uAPI v1 is not built.
    private static func kernelLacksUAPIv1() -> Bool {
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let config = readSmallFile("/boot/config-" + release) else { return false }
        return config.contains("# CONFIG_GPIO_CDEV_V1 is not set")
    }

    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 4 << 20 {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
