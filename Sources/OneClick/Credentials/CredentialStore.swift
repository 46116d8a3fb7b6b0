import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The service's view of its credentials file: SigV4 verification against it, with the key
/// rotation rules.
///
/// - An unknown access key id makes the store re-read the file if it changed on disk, so keys
///   added or rotated by `clickbridge credentials` work without a restart.
/// - The first request signed with a principal's current key while it still has a previous key
///   retires the previous key, in memory at once and in the file (under its lock).
public final class CredentialStore: Sendable {
    public let path: String
    private let state: Mutex<State>
    private let logger: Logger
    /// Kept, so its signing-key cache serves every request.
    private let verifier = SigV4Verifier()

    private struct State {
        var file: CredentialsFile
        var fileStamp: FileStamp?
        /// `KeyRotation.keyIndex(file)`; a retired previous key stays in it and is rejected there.
        var keys: [String: Int]

        init(file: CredentialsFile, fileStamp: FileStamp?) {
            self.file = file
            self.fileStamp = fileStamp
            keys = KeyRotation.keyIndex(file)
        }
    }

    /// Loads and validates the file; throws with the line of the first problem.
    public init(path: String, logger: Logger = Logger(label: "clickbridge.credentials")) throws(CredentialsFileError) {
        self.path = path
        self.logger = logger
        let stamp = FileStamp(path: path)
        try Self.checkTrust(path)
        let file = try CredentialsFile.load(path: path)
        do {
            try file.validateForService()
        } catch {
            throw error.at(path: path)
        }
        state = Mutex(State(file: file, fileStamp: stamp))
    }

    /// The profiles as last loaded.
    public var file: CredentialsFile { state.withLock { $0.file } }

    /// The identity for an access key id under the rotation rules, re-reading the file once if
    /// the key is unknown and the file changed.
    public func identity(forAccessKeyId accessKeyId: String, now: Date) -> SigV4Identity? {
        if let found = state.withLock({ KeyRotation.identity(in: $0.file, index: $0.keys, accessKeyId: accessKeyId, now: now) }) {
            return found
        }
        reloadIfChanged()
        return state.withLock { KeyRotation.identity(in: $0.file, index: $0.keys, accessKeyId: accessKeyId, now: now) }
    }

    /// Verifies a request and applies the rotation rule; the one call the service needs.
    public func authenticate(_ request: SigV4Request, service: String, now: Date = Date(),
                             verifier: SigV4Verifier? = nil) throws(SigV4Failure) -> SigV4Principal {
        let principal = try (verifier ?? self.verifier).verify(request, service: service, now: now) { identity(forAccessKeyId: $0, now: now) }
        if principal.generation == .current { recordUse(of: principal) }
        return principal
    }

    /// Records that a principal's current key was used: retires its previous key if it has one.
    public func recordUse(of principal: SigV4Principal) {
        guard principal.generation == .current else { return }
        let retired = state.withLock { state -> Bool in
            guard let i = state.keys[principal.accessKeyId], state.file.profiles[i].name == principal.name,
                  state.file.profiles[i].accessKeyId == principal.accessKeyId, state.file.profiles[i].previousKey != nil else { return false }
            state.file.profiles[i].previousKey = nil
            return true
        }
        guard retired else { return }
        do {
            try CredentialsFile.update(path: path) { (file: inout CredentialsFile) throws(CredentialsFileError) in
                // Only if the file still has this key as current: a newer rotation wins.
                if file.profile(named: principal.name)?.accessKeyId == principal.accessKeyId {
                    KeyRotation.retirePreviousKey(of: principal.name, in: &file)
                }
            }
            state.withLock { $0.fileStamp = FileStamp(path: path) }
            logger.info("retired the previous key of principal after its new key was used", metadata: ["principal": "\(principal.name)"])
        } catch {
            // Memory already forgets the old key; on disk it lapses at its valid-until time.
            logger.error("could not retire the previous key in the credentials file", metadata: ["principal": "\(principal.name)", "error": "\(error)"])
        }
    }

    /// The service's credentials are owned by root or its own user and closed to others.
    static func checkTrust(_ path: String) throws(CredentialsFileError) {
        do { try FileTrust.check(path, as: .credentials) } catch {
            throw CredentialsFileError(path: path, line: nil, error.reason)
        }
    }

    /// Re-reads the file if its inode, size or modification time changed. A file that no longer
    /// parses is logged and ignored: the keys already loaded stay in force.
    public func reloadIfChanged() {
        let stamp = FileStamp(path: path)
        guard stamp != state.withLock({ $0.fileStamp }) else { return }
        do {
            // Re-read on an unknown key: whoever could change the file must not add a principal.
            try Self.checkTrust(path)
            let file = try CredentialsFile.load(path: path)
            try file.validateForService()
            state.withLock { $0 = State(file: file, fileStamp: stamp) }
        } catch {
            logger.error("credentials file changed but cannot be used; keeping the keys loaded before", metadata: ["error": "\(error)"])
            state.withLock { $0.fileStamp = stamp }
        }
    }
}

/// Enough of stat(2) to notice that a file was replaced or changed.
struct FileStamp: Equatable {
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = Int(info.st_mtimespec.tv_sec)
        modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
    }
}
