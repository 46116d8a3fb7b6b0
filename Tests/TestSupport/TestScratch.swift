#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The test process's own scratch directory in TMPDIR. Tests make their directories inside it
/// rather than in TMPDIR itself, and it goes when the process ends, however it ends
/// (`LaunchedProcess.afterTheTests`), as the PostgreSQL cluster does. Before it, each run of the
/// suite left some hundreds of directories in /tmp.
public let testScratch: URL = {
    let base = FileManager.default.temporaryDirectory.path
    var template = Array("\(base)/clickbridge-tests-\(getpid())-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        // Nothing to clean up then; the tests still run, in TMPDIR itself.
        FileHandle.standardError.write(Data("note: cannot make the tests' scratch directory in \(base): \(String(cString: strerror(errno)))\n".utf8))
        return FileManager.default.temporaryDirectory
    }
    let path = String(cString: made)
    // Readable by others: some tests hand files to processes run as another user.
    chmod(path, 0o755)
    try? LaunchedProcess.afterTheTests("rm -rf '\(path)'")
    return URL(fileURLWithPath: path, isDirectory: true)
}()
