/// `HOST:PORT` the claim service listens on (`serve --listen`, `listen` in `run`'s configuration),
/// with IPv6 hosts in brackets (`[::1]:8787`). Port 0 picks a free port. Both places parse it
/// here, so they accept the same addresses and refuse the others for the same reasons.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a text is not an address, as a clause to follow "is not HOST:PORT".
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws(Invalid) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw Invalid(description: "the [ of an IPv6 host is not closed") }
            guard text[text.index(after: close)...].hasPrefix(":") else { throw Invalid(description: "no :PORT after the ]") }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw Invalid(description: "no :PORT") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            // Otherwise the last group of an IPv6 address would be read as the port.
            if hostPart.contains(":") { throw Invalid(description: "an IPv6 host goes in brackets, [\(hostPart)]:\(portPart)") }
        }
        guard !hostPart.isEmpty else { throw Invalid(description: "no host before the port") }
        guard !hostPart.contains(where: \.isWhitespace) else { throw Invalid(description: "the host contains white space") }
        // Digits only: Int() alone would also take a sign.
        guard !portPart.isEmpty, portPart.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portPart), port <= 65535 else {
            throw Invalid(description: "the port must be a number from 0 to 65535")
        }
        self.host = String(hostPart)
        self.port = port
    }

    public init?(_ text: String) {
        guard let parsed = try? ListenAddress(parsing: text) else { return nil }
        self = parsed
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
