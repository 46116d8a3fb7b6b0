import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The claim service as a `Service`: run it in a ServiceGroup (the daemon's embedded mode), or
/// use `start` to run it in the background and learn the bound port (tests, `serve`).
///
/// The HTTP server is built directly from HummingbirdCore rather than through `Application`,
/// whose Date-header cache wakes the process once a second; this one sleeps until a request.
public struct ClaimServer: Service {
    let core: ClaimServiceCore
    let logger: Logger
    /// The open connections and their cap (`ConnectionGuard`).
    let connections: ConnectionRegistry
    let onListening: @Sendable (Int) async -> Void

    /// Opens (and migrates) the store. Refuses `allowUnsigned` on a non-loopback address.
    public init(
        configuration: ClaimServiceConfiguration,
        logger: Logger = Logger(label: "clickbridge.service"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        if configuration.allowUnsigned, !Self.isLoopback(configuration.host) {
            throw ClaimServerError.unsignedOnNonLoopback(configuration.host)
        }
        core = try ClaimServiceCore(configuration: configuration, logger: logger)
        self.logger = logger
        connections = Self.connectionRegistry(configuration.connectionLimits, logger: logger)
        self.onListening = onListening
    }

    public func run() async throws {
        let responder = ClaimServiceResponder(core: core)
        let logger = self.logger
        let onListening = self.onListening
        // Deadlines on every connection and a cap on how many are open (ConnectionGuard).
        let limits = core.configuration.connectionLimits
        let registry = connections
        logger.info("at most \(registry.cap) connections at once (\(registry.capSource)); a request's headers must arrive within \(limits.headerTimeout) of connecting or \(limits.idleTimeout) of the last response, and its body within \(limits.bodyTimeout)")
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(registry: registry, limits: limits, logger: logger)])
        let server = try HTTPServerBuilder.http1(configuration: http1).buildServer(
            configuration: ServerConfiguration(address: .hostname(core.configuration.host, port: core.configuration.port)),
            eventLoopGroup: EventLoopGroupProvider.singleton.eventLoopGroup,
            logger: logger,
            responder: { request, responseWriter, channel in
                let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
                let response = try await responder.respond(to: request, context: context)
                try await responseWriter.write(response: response.head, body: response.body)
            },
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            }
        )
        // Click callbacks are delivered beside the server and stop with it; what is pending then
        // stays queued in the store for the next start.
        let callbacks = core.callbacks
        let core = self.core
        try await withThrowingDiscardingTaskGroup { group in
            // Retention runs at start, then on ingest at most hourly: no timer. Beside the server,
            // so that a fleet's database being down does not hold up listening.
            if let cutoff = core.retention.cutoffIfDue(now: core.configuration.now()) {
                group.addTask { _ = try? await core.store.pruneEvents(receivedBefore: cutoff) }
            }
            group.addTask { await callbacks.run() }
            do {
                try await server.run()
            } catch let error as IOError where ClaimServerError.bindErrnos.contains(error.errnoCode) {
                throw ClaimServerError.cannotListen(host: core.configuration.host, port: core.configuration.port, errno: error.errnoCode)
            }
            group.cancelAll()
        }
    }

    /// Starts the service in the background; returns once it accepts connections.
    public static func start(
        configuration: ClaimServiceConfiguration, logger: Logger = Logger(label: "clickbridge.service")
    ) async throws -> RunningClaimServer {
        let started = try await ListeningService.start(logger: logger, notStarted: ClaimServerError.didNotStart) { onListening in
            try ClaimServer(configuration: configuration, logger: logger, onListening: onListening)
        }
        return RunningClaimServer(port: started.port, group: started.group, task: started.task, connections: started.server.connections)
    }

    /// The registry of the server's connections, with its cap: configured, or derived from the
    /// descriptor limit when the server is made.
    static func connectionRegistry(_ limits: ConnectionLimits, logger: Logger) -> ConnectionRegistry {
        if let configured = limits.maxConnections {
            return ConnectionRegistry(cap: configured, capSource: "set by --max-connections", logger: logger)
        }
        let descriptors = ConnectionLimits.descriptorLimit()
        return ConnectionRegistry(cap: ConnectionLimits.derivedMaxConnections(descriptorLimit: descriptors),
                                  capSource: "from the descriptor limit of \(descriptors)", logger: logger)
    }

    /// Whether `host` is a loopback address, where unsigned requests may be allowed.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// A service started with `ClaimServer.start`.
public final class RunningClaimServer: Sendable {
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let connections: ConnectionRegistry

    init(port: Int, group: ServiceGroup, task: Task<Void, any Error>, connections: ConnectionRegistry) {
        self.port = port
        self.group = group
        self.task = task
        self.connections = connections
    }

    /// Connections open now (tests).
    var openConnections: Int { connections.count }

    /// Stops accepting, finishes requests in flight, and returns when stopped.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

public enum ClaimServerError: Error, CustomStringConvertible {
    case unsignedOnNonLoopback(String)
    case didNotStart
    /// The service's database could not be opened; the text names the file and why.
    case cannotOpenStore(String)
    /// The listening socket could not be bound: `EADDRINUSE` (another process listens there),
    /// `EADDRNOTAVAIL` (no such local address) or `EACCES` (a privileged port).
    case cannotListen(host: String, port: Int, errno: Int32)

    /// The errnos of a failed bind, as NIO's `IOError` carries them.
    static let bindErrnos: Set<Int32> = [EADDRINUSE, EADDRNOTAVAIL, EACCES]

    /// Whether another process already listens on the address.
    public var isAddressInUse: Bool {
        if case .cannotListen(_, _, EADDRINUSE) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unsignedOnNonLoopback(let host):
            "--allow-unsigned is only allowed on a loopback address (127.0.0.1, ::1, localhost), not \(host): listen on loopback or drop the flag"
        case .didNotStart:
            "the claim service stopped before it accepted connections"
        case .cannotOpenStore(let what):
            "cannot open the service's database \(what)"
        case let .cannotListen(host, port, errno):
            "cannot listen on \(host.contains(":") ? "[\(host)]" : host):\(port): \(String(cString: strerror(errno)))"
        }
    }
}

extension ClaimServer {
    /// Runs until SIGTERM or SIGINT, then finishes requests in flight and returns. `others` (the
    /// metrics listener) run beside it; if one fails, all stop and its error is thrown.
    public func runUntilTerminated(alongside others: [any Service] = []) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [self] + others, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
