import ClaimStorePostgres
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// A real `ClaimServer` on a free loopback port with a real credentials file, and a client that
/// signs every request with SigV4 as botocore does.
struct LiveService {
    static let profiles: [(name: String, account: String)] = [
        ("bridge", "111122223333"), ("owner", "111122223333"), ("other", "444455556666"), ("bridge2", "444455556666"),
    ]

    /// nil when the service is another process (the crash test).
    let server: RunningClaimServer?
    let port: Int
    let credentials: CredentialsFile
    let directory: String
    /// The PostgreSQL database, when the service keeps its state there.
    var databaseURL: String? = nil

    static func writeCredentials(in directory: String) throws -> CredentialsFile {
        let file = CredentialsFile(profiles: profiles.map { CredentialGenerator.profile(name: $0.name, accountId: $0.account) })
        try file.write(path: directory + "/credentials")
        return file
    }

    /// `directory` (and for PostgreSQL `sharing`): another service's, to start again where it
    /// stopped (its credentials and state).
    static func start(_ backend: Backend = .sqlite, directory reused: String? = nil, sharing databaseURL: String? = nil,
                      configure: (inout ClaimServiceConfiguration) -> Void = { _ in }) async throws -> LiveService {
        let directory = reused ?? temporaryDirectory()
        let file = try reused.map { try CredentialsFile.load(path: $0 + "/credentials") } ?? writeCredentials(in: directory)
        let path = directory + "/credentials"
        var config = ClaimServiceConfiguration(
            stateDirectory: directory + "/state", authenticator: CredentialStoreAuthenticator(store: try CredentialStore(path: path)))
        var url: String?
        if backend == .postgres {
            url = if let databaseURL { databaseURL } else { try await ThrowawayPostgres.shared().newDatabase() }
            let store = try PostgresClaimStore(url: DatabaseURL(parsing: url!), logger: Logger(label: "clickbridge.postgres"),
                                               connectionWait: .seconds(60))
            // Migrated before the first request, as `serve` does: on a loaded machine a fresh
            // database's migration could take the first request past the test client's 15 s.
            await store.prepare()
            config.store = store
        }
        configure(&config)
        let server = try await ClaimServer.start(configuration: config)
        return LiveService(server: server, port: server.port, credentials: file, directory: directory, databaseURL: url)
    }

    struct Answer: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
        var code: String? { json["code"] as? String ?? json["__type"] as? String }
    }

    /// A request ready to go: signed, not sent. Sending it twice is a replay.
    struct Prepared: Sendable {
        /// The Host header it was signed with: it goes with it to whichever service it is sent to.
        var host: String
        var method: String
        var uri: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]?

        var signature: String? {
            headers.first { $0.name.lowercased() == "authorization" }?.value.components(separatedBy: "Signature=").last
        }
    }

    /// Sends one request. `profile` nil sends it unsigned; `service` is the signing name.
    /// `bytes` is a body that need not be UTF-8 (it replaces `body`).
    func send(
        _ method: String, _ rawPath: String, query: String = "", body: String? = nil, bytes raw: [UInt8]? = nil,
        profile: String? = "owner", service: String = "iot1click", region: String = "us-east-1",
        headers extra: [(String, String)] = [], date: Date = Date(), secret: String? = nil
    ) async throws -> Answer {
        try await deliver(prepare(method, rawPath, query: query, body: body, bytes: raw, profile: profile, service: service,
                                  region: region, headers: extra, date: date, secret: secret))
    }

    /// Signs a request as `send` would. Like `OneClickClient`, it carries a fresh
    /// `amz-sdk-invocation-id` and `amz-sdk-request: attempt=1; max=1`, signed, so that two equal
    /// requests in one second are two requests, not a replay. `sdk` replaces them; with
    /// `signSDKHeaders` false they go unsigned, as botocore sends them.
    func prepare(
        _ method: String, _ rawPath: String, query: String = "", body: String? = nil, bytes raw: [UInt8]? = nil,
        profile: String? = "owner", service: String = "iot1click", region: String = "us-east-1",
        headers extra: [(String, String)] = [], date: Date = Date(), secret: String? = nil,
        sdk: (invocationId: String, attempt: Int)? = (UUID().uuidString.lowercased(), 1), signSDKHeaders: Bool = true
    ) throws -> Prepared {
        let host = "127.0.0.1:\(port)"
        var signedHeaders: [(name: String, value: String)] = extra.map { (name: $0.0, value: $0.1) }
        if body != nil || raw != nil, !extra.contains(where: { $0.0.lowercased() == "content-type" }) {
            signedHeaders.append(("Content-Type", "application/json"))
        }
        var unsigned: [(name: String, value: String)] = []
        if let sdk {
            let headers = [("amz-sdk-invocation-id", sdk.invocationId), ("amz-sdk-request", "attempt=\(sdk.attempt); max=1")]
            if signSDKHeaders { signedHeaders += headers } else { unsigned += headers }
        }
        var all = signedHeaders
        let bytes = raw ?? Array((body ?? "").utf8)
        if let profile {
            let p = try #require(credentials.profile(named: profile))
            let signer = SigV4Signer(accessKeyId: p.accessKeyId, secretAccessKey: secret ?? p.secretAccessKey, region: region, service: service)
            let signature = signer.sign(method: method, host: host, rawPath: rawPath, rawQuery: query, headers: signedHeaders, body: bytes, date: date)
            all = signature.headers.filter { $0.name.lowercased() != "host" }
        }
        return Prepared(host: host, method: method, uri: query.isEmpty ? rawPath : rawPath + "?" + query, headers: all + unsigned,
                        body: raw ?? body.map { Array($0.utf8) })
    }

    /// Sends a prepared request, as many times as asked.
    func deliver(_ prepared: Prepared) async throws -> Answer {
        var fields = HTTPFields()
        for (name, value) in prepared.headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let request = TestClient.Request(prepared.uri, method: HTTPRequest.Method(prepared.method)!, authority: prepared.host,
                                         headers: fields, body: prepared.body.map { ByteBuffer(bytes: $0) })
        let response = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
        return Answer(status: Int(response.status.code), headers: response.headers,
                      body: response.body.map { String(buffer: $0) } ?? "")
    }

    func shutdown() async { await server?.shutdown() }
}

extension HTTPFields {
    subscript(raw name: String) -> String? { self[HTTPField.Name(name)!] }
}
