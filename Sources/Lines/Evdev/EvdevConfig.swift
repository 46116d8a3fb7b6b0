/// Which input device and keys a source watches.
public struct EvdevConfig: Sendable, Hashable {
    /// `/dev/input/eventN`, or a stable `/dev/input/by-id/...` or `/dev/input/by-path/...` link.
    public var device: String
    /// Watched key codes; empty means the device's only key, else KEY_ENTER if it has it.
    public var keys: [UInt16]
    /// Take the device exclusively (EVIOCGRAB): other readers stop seeing it.
    public var grab: Bool
    /// Button names, one per key; nil gives `DEVICE:KEY_NAME`.
    public var names: [String]?

    public init(device: String, keys: [UInt16] = [], grab: Bool = false, names: [String]? = nil) {
        self.device = device
        self.keys = keys
        self.grab = grab
        self.names = names
    }

    /// Keys given as names or numbers (`KEY_ENTER`, `28`); an unknown one is an error.
    public init(device: String, keyNames: [String], grab: Bool = false) throws(LineError) {
        var codes: [UInt16] = []
        for name in keyNames {
            guard let code = EvdevKey.code(parsing: name) else { throw EvdevKey.unknown(name) }
            codes.append(code)
        }
        self.init(device: device, keys: codes, grab: grab)
    }
}
