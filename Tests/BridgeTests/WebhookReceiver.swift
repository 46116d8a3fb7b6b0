import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A real HTTP server on loopback that records what webhooks deliver, and answers each request
/// with the next scripted status (200 once the script is used up).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var method: String
        var path: String
        /// Keyed by the lowercased name.
        var headers: [String: String]
        var body: [UInt8]
    }

    private let state = Mutex<(deliveries: [Delivery], script: [Int])>(([], []))
    private let task = Mutex<Task<Void, Error>?>(nil)

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    /// Starts the server; returns its URL base, `http://127.0.0.1:PORT`.
    func start(answers script: [Int] = []) async throws -> String {
        state.withLock { $0.script = script }
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let status = self.state.withLock { s -> Int in
                s.deliveries.append(Delivery(method: request.method.rawValue, path: request.uri.path, headers: headers,
                                             body: Array(body.readableBytesView)))
                return s.script.isEmpty ? 200 : s.script.removeFirst()
            }
            return Response(status: .init(code: status))
        }
        router.post("/hook", use: handler)
        router.put("/hook", use: handler)
        let (portStream, portInput) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  portInput.yield(channel.localAddress?.port ?? 0)
                                  portInput.finish()
                              })
        task.withLock { $0 = Task { try await app.run() } }
        var port = 0
        for await p in portStream { port = p }
        return "http://127.0.0.1:\(port)"
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
