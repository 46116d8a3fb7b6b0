/// A NUL-terminated fixed-size C char array (imported as a tuple) as a String: the names and
/// labels libgpiod and libevdev hand back in structs.
func cString<T>(_ tuple: inout T) -> String {
    withUnsafeBytes(of: &tuple) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
