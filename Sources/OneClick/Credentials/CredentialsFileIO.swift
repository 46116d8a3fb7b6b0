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
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !FileManager.default.fileExists(atPath: path) {
                throw CredentialsFileError(path: path, line: nil, "no such file; create it with 'clickbridge credentials add NAME' or start 'clickbridge serve'")
            }
            throw CredentialsFileError(path: path, line: nil, "cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialsFileError(path: path, line: nil, "is not UTF-8 text")
        }
        do {
            return try CredentialsFile(parsing: text)
        } catch {
            throw error.at(path: path)
        }
    }

    /// Replaces the file atomically with mode 0600, creating its directory (mode 0700) if needed.
    public func write(path: String) throws(CredentialsFileError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw CredentialsFileError(path: path, line: nil, "cannot create directory \(directory): \(error.localizedDescription)")
        }
        let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CredentialsFileError(path: path, line: nil, "cannot create \(temp): \(Self.errnoText())") }
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
    @discardableResult
    public static func createDefaultIfMissing(path: String) throws(CredentialsFileError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let lock = try FileLock(path: path + ".lock")
        defer { lock.unlock() }
        if FileManager.default.fileExists(atPath: path) { return false }
        try CredentialGenerator.defaultFile().write(path: path)
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
        guard fd >= 0 else { throw CredentialsFileError(path: path, line: nil, "cannot open lock file: \(CredentialsFile.errnoText())") }
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
