import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A real HTTP server on loopback standing in for what the bridge and the service call out to: a
/// webhook's endpoint, an owner's click-callback URL. It records each POST or PUT to its path and
/// answers with the next scripted answer (200 once the script is used up). `.hold` keeps the
/// request unanswered until `release()`: a slow receiver.
public final class HTTPReceiver: Sendable {
    public enum Answer: Sendable, ExpressibleByIntegerLiteral {
        case status(Int)
        case hold
        /// 302 Found with this Location.
        case redirect(String)

        public init(integerLiteral code: Int) { self = .status(code) }
    }

    public struct Delivery: Sendable {
        public var method: String
        public var path: String
        /// Keyed by the lowercased name.
        public var headers: [String: String]
        public var body: [UInt8]
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    private struct State {
        var deliveries: [Delivery] = []
        var script: [Answer] = []
        var released = false
        var held: [CheckedContinuation<Void, Never>] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let path: String
    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Error>?>(nil)

    /// `path` is the one route it answers, such as `/hook`.
    public init(path: String) { self.path = path }

    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// A receiver of `path`, started, and the URL of that path.
    public static func started(path: String, answers: [Answer] = []) async throws -> (HTTPReceiver, String) {
        let receiver = HTTPReceiver(path: path)
        return (receiver, try await receiver.start(answers: answers))
    }

    /// Starts the server; returns the URL of its path, `http://127.0.0.1:PORT/PATH`.
    public func start(answers script: [Answer] = []) async throws -> String {
        state.withLock { $0.script = script }
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await self.answer(request)
        }
        router.post(RouterPath(path), use: handler)
        router.put(RouterPath(path), use: handler)
        let (portStream, portInput) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  portInput.yield(channel.localAddress?.port ?? 0)
                                  portInput.finish()
                              })
        task.withLock { $0 = Task { try await app.run() } }
        var port = 0
        for await p in portStream { port = p }
        return "http://127.0.0.1:\(port)\(path)"
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        // HTTP/1.1's Host header arrives as the request's authority.
        if let authority = request.head.authority { headers["host"] = authority }
        let delivery = Delivery(method: request.method.rawValue, path: request.uri.path, headers: headers,
                                body: Array(body.readableBytesView))
        let (answer, ready) = state.withLock { s -> (Answer, [CheckedContinuation<Void, Never>]) in
            s.deliveries.append(delivery)
            let answer = s.script.isEmpty ? Answer.status(200) : s.script.removeFirst()
            let count = s.deliveries.count
            let ready = s.waiters.filter { $0.count <= count }.map(\.continuation)
            s.waiters.removeAll { $0.count <= count }
            return (answer, ready)
        }
        for c in ready { c.resume() }
        switch answer {
        case .status(let code):
            return Response(status: .init(code: code))
        case .redirect(let location):
            return Response(status: .found, headers: [.location: location])
        case .hold:
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.released { return true }
                    s.held.append(c)
                    return false
                }
                if now { c.resume() }
            }
            return Response(status: .ok)
        }
    }

    /// Answers the held requests, and any later `.hold`, with 200.
    public func release() {
        let held = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.released = true
            defer { s.held = [] }
            return s.held
        }
        for c in held { c.resume() }
    }

    /// Returns once `count` requests have arrived; fails after `limit`, a deadline for a broken
    /// delivery and not a latency bound.
    public func waitForRequests(_ count: Int, limit: Duration = .seconds(30)) async throws {
        let arrived = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { s -> Bool in
                        if s.deliveries.count >= count { return true }
                        s.waiters.append((count, c))
                        return false
                    }
                    if now { c.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            if !first {
                // Unblock the waiter so the group can finish.
                let waiting = self.state.withLock { s -> [CheckedContinuation<Void, Never>] in
                    defer { s.waiters = [] }
                    return s.waiters.map(\.continuation)
                }
                for c in waiting { c.resume() }
            }
            group.cancelAll()
            return first
        }
        if !arrived { throw ReceiverTimeout(expected: count, got: deliveries.count) }
    }

    public func stop() {
        release()
        task.withLock { $0?.cancel() }
    }
}

public struct ReceiverTimeout: Error, CustomStringConvertible {
    public var expected: Int
    public var got: Int
    public init(expected: Int, got: Int) {
        self.expected = expected
        self.got = got
    }
    public var description: String { "expected \(expected) requests, got \(got)" }
}
