import Glibc

/// Small path helpers for device nodes under /dev, without Foundation.
enum DevicePaths {
    /// The last component of a path (`gpiochip0` of `/dev/gpiochip0`).
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The directory a path is in (`/dev` of `/dev/gpiochip0`, `/` of `/dev`).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let p = String(path[..<slash])
        return p.isEmpty ? "/" : p
    }

    /// Names in a directory (without `.` and `..`); empty when it cannot be read.
    static func entries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Nodes named PREFIX followed by a number (`gpiochip3`, `event12`), in number order.
    static func numbered(_ prefix: String, in dir: String) -> [String] {
        let numbered = entries(dir).compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), let n = Int(name.dropFirst(prefix.count)), n >= 0 else { return nil }
            return (n, name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map { dir + "/" + $0.1 }
    }
}
