import Glibc

/// The `run` config names commands to run, so whoever can write it can run commands as the
/// daemon's user: a file writable by group or others is refused.
public enum ConfigFileSafety {
    public struct Unsafe: Error, Equatable, CustomStringConvertible {
        public var file: String
        public var mode: UInt32
        public var description: String { "\(file) \(reason)" }
        /// The description without the file name in front.
        public var reason: String {
            let who = [mode & 0o020 != 0 ? "its group" : nil, mode & 0o002 != 0 ? "other users" : nil].compactMap { $0 }
            return "is writable by \(who.joined(separator: " and ")) (mode \(String(mode & 0o7777, radix: 8))); "
                + "since its actions run commands, that lets them run commands as this user. Fix it with: chmod go-w \(file)"
        }
    }

    /// Throws `Unsafe` for a file writable by group or others. A missing file is not this
    /// check's business (the loader reports it).
    public static func check(file: String) throws(Unsafe) {
        var st = stat()
        guard stat(file, &st) == 0 else { return }
        let mode = UInt32(st.st_mode)
        if mode & 0o022 != 0 { throw Unsafe(file: file, mode: mode & 0o7777) }
    }
}
