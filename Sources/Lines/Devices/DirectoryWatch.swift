import Glibc

/// Waits, through inotify (a descriptor, not a timer), for something to happen to a path that does
/// not exist or cannot be opened yet: it watches the nearest existing ancestor directory for
/// entries created, moved in or changed (udev creates a node, then fixes its permissions).
final class DirectoryWatch {
    let fd: Int32
    let target: String
    private var watched: [String: Int32] = [:]  // directory -> watch descriptor

    /// Fails, with what is wrong, for a path that could never appear (one below something that is
    /// not a directory) or cannot be watched. A relative path is taken from the current directory,
    /// as opening it would.
    init(for path: String) throws(LineError) {
        let target = path.hasPrefix("/") ? path : Self.currentDirectory() + "/" + path
        let ancestor = Self.nearestExisting(DevicePaths.parent(of: target))
        guard Self.isDirectory(ancestor) else {
            throw LineError("cannot wait for \(target): \(ancestor) is not a directory")
        }
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw LineError("inotify_init1 failed: \(SystemError.text(errno))") }
        self.target = target
        if let failure = rewatch() {
            Glibc.close(fd)
            throw LineError("cannot wait for \(target): \(failure)")
        }
    }

    deinit { Glibc.close(fd) }

    /// Consumes pending notifications and moves the watch down when a missing directory appeared.
    /// Returns true if anything happened (the caller then tries to open the target).
    func consume() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var any = false
        while read(fd, &buffer, buffer.count) > 0 { any = true }
        if any { _ = rewatch() }
        return any
    }

    /// Watches the target's nearest existing directory and, when the target is a link that
    /// resolves (a by-id link whose node is still root-only), the directory of the node as well.
    /// Returns why a directory could not be watched, or nil.
    private func rewatch() -> String? {
        var wanted: Set<String> = [Self.nearestExisting(DevicePaths.parent(of: target))]
        if let resolved = realpath(target, nil) {
            wanted.insert(DevicePaths.parent(of: String(cString: resolved)))
            free(resolved)
        }
        for (d, wd) in watched where !wanted.contains(d) {
            inotify_rm_watch(fd, wd)
            watched[d] = nil
        }
        let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
        var failure: String?
        for d in wanted.sorted() where watched[d] == nil {
            let wd = inotify_add_watch(fd, d, mask)
            if wd >= 0 { watched[d] = wd } else { failure = failure ?? "cannot watch \(d): \(SystemError.text(errno))" }
        }
        return failure
    }

    /// The path itself or its closest ancestor that exists (at worst `/`).
    private static func nearestExisting(_ path: String) -> String {
        var p = path
        var st = stat()
        while p != "/", lstat(p, &st) != 0 { p = DevicePaths.parent(of: p) }
        return p
    }

    private static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
