import Glibc

/// Waits, through inotify (a descriptor, not a timer), for something to happen to a path that does
/// not exist or cannot be opened yet: it watches the nearest existing ancestor directory for
/// entries created, moved in or changed (udev creates a node, then fixes its permissions).
final class DirectoryWatch {
    let fd: Int32
    let target: String
    private var watched: [String: Int32] = [:]  // directory -> watch descriptor

    init(for target: String) throws(LineError) {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw LineError("inotify_init1 failed: \(SystemError.text(errno))") }
        self.target = target
        rewatch()
    }

    deinit { Glibc.close(fd) }

    /// Consumes pending notifications and moves the watch down when a missing directory appeared.
    /// Returns true if anything happened (the caller then tries to open the target).
    func consume() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var any = false
        while read(fd, &buffer, buffer.count) > 0 { any = true }
        if any { rewatch() }
        return any
    }

    /// Watches the target's nearest existing directory and, when the target is a link that
    /// resolves (a by-id link whose node is still root-only), the directory of the node as well.
    private func rewatch() {
        var dir = parent(of: target)
        while !isDirectory(dir), dir != "/" { dir = parent(of: dir) }
        var wanted: Set<String> = [dir]
        if let resolved = realpath(target, nil) {
            wanted.insert(parent(of: String(cString: resolved)))
            free(resolved)
        }
        for (d, wd) in watched where !wanted.contains(d) {
            inotify_rm_watch(fd, wd)
            watched[d] = nil
        }
        let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
        for d in wanted where watched[d] == nil {
            let wd = inotify_add_watch(fd, d, mask)
            if wd >= 0 { watched[d] = wd }
        }
    }

    private func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }

    private func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
