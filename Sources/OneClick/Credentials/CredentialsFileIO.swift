import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing credentials files. Writes are atomic (a private temp file, fsync, rename,
/// fsync of the directory) with mode 0600; read-modify-write updates hold an flock on
/// `<file>.lock`, so the service retiring a key and `credentials rotate` cannot lose each other's
/// change.
extension CredentialsFile {
    public static func load(path: String) throws(CredentialsFileError) -> CredentialsFile {
        let text: String
        switch FileAccess.readText(path) {
        case .success(let t): text = t
        case .failure(let problem): throw CredentialsFileError(path: path, line: nil, problem.reason)
        }
        do {
            return try CredentialsFile(parsing: text)
        } catch {
            throw error.at(path: path)
        }
    }

    /// Replaces the file atomically, creating its directory (mode 0700) if needed. A file that
    /// exists keeps its mode and group (a state dir's credentials are shared with the daemon's
    /// group); a new one gets `mode` and the directory's group.
    public func write(path: String, mode: mode_t = StateFiles.privateMode) throws(CredentialsFileError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CredentialsFileError(path: path, line: nil, "cannot create its directory: \(FileAccess.whyUnwritableDirectory((directory as NSString).deletingLastPathComponent) ?? "permission denied")")
        }
        var existing = stat()
        let keep = stat(path, &existing) == 0
        let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CredentialsFileError(path: path, line: nil, "cannot create \(temp): \(Self.errnoText())") }
        // Before any secret is written: only the owner can read the temp file until its mode is set.
        fchmod(fd, keep ? existing.st_mode & 0o7777 : mode)
        if keep { _ = fchown(fd, uid_t.max, existing.st_gid) }
        let bytes = Array(rendered().utf8)
        var written = 0
        var failure: String?
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = "cannot write \(temp): \(Self.errnoText())"
                break
            }
            written += n
        }
        if failure == nil, fsync(fd) != 0 { failure = "cannot fsync \(temp): \(Self.errnoText())" }
        close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = "cannot replace \(path): \(Self.errnoText())" }
        if let failure {
            unlink(temp)
            throw CredentialsFileError(path: path, line: nil, failure)
        }
        // The rename is durable only once the directory entry is on disk.
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    /// Loads the file (or starts from `initial` when it does not exist), applies `change` and
    /// writes the result, all under the file's lock.
    @discardableResult
    public static func update<T>(path: String, ifMissing initial: CredentialsFile? = nil,
                                 _ change: (inout CredentialsFile) throws(CredentialsFileError) -> T) throws(CredentialsFileError) -> T {
        let lock = try FileLock(path: path + ".lock")
        defer { lock.unlock() }
        var file: CredentialsFile
        if let initial, !FileManager.default.fileExists(atPath: path) {
            file = initial
        } else {
            file = try load(path: path)
        }
        let result = try change(&file)
        try file.write(path: path)
        return result
    }

    /// Creates the default file (`bridge` and `owner` of one random account) if there is no file
    /// at `path`. Returns true if it created one.
    /// It is made readable by the state dir's group (mode 0640), so members of the daemon's
    /// group can claim with its `owner` profile.
    @discardableResult
    public static func createDefaultIfMissing(path: String) throws(CredentialsFileError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let lock = try FileLock(path: path + ".lock")
        defer { lock.unlock() }
        if FileManager.default.fileExists(atPath: path) { return false }
        try CredentialGenerator.defaultFile().write(path: path, mode: StateFiles.sharedMode)
        StateFiles.setMode(path, StateFiles.sharedMode)
        return true
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// write(2); a free function because `CredentialsFile.write(path:)` shadows the C name inside
/// the type.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// An exclusive flock(2) on a lock file, held until `unlock()`.
struct FileLock {
    private let fd: Int32

    init(path: String) throws(CredentialsFileError) {
        try? FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                 withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            let directory = (path as NSString).deletingLastPathComponent
            let denied = code == EACCES || code == EPERM
            let why = denied && access(path, F_OK) == 0 ? "it is not writable by \(FileAccess.userName(geteuid()))"
                : denied ? FileAccess.whyUnwritableDirectory(directory) ?? String(cString: strerror(code))
                : String(cString: strerror(code))
            throw CredentialsFileError(path: path, line: nil,
                                       "cannot open this lock file, which guards writing the credentials: \(why); run as a user who may write in \(directory) (its owner, or root)")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let text = CredentialsFile.errnoText()
            close(fd)
            throw CredentialsFileError(path: path, line: nil, "cannot lock: \(text)")
        }
        self.fd = fd
    }

    func unlock() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
