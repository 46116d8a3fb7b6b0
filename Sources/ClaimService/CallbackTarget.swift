import Foundation
import NIOCore
import NIOPosix
import OneClick
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a click callback may go, decided before every attempt.
enum CallbackTarget: Sendable, Equatable {
    /// Send as the URL says: private addresses are allowed, or the host is an address literal
    /// that was checked (the HTTP client connects to it without a lookup).
    case direct
    /// Send to this address, the one that was checked, and to no other the name might resolve to
    /// by the time of the connection.
    case pinned(host: String, address: IPAddress)
    /// A non-public address: the delivery is dead.
    case refused(String)
    /// The name did not resolve: worth trying again, like a connection error.
    case unresolved(String)
}

/// Checks a callback URL's host at delivery: resolves it and refuses it if any of its addresses
/// is not public (`CallbackAddressPolicy`), unless private callbacks are allowed.
struct CallbackTargetCheck: Sendable {
    var allowPrivate: Bool
    /// The host's addresses, or why it has none.
    var resolve: @Sendable (String) async -> Result<[IPAddress], ResolveFailure>
    /// Why an address may not receive callbacks; nil when it may.
    var refusal: @Sendable (IPAddress) -> String?

    struct ResolveFailure: Error, Equatable {
        let reason: String
    }

    init(allowPrivate: Bool,
         resolve: @escaping @Sendable (String) async -> Result<[IPAddress], ResolveFailure> = CallbackTargetCheck.systemResolve,
         refusal: @escaping @Sendable (IPAddress) -> String? = CallbackAddressPolicy.refusal) {
        self.allowPrivate = allowPrivate
        self.resolve = resolve
        self.refusal = refusal
    }

    /// The host the HTTP client connects to for `url`: its URL host without IPv6 brackets.
    static func host(of url: String) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return host
    }

    func check(_ url: String) async -> CallbackTarget {
        guard !allowPrivate, let host = Self.host(of: url) else { return .direct }
        // An address the HTTP client takes as one (no lookup): judged as written.
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil, let address = IPAddress.literal(host) {
            if let what = refusal(address) {
                let shown = address.description == host ? host : "\(host) (\(address))"
                return .refused("callback host \(shown) is \(what): refused, since \(CallbackAddressPolicy.howToAllow)")
            }
            return .direct
        }
        let addresses: [IPAddress]
        switch await resolve(host) {
        case .failure(let failure): return .unresolved("cannot resolve callback host \(host): \(failure.reason)")
        case .success(let found): addresses = found
        }
        guard let first = addresses.first else { return .unresolved("callback host \(host) has no address") }
        // Every address must be public: a name that also leads to a private one is refused.
        for address in addresses {
            if let what = refusal(address) {
                return .refused("callback host \(host) resolves to \(address), \(what): refused, since \(CallbackAddressPolicy.howToAllow)")
            }
        }
        return .pinned(host: host, address: first)
    }

    /// getaddrinfo on NIO's thread pool (it blocks, and Swift concurrency runs on the event loops).
    @Sendable static func systemResolve(_ host: String) async -> Result<[IPAddress], ResolveFailure> {
        do {
            return try await NIOThreadPool.singleton.runIfActive { lookUp(host) }
        } catch {
            return .failure(ResolveFailure(reason: "\(error)"))
        }
    }

    private static func lookUp(_ host: String) -> Result<[IPAddress], ResolveFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0 else { return .failure(ResolveFailure(reason: String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var next = list
        while let info = next?.pointee {
            next = info.ai_next
            guard let sa = info.ai_addr else { continue }
            var bytes: [UInt8] = []
            if info.ai_family == AF_INET {
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var a = sin.pointee.sin_addr
                    bytes = withUnsafeBytes(of: &a) { Array($0) }
                }
            } else if info.ai_family == AF_INET6 {
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var a = sin6.pointee.sin6_addr
                    bytes = withUnsafeBytes(of: &a) { Array($0) }
                }
            }
            if let address = IPAddress(bytes: bytes), !found.contains(address) { found.append(address) }
        }
        return .success(found)
    }
}

/// HTTP clients that connect a host name to one checked address (AsyncHTTPClient's
/// `dnsOverride`), so the name cannot resolve to another address between the check and the
/// connection. One per (host, address), made on first use; past `capacity`, the one used least
/// recently and idle is shut down.
final class PinnedClients: Sendable {
    private struct Entry {
        let client: LazyHTTPClient
        var inFlight: Int
        var lastUse: UInt64
    }

    private struct Key: Hashable {
        let host: String
        let address: IPAddress
    }

    private let connectTimeout: TimeAmount
    private let capacity: Int
    private let entries = Mutex<(clients: [Key: Entry], uses: UInt64)>(([:], 0))

    init(connectTimeout: TimeAmount, capacity: Int = 16) {
        self.connectTimeout = connectTimeout
        self.capacity = capacity
    }

    /// Runs `body` with the client pinned to `address` for `host`.
    func with<T: Sendable>(host: String, address: IPAddress, _ body: (LazyHTTPClient) async -> T) async -> T {
        let key = Key(host: host, address: address)
        let (client, retired) = entries.withLock { e -> (LazyHTTPClient, LazyHTTPClient?) in
            e.uses += 1
            let client: LazyHTTPClient
            if var entry = e.clients[key] {
                entry.inFlight += 1
                entry.lastUse = e.uses
                e.clients[key] = entry
                client = entry.client
            } else {
                client = LazyHTTPClient(connectTimeout: connectTimeout, dnsOverride: [host: address.description])
                e.clients[key] = Entry(client: client, inFlight: 1, lastUse: e.uses)
            }
            guard e.clients.count > capacity,
                  let idle = e.clients.filter({ $0.value.inFlight == 0 }).min(by: { $0.value.lastUse < $1.value.lastUse })
            else { return (client, nil) }
            e.clients[idle.key] = nil
            return (client, idle.value.client)
        }
        if let retired { Task { await retired.shutdown() } }
        let result = await body(client)
        entries.withLock { e in e.clients[key]?.inFlight -= 1 }
        return result
    }

    /// How many pinned clients exist (tests).
    var count: Int { entries.withLock { $0.clients.count } }

    func shutdown() async {
        let all = entries.withLock { e -> [LazyHTTPClient] in
            defer { e.clients = [:] }
            return e.clients.values.map(\.client)
        }
        for client in all { await client.shutdown() }
    }
}
