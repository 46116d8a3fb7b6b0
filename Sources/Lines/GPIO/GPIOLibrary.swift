import CGPIOD

/// The libgpiod this build uses.
public enum GPIOLibrary {
    /// 1 (libgpiod 1.x, GPIO uAPI v1) or 2 (libgpiod 2.x, uAPI v2), fixed at compile time.
    public static var api: Int { Int(cb_gpiod_api()) }
    /// The library's own version string, read at run time (`1.6.3`, `2.1.3`).
    public static var version: String { String(cString: cb_gpiod_version()) }
}
