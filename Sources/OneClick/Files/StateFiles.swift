import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The modes of the state dir and its files. The dir is 0750 and its group is the daemon's
/// (`clickbridge`), so members of that group can reach it. The files they need for `claim`,
/// `events` and `status` (credentials, the outbox, the action record) are 0640; everything else
/// (the service's database, lock files) is 0600. New files take the directory's group, so a
/// daemon started as root still shares them with the group.
public enum StateFiles {
    public static let directoryMode: mode_t = 0o750
    /// Readable by the state dir's group: what `status` and the client commands read.
    public static let sharedMode: mode_t = 0o640
    public static let privateMode: mode_t = 0o600

    /// Creates the directory (and missing parents) with mode 0750. An existing directory keeps
    /// its mode and owner: systemd's `StateDirectoryMode` or the package set them.
    public static func makeDirectory(_ path: String) throws(FileProblem) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw FileProblem(path: path, reason: "is not a directory; set the state dir to a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(directoryMode)])
        } catch {
            let reason = FileAccess.whyUnwritableDirectory((path as NSString).deletingLastPathComponent)
            throw FileProblem(path: path, reason: "cannot be created: \(reason ?? "permission denied"); create it, or choose a writable state dir")
        }
        // The umask may have taken bits away; the mode is part of the contract.
        chmod(path, directoryMode)
    }

    /// Makes `path` exist with `mode` and the group of its directory, before a library opens it:
    /// SQLite creates a database's `-wal` and `-shm` with the database's mode, so they follow.
    /// For an existing SQLite file (`sqlite`), its `-wal` and `-shm` are set too.
    public static func prepare(_ path: String, mode: mode_t, sqlite: Bool = false) throws(FileProblem) {
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileProblem(path: path, reason: whyNotPrepared(path, errno: errno)) }
        close(fd)
        for file in sqlite ? [path, path + "-wal", path + "-shm"] : [path] {
            setMode(file, mode)
        }
    }

    /// Why `path` could not be created or opened, and what to do about it.
    static func whyNotPrepared(_ path: String, errno code: Int32) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        var st = stat()
        let exists = stat(path, &st) == 0
        if exists, (st.st_mode & S_IFMT) == S_IFDIR {
            return "is a directory, not a file: move it out of the way"
        }
        if code == EACCES || code == EPERM {
            if exists, let why = FileAccess.whyUnreadable(path) {
                return "\(why): run as its owner, or give this user access to it"
            }
            let why = FileAccess.whyUnwritableDirectory(directory) ?? "\(directory) is not writable by \(FileAccess.userName(geteuid()))"
            return "cannot be created: \(why); make the state dir writable for this user, or choose another state dir"
        }
        return "cannot be created or opened: \(String(cString: strerror(code)))"
    }

    /// Gives an existing file `mode` and its directory's group; a file this process does not own
    /// is left alone (the error surfaces when it is used).
    public static func setMode(_ path: String, _ mode: mode_t) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_uid == geteuid() || geteuid() == 0 else { return }
        var dir = stat()
        if stat((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, &dir) == 0,
           dir.st_gid != st.st_gid {
            _ = chown(path, uid_t.max, dir.st_gid)  // not a member of that group: keep ours
        }
        if st.st_mode & 0o7777 != mode { chmod(path, mode) }
    }
}

extension FileAccess {
    /// Why this user cannot list and enter `directory`, or nil when it can.
    public static func whyUnreadableDirectory(_ directory: String) -> String? {
        var st = stat()
        guard stat(directory, &st) == 0 else { return errnoReason(errno, path: directory) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return "is not a directory" }
        guard access(directory, R_OK | X_OK) != 0 else { return nil }
        return "it is not readable by \(userName(geteuid())) (owner \(userName(st.st_uid)), group \(groupName(st.st_gid)), mode \(modeText(st.st_mode)))"
    }

    /// Why this user cannot create files in `directory`, or nil when it can.
    public static func whyUnwritableDirectory(_ directory: String) -> String? {
        let dir = directory.isEmpty ? "." : directory
        var st = stat()
        guard stat(dir, &st) == 0 else { return "\(dir) \(errnoReason(errno, path: dir))" }
        guard access(dir, W_OK | X_OK) != 0 else { return nil }
        return "\(dir) is not writable by \(userName(geteuid())) (owner \(userName(st.st_uid)), group \(groupName(st.st_gid)), mode \(modeText(st.st_mode)))"
    }
}
