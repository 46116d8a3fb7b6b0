import GRDB
import OneClick
#if canImport(Glibc)
import Glibc
#endif

extension Store {
    /// Why the database in `directory` could not be opened: the file, SQLite's words, and what to
    /// do. SQLite's own message ("unable to open database file", "file is not a database")
    /// names no file and suggests nothing.
    static func openFailure(directory: String, error: any Error) -> String {
        let path = directory + "/" + fileName
        guard let database = error as? DatabaseError else { return "\(path): \(error)" }
        let words = "SQLite error \(database.resultCode.rawValue): \(database.message ?? "\(database.resultCode)")"
        switch database.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return "\(path): \(words): it is not a SQLite database, or it is damaged. Stop the service, move it (and any \(fileName)-wal and -shm beside it) out of the way and start again, with an empty database, or put back a copy from a backup"
        case .SQLITE_FULL:
            return "\(path): \(words): the disk is full: free some space and start again"
        default:
            break
        }
        let user = FileAccess.userName(geteuid())
        for file in [path, path + "-wal", path + "-shm"] {
            var st = stat()
            guard stat(file, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                return "\(path): \(words): \(file) is a directory, not a file: move it out of the way"
            }
            if access(file, R_OK | W_OK) != 0 {
                return "\(path): \(words): \(file) is not readable and writable by \(user) (owner \(FileAccess.userName(st.st_uid)), group \(FileAccess.groupName(st.st_gid)), mode \(FileAccess.modeText(st.st_mode))): run the service as the user that owns it, or give \(user) read and write access"
            }
        }
        if let why = FileAccess.whyUnwritableDirectory(directory) {
            return "\(path): \(words): \(why), and SQLite creates the database's -wal and -shm files there: make it writable for \(user), or choose another state dir"
        }
        if database.resultCode.primaryResultCode == .SQLITE_IOERR {
            return "\(path): \(words): reading or writing it failed: check the disk (the kernel log says more)"
        }
        return "\(path): \(words)"
    }
}
