import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file cannot be used, in our words: what is wrong, for whom, and what to change. Used
/// after an open or read failed, so the message names the real cause (missing, a directory, or
/// whose permissions) instead of a library's generic wording.
public enum FileAccess {
    /// "does not exist", "is a directory", "is not readable by user pi (owner clickbridge,
    /// group clickbridge, mode 0640)", …; nil when the file is readable after all.
    public static func whyUnreadable(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return errnoReason(errno, path: path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return "is a directory, not a file" }
        guard access(path, R_OK) != 0 else { return nil }
        return "is not readable by \(userName(geteuid())) (owner \(userName(st.st_uid)), group \(groupName(st.st_gid)), mode \(modeText(st.st_mode)))"
    }

    /// Reads a whole file as UTF-8 text, or says why it cannot, in `whyUnreadable`'s words.
    public static func readText(_ path: String) -> Result<String, FileProblem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileProblem(path: path, reason: whyUnreadable(path) ?? "cannot be read"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(FileProblem(path: path, reason: "is not UTF-8 text"))
        }
        return .success(text)
    }

    /// The reason for an errno from opening or statting `path`.
    public static func errnoReason(_ code: Int32, path: String) -> String {
        switch code {
        case ENOENT:
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty, parent != path, access(parent, F_OK) != 0 {
                return "does not exist (nor does its directory \(parent))"
            }
            return "does not exist"
        case EACCES: return "cannot be reached by \(userName(geteuid())): a directory on its path does not let this user in"
        case ENOTDIR: return "has a path component that is not a directory"
        default: return String(cString: strerror(code))
        }
    }

    public static func userName(_ uid: uid_t) -> String {
        if let pw = getpwuid(uid), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(uid)"
    }

    public static func groupName(_ gid: gid_t) -> String {
        if let gr = getgrgid(gid), let name = gr.pointee.gr_name { return String(cString: name) }
        return "gid \(gid)"
    }

    /// `0640`.
    public static func modeText(_ mode: mode_t) -> String {
        let octal = String(UInt32(mode) & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}

/// A file that cannot be used, and why (`FileAccess`'s words).
public struct FileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path) \(reason)" }
}
