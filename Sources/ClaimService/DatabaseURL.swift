/// Where a fleet's claim service keeps its state (`serve --database`, `CLICKBRIDGE_DATABASE_URL`):
///
///     postgres://USER[:PASS]@HOST[:PORT]/DB[?sslmode=disable|require|verify-full&sslrootcert=FILE]
///
/// postgres-nio takes its settings one by one and parses no URL, so the form is parsed here.
/// User, password and database name are percent-decoded (a password holding `@`, `:` or `/` is
/// written `%40`, `%3A`, `%2F`). Without `sslmode` the connection is encrypted and the server's
/// certificate and name verified (`verify-full`): a fleet's database is usually across a network,
/// and an unencrypted one is chosen with `sslmode=disable`.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS: only for a server on this machine or on a network that is trusted as a whole.
        case disable
        /// TLS, without verifying the server's certificate.
        case require
        /// TLS, with the certificate verified against `sslrootcert` (else the system's roots) and
        /// the host name checked against it.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    /// A name, an IPv4 address, or an IPv6 address without its brackets.
    public var host: String
    public var port: Int
    public var database: String
    public var tlsMode: TLSMode
    /// The CA certificates (PEM) that verify the server, for `verify-full`.
    public var rootCertificateFile: String?

    public static let defaultPort = 5432

    /// Why a text is not a database URL, and what to write instead. It never repeats the password.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(user: String, password: String?, host: String, port: Int = defaultPort, database: String,
                tlsMode: TLSMode = .verifyFull, rootCertificateFile: String? = nil) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tlsMode = tlsMode
        self.rootCertificateFile = rootCertificateFile
    }

    public init(parsing text: String) throws(Invalid) {
        let form = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full&sslrootcert=FILE]"
        func invalid(_ why: String) -> Invalid { Invalid(description: "the database URL is not usable: \(why). Its form is \(form)") }

        var rest = Substring(text)
        guard let schemeEnd = rest.range(of: "://") else {
            throw invalid("it does not start with postgres://")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme is '\(scheme)', not postgres (only PostgreSQL is supported; without --database the service keeps its state in SQLite in the state dir)")
        }
        rest = rest[schemeEnd.upperBound...]

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("#") { throw invalid("it holds a '#': percent-encode it as %23") }
        // The authority ends at the first '/'; the user information at the last '@' before it, so
        // an unencoded '@' in a password still parses.
        guard let slash = rest.firstIndex(of: "/") else {
            throw invalid("it names no database: add /DATABASE after the host")
        }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else {
            if rest[slash...].contains("@") {
                throw invalid("a '/' comes before the '@': percent-encode a '/' in the user or password as %2F")
            }
            throw invalid("it names no user: write USER@ (and :PASSWORD if the server asks for one) before the host")
        }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]

        let rawUser: Substring
        var rawPassword: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            rawUser = userInfo[..<colon]
            rawPassword = userInfo[userInfo.index(after: colon)...]
        } else {
            rawUser = userInfo
        }
        guard let user = PercentDecoding.decode(rawUser) else {
            throw invalid("the user has a '%' not followed by two hex digits: write a literal % as %25")
        }
        guard !user.isEmpty else { throw invalid("the user is empty: write USER@ before the host") }
        self.user = user
        if let rawPassword {
            guard let password = PercentDecoding.decode(rawPassword) else {
                throw invalid("the password has a '%' not followed by two hex digits: write a literal % as %25")
            }
            self.password = password
        } else {
            self.password = nil
        }

        let rawHost: Substring
        var rawPort: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("the [ of an IPv6 host is not closed") }
            rawHost = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("only :PORT may follow the ] of an IPv6 host") }
                rawPort = after.dropFirst()
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            rawHost = hostPort[..<colon]
            rawPort = hostPort[hostPort.index(after: colon)...]
            if rawPort!.contains(":") { throw invalid("an IPv6 host must be in brackets: postgres://USER@[::1]:5432/DATABASE") }
        } else {
            rawHost = hostPort
        }
        guard !rawHost.isEmpty else { throw invalid("the host is empty: write the server's name or address after the @") }
        guard !rawHost.contains("%") else { throw invalid("the host '\(rawHost)' holds a '%': write the server's name or address as it is") }
        host = String(rawHost)
        if let rawPort {
            guard let port = Int(rawPort), (1...65535).contains(port), rawPort.allSatisfy(\.isASCII) else {
                throw invalid("the port '\(rawPort)' is not a number from 1 to 65535 (leave it out for \(Self.defaultPort))")
            }
            self.port = port
        } else {
            port = Self.defaultPort
        }

        guard !path.contains("/") else {
            throw invalid("the database name '\(path)' holds a '/': percent-encode it as %2F")
        }
        guard let database = PercentDecoding.decode(path) else {
            throw invalid("the database name has a '%' not followed by two hex digits: write a literal % as %25")
        }
        guard !database.isEmpty else { throw invalid("it names no database: add the database's name after the /") }
        self.database = database

        var tlsMode: TLSMode?
        var rootCertificateFile: String?
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let name = PercentDecoding.decode(pair[0]), let value = PercentDecoding.decode(pair[1]) else {
                throw invalid("the parameter '\(item)' is not NAME=VALUE")
            }
            switch name {
            case "sslmode":
                guard tlsMode == nil else { throw invalid("sslmode is given twice") }
                guard let mode = TLSMode(rawValue: value) else {
                    throw invalid("sslmode=\(value) is not supported: use disable, require or verify-full")
                }
                tlsMode = mode
            case "sslrootcert":
                guard rootCertificateFile == nil else { throw invalid("sslrootcert is given twice") }
                guard !value.isEmpty else { throw invalid("sslrootcert is empty: give the path of a PEM file of CA certificates") }
                rootCertificateFile = value
            default:
                throw invalid("the parameter '\(name)' is not supported: only sslmode and sslrootcert are")
            }
        }
        self.tlsMode = tlsMode ?? .verifyFull
        if rootCertificateFile != nil, self.tlsMode != .verifyFull {
            throw invalid("sslrootcert is used only with sslmode=verify-full, not with sslmode=\(self.tlsMode.rawValue): drop it or verify the server")
        }
        self.rootCertificateFile = rootCertificateFile
    }

    /// The URL with its password hidden, for logs and messages.
    public var description: String {
        func encoded(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
                }
            }
            return out
        }
        let hostText = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(encoded(user))\(password == nil ? "" : ":***")@\(hostText):\(port)/\(encoded(database))?sslmode=\(tlsMode.rawValue)"
        if let rootCertificateFile { text += "&sslrootcert=\(rootCertificateFile)" }
        return text
    }
}
