import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `serve --metrics-listen`: `GET /metrics` in Prometheus's text format on an address of its own,
/// never the API's, so a scraper needs no credentials and the API stays what the model says.
/// Any other path is a 404. Built on HummingbirdCore like the claim server, without a date timer.
public struct MetricsServer: Service {
    let host: String
    let port: Int
    let metrics: PrometheusMetrics
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    public init(host: String, port: Int, metrics: PrometheusMetrics, logger: Logger,
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let metrics = self.metrics
        let onListening = self.onListening
        let server = try HTTPServerBuilder.http1().buildServer(
            configuration: ServerConfiguration(address: .hostname(host, port: port)),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger,
            responder: { request, responseWriter, _ in
                let response = Self.answer(method: request.method, path: request.uri.path, metrics: metrics)
                try await responseWriter.write(response: response.head, body: response.body)
            },
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            }
        )
        do {
            try await server.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            throw MetricsServerError.cannotListen(host: host, port: port, errno: error.errnoCode)
        }
    }

    static func answer(method: HTTPRequest.Method, path: String, metrics: PrometheusMetrics) -> Response {
        guard path == "/metrics" else {
            return text(.notFound, "only /metrics is served here\n")
        }
        guard method == .get || method == .head else {
            var response = text(.methodNotAllowed, "GET /metrics\n")
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        var headers = HTTPFields()
        // The version of the text format Prometheus expects from a plain-text exposition.
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        let body = metrics.exposition()
        return Response(status: .ok, headers: headers,
                        body: method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}

public enum MetricsServerError: Error, CustomStringConvertible {
    /// The metrics address could not be bound (in use, not local, or a privileged port).
    case cannotListen(host: String, port: Int, errno: Int32)

    public var description: String {
        switch self {
        case let .cannotListen(host, port, errno):
            "cannot listen for metrics on \(host.contains(":") ? "[\(host)]" : host):\(port): \(String(cString: strerror(errno)))"
        }
    }
}
