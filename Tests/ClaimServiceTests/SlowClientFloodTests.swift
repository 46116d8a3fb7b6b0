import AsyncHTTPClient
import Foundation
import OneClick
import TestSupport
import Testing

@testable import ClaimService

#if canImport(Glibc)
import Glibc
#endif

/// The attack of the hardening issue, against the built `clickbridge serve` with the descriptor
/// limit systemd gives a service by default (`ulimit -n 1024`) and its default deadlines: 2,000
/// connections that never finish a request, half of them trickling a partial head, half silent.
/// A client that signs and sends its request at once must still be answered, and every slow
/// connection must be closed by the service.
@Suite(.serialized) struct SlowClientFloodTests {
    static let slowConnections = 2000
    /// Failure deadlines, far beyond the defaults under test (10 s for a head): not latency bounds.
    static let answerLimit: Duration = .seconds(20)
    static let closeLimit: Duration = .seconds(60)

    @Test func twoThousandSlowConnectionsUnderUlimit1024() async throws {
        let binary = try ClickBridgeBinary.required()
        // This process holds the 2,000 client ends itself.
        try Self.ensureDescriptors(Self.slowConnections + 512)
        let directory = temporaryDirectory()
        let credentials = try LiveService.writeCredentials(in: directory)
        let port = try freePort()
        let log = directory + "/serve.log"
        let process = try LaunchedProcess("/bin/sh", ["-c", "ulimit -n 1024 && exec \"$0\" \"$@\"", binary,
                                                      "serve", "--listen", "127.0.0.1:\(port)", "--state-dir", directory + "/state",
                                                      "--credentials", directory + "/credentials"],
                                          standardError: .file(log))
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let owner = try OneClickClient(endpoint: "http://127.0.0.1:\(port)",
                                       credentials: ClientCredentials(profile: try #require(credentials.profile(named: "owner"))),
                                       retry: .none, timeout: Self.answerLimit)
        try await Self.waitUntilAnswering(owner, process)
        let limit = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Max open files") }
        #expect(limit?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first == "1024", "\(limit ?? "")")

        // The flood: every connect is started without waiting, so a service that stops accepting
        // cannot stall the test; half send the start of a head.
        var slow: [RawConnection] = []
        var pacing = true
        for _ in 0..<(Self.slowConnections / 50) {
            if pacing { pacing = try await Self.paceOnAcceptQueue(port) }
            for _ in 0..<50 { slow.append(try RawConnection(port: port, wait: false)) }
        }
        let trickling = slow.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        try await Task.sleep(for: .milliseconds(300))
        for c in trickling { c.send("GET /devices HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") }
        let trickle = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                for c in trickling { c.send("a") }
            }
        }
        defer { trickle.cancel() }

        // A legitimate, signed request from a new client, answered on its first attempt while the
        // flood holds, and again after more slow connections arrive.
        for round in 0..<3 {
            await #expect(throws: Never.self, "round \(round)") { try await Self.listDevicesAsNewClient(owner) }
            for _ in 0..<4 {
                if pacing { pacing = try await Self.paceOnAcceptQueue(port) }
                for _ in 0..<50 { slow.append(try RawConnection(port: port, wait: false)) }
            }
        }
        #expect(process.isRunning)

        // Every slow connection is closed by the service: at the cap, or at the header deadline.
        let deadline = ContinuousClock.now + Self.closeLimit
        var stillOpen = slow.count
        while ContinuousClock.now < deadline {
            stillOpen = slow.filter { !$0.isClosedByPeer }.count
            if stillOpen == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let openTrickling = trickling.filter { !$0.isClosedByPeer }.count
        let serviceDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
        #expect(stillOpen == 0, "\(stillOpen) of \(slow.count) slow connections still open after \(Self.closeLimit) (\(openTrickling) of them trickling); the service has \(serviceDescriptors) descriptors open, its listen queue \(Self.acceptQueue(port: port) ?? -1)")
        // Still answering afterwards.
        await #expect(throws: Never.self) { try await Self.listDevicesAsNewClient(owner) }
        // Reaching the cap was logged once, not once per connection.
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.components(separatedBy: "connection cap reached").count - 1 == 1, "\(text.suffix(2000))")
    }

    /// Waits until the listening socket's accept queue is short; false if it did not drain within
    /// 10 s (the service has stopped accepting), after which the caller stops pacing. A
    /// connection that arrives at a full queue never reaches the service: the kernel drops its
    /// handshake, and with SYN cookies the client's side believes it is connected while the
    /// service never hears of it. Pacing the flood makes each of its connections one the service
    /// must handle, even on a loaded machine; a service that stops accepting still gets the whole
    /// flood.
    static func paceOnAcceptQueue(_ port: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while let queued = acceptQueue(port: port), queued >= 128 {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// The accept queue of the socket listening on 127.0.0.1:`port` (for a listening socket,
    /// the rx_queue column of /proc/net/tcp).
    static func acceptQueue(port: Int) -> Int? {
        // Read to the end: String(contentsOfFile:) stops after procfs's first page, and the
        // listener can be anywhere in the table.
        guard let handle = FileHandle(forReadingAtPath: "/proc/net/tcp"),
              let data = try? handle.readToEnd() else { return nil }
        try? handle.close()
        let table = String(decoding: data, as: UTF8.self)
        let local = "0100007F:" + String(format: "%04X", port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 4, fields[1] == local, fields[3] == "0A" else { continue }
            return fields[4].split(separator: ":").last.flatMap { Int($0, radix: 16) }
        }
        return nil
    }

    /// ListDevices through an HTTP client of its own, so the request opens a connection of its
    /// own (the shared pool's idle one may be among those the service closed).
    static func listDevicesAsNewClient(_ owner: OneClickClient) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(Int64(answerLimit.components.seconds))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let client = try OneClickClient(endpoint: owner.endpoint, credentials: owner.credentials, retry: .none,
                                            timeout: answerLimit, httpClient: http)
            _ = try await client.listDevices()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    static func waitUntilAnswering(_ client: OneClickClient, _ process: LaunchedProcess) async throws {
        for _ in 0..<600 {
            guard process.isRunning else { throw CrashTestFailure("clickbridge serve exited with \(process.terminationStatus)") }
            if (try? await client.listDevices()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestFailure("clickbridge serve did not answer within 30 s")
    }

    /// Raises this process's soft descriptor limit to at least `count` (up to the hard limit).
    static func ensureDescriptors(_ count: Int) throws {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { throw CrashTestFailure("getrlimit: \(errno)") }
        if limit.rlim_cur >= rlim_t(count) { return }
        guard limit.rlim_max >= rlim_t(count) else {
            throw CrashTestFailure("this test holds \(count) descriptors; the hard limit is \(limit.rlim_max)")
        }
        limit.rlim_cur = rlim_t(count)
        guard setrlimit(resource, &limit) == 0 else { throw CrashTestFailure("setrlimit: \(errno)") }
    }
}
