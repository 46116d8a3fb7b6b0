import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import HTTPTypes
import OneClick
import Synchronization
import TestSupport
import Testing

@testable import ClaimService

/// The service's deadlines and connection cap against clients that connect and never finish a
/// request (ConnectionGuard, ConnectionRegistry). Every wait has a failure deadline far longer
/// than the deadline under test; none is a latency bound.
@Suite struct SlowConnectionTests {
    static let failAfter: Duration = .seconds(30)
    static let request = "GET /devices HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    static func service(_ limits: ConnectionLimits, logger: Logger = Logger(label: "clickbridge.service")) async throws -> (RunningClaimServer, String) {
        let directory = temporaryDirectory()
        let server = try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: directory, authenticator: RejectAll(), connectionLimits: limits), logger: logger)
        return (server, directory)
    }

    @Test("a connection that sends nothing is closed at the header deadline")
    func silentConnectionClosed() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .milliseconds(300)))
        defer { Task { await server.shutdown() } }
        let c = try RawConnection(port: server.port)
        #expect(await c.waitUntilClosed(limit: Self.failAfter))
    }

    @Test("a head trickled a byte at a time is closed at the header deadline: bytes do not extend it")
    func trickledHeadClosed() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .milliseconds(500)))
        defer { Task { await server.shutdown() } }
        let c = try RawConnection(port: server.port)
        c.send("GET /devices HTTP/1.1\r\n")
        // A byte every 50 ms, ten times faster than the deadline: a deadline that restarted at
        // each byte would never pass.
        let deadline = ContinuousClock.now + Self.failAfter
        var closed = false
        while !closed, ContinuousClock.now < deadline {
            c.send("X")
            try await Task.sleep(for: .milliseconds(50))
            closed = c.isClosedByPeer
        }
        #expect(closed)
    }

    // Two tests, not one: with a short idle deadline, "still open between requests" would
    // depend on how promptly this process is scheduled.
    @Test("keep-alive: the next request on a connection is answered on the same connection")
    func keepAlive() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .seconds(600)))
        defer { Task { await server.shutdown() } }
        let c = try RawConnection(port: server.port)
        for _ in 0..<3 {
            #expect(c.send(Self.request))
            let answer = try #require(await c.readResponse())
            // Unsigned: 403, a whole answer on a connection that stays open.
            #expect(answer.status == 403)
            #expect(!c.isClosedByPeer)
        }
        #expect(server.openConnections == 1)
    }

    @Test("a connection idle after an answer is closed at the idle deadline")
    func idleAfterAnswerClosed() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .milliseconds(300)))
        defer { Task { await server.shutdown() } }
        let c = try RawConnection(port: server.port)
        #expect(c.send(Self.request))
        _ = try #require(await c.readResponse())
        #expect(await c.waitUntilClosed(limit: Self.failAfter))
    }

    @Test("a body that stops arriving is closed at the body deadline")
    func stalledBodyClosed() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .seconds(600), bodyTimeout: .milliseconds(300)))
        defer { Task { await server.shutdown() } }
        let c = try RawConnection(port: server.port)
        c.send("POST /devices/G030PM0123456789/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"eventId\"")
        #expect(await c.waitUntilClosed(limit: Self.failAfter))
    }

    @Test("a client that sends requests and never reads the answers is closed once the connection has stayed unwritable for the body deadline")
    func unreadAnswersClosed() async throws {
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .seconds(600),
                                                                  bodyTimeout: .milliseconds(500)))
        defer { Task { await server.shutdown() } }
        // A small receive buffer, and pipelined requests whose 403 answers far exceed it and the
        // service's send buffer: the service's writes stall while the request stays "busy".
        let c = try RawConnection(port: server.port, receiveBuffer: 4096)
        let batch = String(repeating: Self.request, count: 200)
        let deadline = ContinuousClock.now + Self.failAfter
        var closed = false
        while !closed, ContinuousClock.now < deadline {
            // The service, closing with requests unread, resets the connection: sends fail.
            closed = !c.send(batch) || c.isClosedByPeer
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(closed)
    }

    @Test("at the cap, a client that sends its request at once is answered, and the connection idle longest is closed")
    func capClosesTheOldestIdle() async throws {
        let logs = CapturedLogs()
        let (server, _) = try await Self.service(ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .seconds(600), maxConnections: 8),
                                                 logger: logs.logger())
        defer { Task { await server.shutdown() } }
        // Eight connections that say nothing fill the cap, registered in this order.
        var idle: [RawConnection] = []
        for i in 1...8 {
            idle.append(try RawConnection(port: server.port))
            try await Self.waitFor(server, open: i)
        }
        // One that asks at once is answered, again and again: each time the oldest silent one goes.
        var clients: [RawConnection] = []
        for round in 1...3 {
            let client = try RawConnection(port: server.port)
            clients.append(client)
            #expect(client.send(Self.request))
            #expect(try #require(await client.readResponse()).status == 403)
            #expect(await idle[round - 1].waitUntilClosed(limit: Self.failAfter), "round \(round)")
            // The answered client now idles: it is the newest waiter, so the next round closes an older one.
        }
        for c in idle[3...] + clients { #expect(!c.isClosedByPeer) }
        #expect(server.connections.capClosings.evicted == 3)
        // Logged once when the cap was first reached; the later closings wait for the minute's count.
        #expect(logs.messages(atLeast: .warning).filter { $0.contains("connection cap reached") }.count == 1)
    }

    @Test("a busy connection is never closed for the cap: with every one busy, the new connection is refused")
    func busyConnectionsKept() throws {
        let registry = ConnectionRegistry(cap: 2, capSource: "test", logger: Logger(label: "test"))
        let a = EmbeddedChannel(), b = EmbeddedChannel(), c = EmbeddedChannel()
        for ch in [a, b, c] { try ch.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait() }
        guard case .admitted(let ia) = registry.register(a), case .admitted(let ib) = registry.register(b) else {
            Issue.record("the first two connections must be admitted")
            return
        }
        registry.update(ia, to: .busy)
        registry.update(ib, to: .busy)
        #expect(registry.register(c) == .refused)
        #expect(a.isActive && b.isActive)
        #expect(registry.capClosings.refused == 1)
    }

    @Test("the cap closes connections waiting for a head first, oldest first, then those waiting for a body")
    func evictionOrder() throws {
        let registry = ConnectionRegistry(cap: 3, capSource: "test", logger: Logger(label: "test"))
        var channels: [EmbeddedChannel] = []
        func open() throws -> UInt64 {
            let ch = EmbeddedChannel()
            try ch.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            channels.append(ch)
            guard case .admitted(let id) = registry.register(ch) else { throw RawConnectionError("refused") }
            return id
        }
        let a = try open(), b = try open(), c = try open()
        // a reads a body; b is answered and idles again, now after c.
        registry.update(a, to: .body)
        registry.update(b, to: .body)
        registry.update(b, to: .busy)
        registry.update(b, to: .head)
        let d = try open()      // closes c, the head waiter that has waited longest
        #expect(!channels[2].isActive)
        registry.remove(c)
        let e = try open()      // closes b, the next head waiter
        #expect(!channels[1].isActive)
        registry.remove(b)
        // d and e go busy: the next closes a, the only one still waiting on its client.
        registry.update(d, to: .busy)
        registry.update(e, to: .busy)
        _ = try open()
        #expect(!channels[0].isActive)
        #expect(channels[3].isActive && channels[4].isActive && channels[5].isActive)
    }

    @Test("many keep-alive requests leave no trail: the registry keeps only open connections")
    func registryStaysSmall() throws {
        let registry = ConnectionRegistry(cap: 4, capSource: "test", logger: Logger(label: "test"))
        let ch = EmbeddedChannel()
        try ch.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        guard case .admitted(let id) = registry.register(ch) else { Issue.record("refused"); return }
        for _ in 0..<100_000 {
            registry.update(id, to: .body)
            registry.update(id, to: .busy)
            registry.update(id, to: .head)
        }
        #expect(registry.queuedStamps <= 2 * (2 * registry.count + 65))
        registry.remove(id)
        #expect(registry.count == 0)
    }

    /// ConnectionGuard sets a body deadline only when a read ends with the body still to come;
    /// these walk through it on virtual time.
    static func guardedChannel(_ limits: ConnectionLimits) throws -> (EmbeddedEventLoop, EmbeddedChannel) {
        let loop = EmbeddedEventLoop()
        let registry = ConnectionRegistry(cap: 8, capSource: "test", logger: Logger(label: "test"))
        let channel = EmbeddedChannel(handler: ConnectionGuard(registry: registry, limits: limits, logger: Logger(label: "test")), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (loop, channel)
    }

    static let head = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/devices/G030PM0123456789/events"))
    static let limits = ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(75), bodyTimeout: .seconds(5))

    @Test("a body still to come when a read ends has the body deadline from its head; later parts do not extend it")
    func bodyDeadlineFromTheHead() throws {
        let (loop, channel) = try Self.guardedChannel(Self.limits)
        loop.advanceTime(by: .seconds(1))
        try channel.writeInbound(Self.head)                        // a read that ends after the head: deadline 6 s
        loop.advanceTime(by: .seconds(3))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{")))  // 4 s: a part, not the end
        loop.advanceTime(to: .uptimeNanoseconds(0) + .milliseconds(5_999))
        #expect(channel.isActive)
        loop.advanceTime(to: .uptimeNanoseconds(0) + .seconds(6))
        #expect(!channel.isActive)
    }

    @Test("a request whole in one read sets no body deadline: busy, it is never closed; answered, the idle deadline runs")
    func wholeRequestInOneRead() throws {
        let (loop, channel) = try Self.guardedChannel(Self.limits)
        let pipeline = channel.pipeline.syncOperations
        pipeline.fireChannelRead(NIOAny(Self.head))                // head, body and end in one read
        pipeline.fireChannelRead(NIOAny(HTTPRequestPart.body(ByteBuffer(string: "{}"))))
        pipeline.fireChannelRead(NIOAny(HTTPRequestPart.end(nil)))
        pipeline.fireChannelReadComplete()
        loop.advanceTime(by: .seconds(3600))                       // past the header and body deadlines: busy
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponsePart.end(nil))       // answered: idle deadline 75 s from now
        loop.advanceTime(by: .seconds(74))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test("a head cancels the idle deadline, and the body deadline replaces it")
    func headReplacesTheIdleDeadline() throws {
        let (loop, channel) = try Self.guardedChannel(ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(75), bodyTimeout: .seconds(100)))
        loop.advanceTime(by: .seconds(9))
        try channel.writeInbound(Self.head)                        // 9 s, before the header deadline: body deadline 109 s
        loop.advanceTime(to: .uptimeNanoseconds(0) + .seconds(108))
        #expect(channel.isActive)
        loop.advanceTime(to: .uptimeNanoseconds(0) + .seconds(109))
        #expect(!channel.isActive)
    }

    @Test("the cap's log: a warning the first time, then a count at most once per interval")
    func capLogIsThrottled() throws {
        let logs = CapturedLogs()
        let registry = ConnectionRegistry(cap: 1, capSource: "test", logger: logs.logger(), reportInterval: .milliseconds(200))
        let loop = EmbeddedEventLoop()
        var channels: [EmbeddedChannel] = []
        for _ in 0..<50 {
            let ch = EmbeddedChannel(loop: loop)
            try ch.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            channels.append(ch)
            guard case .admitted(let id) = registry.register(ch) else { Issue.record("refused"); return }
            _ = id
        }
        #expect(channels.dropLast().allSatisfy { !$0.isActive })
        #expect(logs.messages(atLeast: .warning).count == 1)
        #expect(logs.messages(atLeast: .warning).first?.contains("connection cap reached") == true)
        // The 48 later closings are logged as one count when the interval has passed.
        Thread.sleep(forTimeInterval: 0.3)
        loop.advanceTime(by: .seconds(1))
        #expect(logs.messages(atLeast: .warning).count == 2)
        #expect(logs.messages(atLeast: .warning).last?.contains("closed 48 connection(s)") == true)
        // Nothing new: no further line.
        Thread.sleep(forTimeInterval: 0.3)
        loop.advanceTime(by: .seconds(1))
        #expect(logs.messages(atLeast: .warning).count == 2)
    }

    @Test("the derived cap leaves an eighth of the descriptor limit, at least 64, to the rest of the process")
    func derivedCap() {
        #expect(ConnectionLimits.derivedMaxConnections(descriptorLimit: 1024) == 896)
        #expect(ConnectionLimits.derivedMaxConnections(descriptorLimit: 4096) == 3584)
        #expect(ConnectionLimits.derivedMaxConnections(descriptorLimit: 256) == 192)
        #expect(ConnectionLimits.derivedMaxConnections(descriptorLimit: 20) == 8)
        #expect(ConnectionLimits(maxConnections: 5).resolvedMaxConnections() == 5)
    }

    @Test("the systemd unit raises the descriptor limit above systemd's default soft limit of 1024")
    func unitRaisesDescriptorLimit() throws {
        let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("udev/clickbridge.service")
        let lines = try String(contentsOf: unit, encoding: .utf8).split(separator: "\n")
        let values = lines.filter { $0.hasPrefix("LimitNOFILE=") }.map { $0.dropFirst("LimitNOFILE=".count) }
        #expect(values.count == 1)
        let limit = try #require(values.first.flatMap { Int($0) }, "LimitNOFILE is one number (soft and hard)")
        #expect(limit > 1024)
        // The cap it gives the embedded service is above what 1024 gave.
        #expect(ConnectionLimits.derivedMaxConnections(descriptorLimit: limit) > ConnectionLimits.derivedMaxConnections(descriptorLimit: 1024))
    }

    static func waitFor(_ server: RunningClaimServer, open count: Int) async throws {
        let deadline = ContinuousClock.now + failAfter
        while server.openConnections < count {
            guard ContinuousClock.now < deadline else { throw RawConnectionError("the server has \(server.openConnections) connections, not \(count)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
