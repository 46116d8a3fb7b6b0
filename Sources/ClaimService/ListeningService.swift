import Logging
import ServiceLifecycle

/// A server started in the background in a service group of its own, once it listens: the claim
/// server (`ClaimServer.start`) and the metrics listener (in tests) start the same way.
package struct ListeningService<Server: Service>: Sendable {
    package let server: Server
    package let port: Int
    package let group: ServiceGroup
    package let task: Task<Void, any Error>

    /// Makes the server with `make`, handing it the callback it calls with its port once it
    /// listens, and runs it. Returns then; if the server stops before it listens (it could not
    /// bind), throws its error, or `notStarted` when it stopped without one.
    package static func start(logger: Logger, notStarted: any Error,
                              _ make: (@escaping @Sendable (Int) async -> Void) throws -> Server) async throws -> ListeningService {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = try make { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        // If the server fails to bind, run() throws and the stream never yields: watch for that.
        let failure = Task {
            if case .failure = await task.result { continuation.finish() }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            failure.cancel()
            try await task.value
            throw notStarted
        }
        failure.cancel()
        return ListeningService(server: server, port: port, group: group, task: task)
    }
}
