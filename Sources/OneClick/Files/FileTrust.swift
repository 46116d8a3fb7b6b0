import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a file may steer this process, in the way sshd's StrictModes decides: whoever can
/// change a configuration can run commands as the daemon (its actions), and whoever can change
/// a credentials file can add a principal to the service.
///
/// - The file is owned by root or by the user running this process (or by one of
///   `alsoOwnedBy`: client commands accept the daemon user's files they read through its group).
/// - A configuration is writable by nobody else (mode mask 022). Credentials are writable by
///   nobody else and give others no access at all (mask 027); the group may read them.
/// - Its directory and every ancestor belong to root, this user or an accepted owner, and none is
///   writable by others, unless it is sticky (`/tmp`): otherwise someone could swap the file.
public enum FileTrust {
    public enum Kind: Sendable {
        case configuration
        case credentials
        /// A password (the MQTT broker's): writable by nobody else and unreadable by others; the
        /// daemon's group may read it.
        case password

        var forbiddenBits: mode_t {
            switch self {
            case .configuration: 0o022
            case .credentials: 0o027
            case .password: 0o026
            }
        }
    }

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// What is wrong and the command that fixes it.
        public var reason: String
        public var description: String { "\(path) \(reason)" }
    }

    /// The uid of the daemon's user (`clickbridge`, which the package creates), if it exists.
    public static var daemonUser: uid_t? {
        getpwnam("clickbridge").map { $0.pointee.pw_uid }
    }

    public static func check(_ path: String, as kind: Kind, alsoOwnedBy extra: [uid_t] = []) throws(Refusal) {
        var st = stat()
        // A missing or unreadable file is not this check's business: reading it reports that.
        guard stat(path, &st) == 0 else { return }
        let me = geteuid()
        let owners = [0, me] + extra
        let what = switch kind {
        case .configuration: "its actions run commands"
        case .credentials: "it says who may use the service"
        case .password: "it holds a password"
        }
        guard owners.contains(st.st_uid) else {
            let fix = me == 0 ? "sudo chown root \(path)" : "sudo chown \(FileAccess.userName(me)) \(path)"
            throw Refusal(path: path, reason: "is owned by \(FileAccess.userName(st.st_uid)), not by root or \(FileAccess.userName(me)); since \(what), its owner could take over this user. Fix it with: \(fix)")
        }
        let bad = mode_t(st.st_mode) & kind.forbiddenBits
        if bad != 0 {
            var who: [String] = []
            if bad & 0o020 != 0 { who.append("writable by its group") }
            if bad & 0o002 != 0 { who.append("writable by other users") }
            if bad & 0o005 != 0 { who.append("readable by other users") }
            let fix = kind == .configuration ? "chmod go-w \(path)" : kind == .password ? "chmod 0600 \(path)" : "chmod 0640 \(path)"
            throw Refusal(path: path, reason: "is \(who.joined(separator: " and ")) (mode \(FileAccess.modeText(st.st_mode))); since \(what), that is not safe. Fix it with: \(fix)")
        }
        try checkAncestors(of: path, owners: owners)
    }

    /// Every directory from the file's own up to `/`.
    static func checkAncestors(of path: String, owners: [uid_t]) throws(Refusal) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var dir = (absolute as NSString).deletingLastPathComponent
        while true {
            var st = stat()
            if stat(dir, &st) == 0 {
                let mode = mode_t(st.st_mode)
                if mode & 0o002 != 0, mode & mode_t(S_ISVTX) == 0 {
                    throw Refusal(path: path, reason: "is in \(dir), which other users can write (mode \(FileAccess.modeText(st.st_mode))): anyone could replace the file. Fix it with: chmod o-w \(dir)")
                }
                if !owners.contains(st.st_uid), mode & 0o200 != 0 {
                    throw Refusal(path: path, reason: "is in \(dir), owned by \(FileAccess.userName(st.st_uid)), who could replace the file. Move it to a directory of root's or \(FileAccess.userName(geteuid()))'s")
                }
            }
            if dir == "/" || dir.isEmpty { return }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
}
