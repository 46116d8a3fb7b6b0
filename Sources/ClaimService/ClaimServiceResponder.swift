import Foundation
import HTTPTypes
import Hummingbird
import OneClick

/// The HTTP front: CORS preflights, the body limit, authentication, routing, and rendering of
/// answers and errors in each route's protocol. Everything behind it works on `ServiceOperation`s.
struct ClaimServiceResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let core: ClaimServiceCore
    let date = HTTPDate()
    let cors = CORSMiddleware<BasicRequestContext>(
        allowOrigin: .all,
        allowHeaders: [
            .authorization, .contentType, .accept, .origin,
            HTTPField.Name("X-Amz-Date")!, HTTPField.Name("X-Amz-Target")!,
            HTTPField.Name("X-Amz-Content-Sha256")!, HTTPField.Name("X-Amz-Security-Token")!,
            HTTPField.Name("X-Amz-User-Agent")!, HTTPField.Name("amz-sdk-invocation-id")!,
            HTTPField.Name("amz-sdk-request")!,
        ],
        allowMethods: [.get, .put, .post, .delete, .head, .options],
        exposedHeaders: ["x-amzn-RequestId", "x-amzn-ErrorType"],
        maxAge: .seconds(600)
    )

    func respond(to request: Request, context: Context) async throws -> Response {
        // The clock is read only when metrics are kept: `run`'s embedded service pays nothing.
        let started = core.configuration.metrics == nil ? nil : ContinuousClock.now
        let requestId = UUID.random().lowercasedString
        var operation = OperationName.unknown
        var response = try await cors.handle(request, context: context) { request, _ in
            await self.answer(request, requestId: requestId, operation: &operation)
        }
        if request.method == .options, response.status == .noContent {
            // CORSMiddleware answers a preflight 204; the contract is 200 on every route.
            response.status = .ok
        }
        response.headers[.amznRequestId] = requestId
        response.headers[.date] = date.header(nowMicros: WireTimestamp.now().microseconds)
        if let metrics = core.configuration.metrics, let started {
            let elapsed = ContinuousClock.now - started
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            metrics.request(operation, status: response.status.code, nanoseconds: nanoseconds)
        }
        return response
    }

    /// The answer to a request that CORS let through; `operation` is set to what the route names.
    private func answer(_ request: Request, requestId: String, operation name: inout OperationName) async -> Response {
        let method = request.method.rawValue
        if request.method == .options {
            // A preflight without Origin (CORSMiddleware answers those with one).
            return Response(status: .ok)
        }
        let target = request.headers[.amzTarget]
        let match = Routes.match(method: method, rawPath: request.uri.path, target: target)
        name = match.operationName
        let wire: WireProtocol = switch match {
        case .operation(let op): op.wire
        case .unknownTarget: .json11
        default: .restJSON
        }
        do {
            let body = try await collectBody(request)
            // `canonicalName` is the name in lower case already.
            var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
            // HTTP/1's Host header arrives as the request's authority; SigV4 signs it as `host`.
            if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
            let signed = SignedRequest(
                method: method, rawPath: request.uri.path, rawQuery: request.uri.query, headers: headers, body: body)
            let authentication = try await core.authenticate(signed, signingName: wire == .json11 ? "a4b" : "iot1click")
            let operation: ServiceOperation
            switch match {
            case .operation(let op): operation = op
            case .unknownTarget(let t):
                throw ServiceError(.unknownOperation, t.isEmpty
                    ? "POST / needs an X-Amz-Target header; this service answers \(Routes.avsTarget)"
                    : "unknown operation \(t): this service answers \(Routes.avsTarget)")
            case .malformedPath(let why):
                throw ServiceError.invalidRequest(why)
            case .unknown:
                throw ServiceError(.unknownOperation, "no operation matches \(method) \(request.uri.path)")
            }
            // One check for every route, so no handler sees a body that is not UTF-8 or holds a NUL.
            try JSONWire.requireUTF8(body, as: wire)
            try JSONWire.requireNoNUL(body, as: wire)
            let now = core.configuration.now()
            // Replay protection, for every state-changing route in one place.
            if operation.spendsSignature, let signature = authentication.signature {
                try await core.spend(signature, now: now)
            }
            let query = try QueryParameters.parse(request.uri.query)
            let reply = try await core.handle(
                operation, OperationInput(caller: authentication.caller, query: query, body: body, now: now)
            )
            return render(reply, wire: wire)
        } catch let error as ServiceError {
            return ErrorRendering.response(for: error, protocol: wire, requestId: requestId)
        } catch {
            return ErrorRendering.response(
                for: ServiceError(.internalFailure, "unexpected error: \(error)"), protocol: wire, requestId: requestId)
        }
    }

    /// The body, at most `maxBodyBytes`; past that a 413 without reading the rest.
    private func collectBody(_ request: Request) async throws -> [UInt8] {
        let limit = core.configuration.maxBodyBytes
        let tooLarge = ServiceError(.requestEntityTooLarge, "the request body is larger than \(limit) bytes")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= limit else { throw tooLarge }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    private func render(_ reply: Reply, wire: WireProtocol) -> Response {
        guard let body = reply.body else { return Response(status: .init(code: reply.status)) }
        var headers = HTTPFields()
        headers[.contentType] = wire == .json11 ? "application/x-amz-json-1.1" : "application/json"
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
