import ClaimStorePostgres
import Foundation
import GRDB
import Logging
import OneClick
import Synchronization
import TestSupport
import Testing

@testable import ClaimService

/// A clock the tests move by hand (µs), so expiry and tolerance rules are tested without waiting.
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64 = WireTimestamp("2026-06-01T12:00:00Z")!.microseconds) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(seconds: Double) { value.withLock { $0 += Int64(seconds * 1_000_000) } }
    var iso: String { WireTimestamp(microseconds: now).formatted }
    func iso(offsetSeconds: Double) -> String { WireTimestamp(microseconds: now + Int64(offsetSeconds * 1_000_000)).formatted }
}

/// An authenticator for the core tests, which call handlers directly (HTTP tests sign for real).
struct RejectAll: RequestAuthenticator {
    func authenticate(_ request: SignedRequest, expectedService: String) async -> Result<Authentication, ServiceError> {
        .failure(ServiceError(.missingAuthenticationToken, "core tests do not authenticate"))
    }
}

func temporaryDirectory() -> String {
    let dir = testScratch.appendingPathComponent("claimservice-tests-" + UUID().uuidString).path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

let bridgeA = Caller(principal: "bridge", accountId: "111122223333", region: "us-east-1")
let ownerA = Caller(principal: "owner", accountId: "111122223333", region: "us-east-1")
let otherB = Caller(principal: "other", accountId: "444455556666", region: "eu-west-1")
let bridgeB = Caller(principal: "bridge2", accountId: "444455556666", region: "eu-west-1")

/// The service core on a fresh state directory, driven operation by operation.
struct Harness {
    let core: ClaimServiceCore
    let clock: ManualClock
    let directory: String
    /// The PostgreSQL database, when the store is one (`make`).
    var databaseURL: String?

    init(clock: ManualClock = ManualClock(), directory: String = temporaryDirectory(),
         configure: (inout ClaimServiceConfiguration) -> Void = { _ in }) throws {
        self.clock = clock
        self.directory = directory
        var config = ClaimServiceConfiguration(stateDirectory: directory, authenticator: RejectAll(), now: { [clock] in clock.now })
        configure(&config)
        core = try ClaimServiceCore(configuration: config)
    }

    @discardableResult
    func call(_ op: ServiceOperation, as caller: Caller, body: String = "", query: [(String, String)] = []) async -> Result<Reply, ServiceError> {
        do {
            return .success(try await core.handle(op, OperationInput(
                caller: caller, query: QueryParameters(pairs: query.map { (name: $0.0, value: $0.1) }),
                body: Array(body.utf8), now: clock.now)))
        } catch {
            return .failure(error)
        }
    }

    /// The call must succeed; returns the decoded body.
    func ok<T: Decodable>(_ op: ServiceOperation, as caller: Caller, body: String = "", query: [(String, String)] = [],
                          _ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) async throws -> T {
        let result = await call(op, as: caller, body: body, query: query)
        guard case .success(let reply) = result else {
            Issue.record("expected success, got \(result)", sourceLocation: sourceLocation)
            throw HarnessFailure()
        }
        return try JSONDecoder().decode(T.self, from: Data(reply.body ?? Array("{}".utf8)))
    }

    /// The call must fail with `code` (and `status`); returns the message.
    @discardableResult
    func fails(_ op: ServiceOperation, as caller: Caller, body: String = "", query: [(String, String)] = [],
               _ code: String, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
        let result = await call(op, as: caller, body: body, query: query)
        guard case .failure(let error) = result else {
            Issue.record("expected \(code), got \(result)", sourceLocation: sourceLocation)
            return ""
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.status == status, sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        return error.message
    }

    func register(_ id: String, code: String? = nil, as caller: Caller = bridgeA) async throws {
        let body = code.map { "{\"type\":\"button\",\"claimCode\":\"\($0)\"}" } ?? "{\"type\":\"button\"}"
        _ = try await ok(.registerDevice(deviceId: id), as: caller, body: body, DeviceRegistrationResponse.self)
    }

    @discardableResult
    func press(_ id: String, click: String = "SINGLE", reported: String? = nil, eventId: String = UUID().uuidString,
               life: Double? = 99.5, as caller: Caller = bridgeA) async throws -> DeviceEventResponse {
        let lifeJSON = life.map { ",\"remainingLife\":\($0)" } ?? ""
        let body = "{\"eventId\":\"\(eventId)\",\"clickType\":\"\(click)\",\"reportedTime\":\"\(reported ?? clock.iso)\"\(lifeJSON)}"
        return try await ok(.ingestDeviceEvent(deviceId: id), as: caller, body: body, DeviceEventResponse.self)
    }

    func claim(_ id: String, as caller: Caller = ownerA, tags: String = "{}") async throws {
        _ = try await ok(.initiateDeviceClaim(deviceId: id), as: caller, DeviceClaimResponse.self)
        try await press(id)
        let state = try await ok(.finalizeDeviceClaim(deviceId: id), as: caller, body: tags, DeviceClaimResponse.self)
        #expect(state.state == "CLAIMED")
    }
}

struct HarnessFailure: Error {}

func newDeviceId() -> String { "G030TS" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).uppercased() }

/// The service's click-callback deliverer, running, and the stream of what it reports.
struct RunningDeliverer {
    let reports: AsyncStream<CallbackReport>
    let task: Task<Void, Never>

    func stop() { task.cancel() }

    /// The next `count` reports (`CallbackDeliveryTests.collect`).
    func next(_ count: Int) async throws -> [CallbackReport] {
        try await CallbackDeliveryTests.collect(reports, count: count)
    }
}

extension Harness {
    /// Starts the callback deliverer; its reports are those made after this call. Stop it at the end.
    func startDeliverer() -> RunningDeliverer {
        let callbacks = core.callbacks
        let reports = callbacks.reports()
        return RunningDeliverer(reports: reports, task: Task { await callbacks.run() })
    }
}

extension ClaimServiceCore {
    /// The SQLite backend, for the tests of what it keeps in its file.
    var sqlite: Store {
        guard let store = store as? Store else { preconditionFailure("this test needs the SQLite store, not \(type(of: store))") }
        return store
    }
}

/// The store a test runs against: every store and claim-rule test runs against both.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// SQLite always; PostgreSQL where it is installed, and always in CI (where a missing one fails).
    static let all: [Backend] = ThrowawayPostgres.enabled ? [.sqlite, .postgres] : [.sqlite]

    var testDescription: String { rawValue }
}

extension Harness {
    /// A harness on `backend`: a fresh state directory, and for PostgreSQL a fresh database in
    /// the tests' cluster, or the database at `sharing` (a second instance on the same one).
    static func make(_ backend: Backend, clock: ManualClock = ManualClock(), directory: String = temporaryDirectory(),
                     sharing databaseURL: String? = nil,
                     configure: (inout ClaimServiceConfiguration) -> Void = { _ in }) async throws -> Harness {
        switch backend {
        case .sqlite:
            return try Harness(clock: clock, directory: directory, configure: configure)
        case .postgres:
            let url = if let databaseURL { databaseURL } else { try await ThrowawayPostgres.shared().newDatabase() }
            // A generous wait: with the whole suite running on two cores a new connection can take
            // seconds, and these tests are about the rules, not outages (PostgresStoreTests).
            let store = try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.postgres"),
                                               connectionWait: .seconds(60))
            var harness = try Harness(clock: clock, directory: directory) { config in
                config.store = store
                configure(&config)
            }
            harness.databaseURL = url
            return harness
        }
    }

    /// Every stored event as "eventId deviceId clickType", in the order stored, read from outside
    /// the service's calls.
    func storedEvents() async throws -> [String] {
        try await stored(sqlite: "SELECT eventId || ' ' || deviceId || ' ' || clickType FROM event ORDER BY seq",
                         postgres: "SELECT event_id || ' ' || device_id || ' ' || click_type FROM event ORDER BY seq")
    }

    /// The signatures kept for replay protection.
    func storedSignatures() async throws -> [String] {
        try await stored(sqlite: "SELECT signature FROM used_signature ORDER BY signature",
                         postgres: "SELECT signature FROM used_signature ORDER BY signature")
    }

    /// One text column of a query, in the dialect of the harness's store.
    private func stored(sqlite: String, postgres: String) async throws -> [String] {
        if let databaseURL {
            let name = String(databaseURL.split(separator: "/").last!.prefix { $0 != "?" })
            let text = try await ThrowawayPostgres.shared().psql(postgres, database: name)
            return text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
        }
        return try await core.sqlite.read { db in try String.fetchAll(db, sql: sqlite) }
    }

    /// The PostgreSQL store, for tests of what only it does.
    var postgres: PostgresClaimStore {
        guard let store = core.store as? PostgresClaimStore else { preconditionFailure("this test needs the PostgreSQL store") }
        return store
    }
}
