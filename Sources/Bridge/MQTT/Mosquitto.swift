import CMosquitto
import Glibc

/// Why MQTT cannot start or go on, in one line for a person.
public struct MQTTFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// libmosquitto, opened with dlopen the first time MQTT is configured in this process; never
/// otherwise, so a Pi without it (and the static kernel-tier guest) runs without the library.
final class MosquittoLibrary: @unchecked Sendable {
    // @unchecked Sendable: the table is filled once, before `shared` publishes it, and only read after.
    let api: cb_mosquitto_api
    /// `2.0.11`.
    let version: String

    /// The runtime library's soname, as Debian's libmosquitto1 installs it.
    static let soname = "libmosquitto.so.1"

    private static let opened: Result<MosquittoLibrary, MQTTFailure> = load()

    static func shared() throws(MQTTFailure) -> MosquittoLibrary {
        switch opened {
        case .success(let lib): return lib
        case .failure(let failure): throw failure
        }
    }

    private init(api: cb_mosquitto_api, version: String) {
        self.api = api
        self.version = version
    }

    private static func load() -> Result<MosquittoLibrary, MQTTFailure> {
        var api = cb_mosquitto_api()
        if let error = cb_mosquitto_open(soname, &api) {
            return .failure(MQTTFailure("mqtt: cannot load libmosquitto (\(soname)): \(String(cString: error)); install it (Debian: sudo apt install libmosquitto1) or remove the mqtt block"))
        }
        // Not thread-safe by its own documentation; `opened` runs this once.
        _ = api.lib_init!()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        _ = api.lib_version!(&major, &minor, &revision)
        return .success(MosquittoLibrary(api: api, version: "\(major).\(minor).\(revision)"))
    }

    /// libmosquitto's text for one of its error codes.
    func describe(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return api.strerror!(rc).map { String(cString: $0) } ?? "error \(rc)"
    }

    /// The broker's reason for refusing a connection, in MQTT 3.1.1's or 5's numbering.
    func describeRefusal(_ rc: Int32, v5: Bool) -> String {
        if v5 {
            switch rc {
            case 0x86: return "bad user name or password"
            case 0x87: return "not authorized"
            case 0x85: return "client identifier not valid"
            case 0x88: return "server unavailable"
            case 0x89: return "server busy"
            case 0x8A: return "banned"
            case 0x84: return "unsupported protocol version"
            default: return "reason code \(rc)"
            }
        }
        return api.connack_string!(rc).map { String(cString: $0) } ?? "connack code \(rc)"
    }
}
