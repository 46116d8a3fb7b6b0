import CGPIOD
import Glibc

/// An open GPIO chip (`/dev/gpiochipN`) through libgpiod, for lookups: its info, its lines' info,
/// and finding a line by name. Requests of lines go through `GPIOLineRequest`.
final class GPIOChip {
    let path: String
    let handle: OpaquePointer
    let name: String
    let label: String
    let lineCount: Int

    /// Opens the chip at `path`; errors say what to do (permission → group and udev rule).
    init(path: String) throws(LineError) {
        guard let h = cb_chip_open(path) else { throw GPIOErrors.openFailed(path: path, errno: errno) }
        handle = h
        self.path = path
        var info = cb_chip_info()
        if cb_chip_get_info(h, &info) == 0 {
            name = cString(&info.name)
            label = cString(&info.label)
            lineCount = Int(info.num_lines)
        } else {
            name = DevicePaths.lastComponent(path)
            label = ""
            lineCount = 0
        }
    }

    deinit { cb_chip_close(handle) }

    struct LineInfo: Sendable, Hashable {
        var offset: Int
        var name: String
        var consumer: String
        var used: Bool
        var output: Bool
        var activeLow: Bool
    }

    func lineInfo(_ offset: Int) -> LineInfo? {
        var info = cb_line_info()
        guard cb_chip_get_line_info(handle, UInt32(offset), &info) == 0 else { return nil }
        return LineInfo(offset: offset, name: cString(&info.name), consumer: cString(&info.consumer),
                        used: info.used, output: info.output, activeLow: info.active_low)
    }

    /// The offset of the line called `lineName`, or nil.
    func findLine(named lineName: String) -> Int? {
        let offset = cb_chip_find_line(handle, lineName)
        return offset >= 0 ? Int(offset) : nil
    }
}

