import Glibc

/// The libevdev this process uses.
public enum EvdevLibrary {
    /// libevdev has no version call, so this names the shared object the process mapped
    /// (`libevdev.so.2.3.0`, whose name carries the ABI version), or says it is linked statically.
    public static var version: String {
        guard let maps = try? TraceReader.readFile("/proc/self/maps") else { return "unknown" }
        for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            guard let file = path.split(separator: "/").last, file.hasPrefix("libevdev.so") else { continue }
            guard let resolved = realpath(path, nil) else { return "\(file) (\(path))" }
            defer { free(resolved) }
            let real = String(cString: resolved)
            return "\(real.split(separator: "/").last.map(String.init) ?? real) (\(real))"
        }
        return "linked statically"
    }
}
