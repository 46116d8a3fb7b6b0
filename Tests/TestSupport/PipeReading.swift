#if canImport(Glibc)
import Glibc
#endif
import Foundation

// Foundation's FileHandle reads (availableData, readDataToEndOfFile) end the process with a
// `try!` when read(2) is interrupted by a signal, which child processes' exits make likely in
// this suite. These retry instead.

/// The next bytes from `fd` as soon as there are some, blocking until then; empty at end of file
/// or on an error other than EINTR.
public func readChunk(_ fd: Int32) -> Data {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n >= 0 { return Data(buffer[0..<n]) }
        if errno != EINTR { return Data() }
    }
}

/// Everything `fd` gives until end of file.
public func readToEnd(_ fd: Int32) -> Data {
    var all = Data()
    while true {
        let chunk = readChunk(fd)
        if chunk.isEmpty { return all }
        all.append(chunk)
    }
}
