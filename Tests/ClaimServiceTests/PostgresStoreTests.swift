import ClaimStorePostgres
import Foundation
import Logging
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// What only the PostgreSQL store does: its schema and migrations, durable commits, the claim
/// rules when two instances race on one database, and the database going away and coming back.
/// (The rules themselves run against both stores in the other suites.)
@Suite(.enabled(if: ThrowawayPostgres.enabled)) struct PostgresStoreTests {
    static func name(of url: String) -> String { String(url.split(separator: "/").last!.prefix { $0 != "?" }) }

    @Test func migrationsAreVersionedRerunnableAndNamedForWhatTheyHold() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase()
        let first = try await Harness.make(.postgres, sharing: url)
        try await first.register(newDeviceId())
        // A second instance on the same database applies nothing twice.
        let second = try await Harness.make(.postgres, sharing: url)
        try await second.register(newDeviceId())
        let database = Self.name(of: url)
        #expect(try await postgres.psql("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migration", database: database)
                == "v1-claim-service,v2-callback-lease,v3-principal")
        let tables = try await postgres.psql("""
            SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'
            """, database: database)
        #expect(tables == "avs_device,callback_delivery,claim_initiation,device,device_tag,event,principal,schema_migration,used_signature")
        let indexes = try await postgres.psql("""
            SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'
            """, database: database)
        #expect(indexes == """
            callback_delivery_by_created,callback_delivery_by_state,device_by_claim_code,device_by_owner,event_by_device_received,\
            event_by_device_time,event_by_received,event_device_id_event_id_key,principal_access_key_id_key,\
            principal_previous_access_key_id_key,principal_seq_key,used_signature_by_expiry
            """)
    }

    /// Acknowledged means committed: the service's sessions commit synchronously even when the
    /// database's own default says otherwise.
    @Test func commitsAreSynchronousWhateverTheDatabaseDefault() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase()
        _ = try await postgres.psql("ALTER DATABASE \(Self.name(of: url)) SET synchronous_commit = off", database: Self.name(of: url))
        let h = try await Harness.make(.postgres, sharing: url)
        #expect(try await h.postgres.sessionSetting("synchronous_commit") == "on")
    }

    /// Two accounts finalize one device at once on two instances: one CLAIMED, one 409, never a 500.
    @Test func concurrentFinalizesOnTwoInstancesGiveOneClaim() async throws {
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let clock = ManualClock()
        let one = try await Harness.make(.postgres, clock: clock, sharing: url)
        let two = try await Harness.make(.postgres, clock: clock, sharing: url)
        for _ in 0..<50 {
            let id = newDeviceId()
            try await one.register(id)
            _ = try await one.ok(.initiateDeviceClaim(deviceId: id), as: ownerA, DeviceClaimResponse.self)
            _ = try await two.ok(.initiateDeviceClaim(deviceId: id), as: otherB, DeviceClaimResponse.self)
            try await one.press(id)
            async let a = one.call(.finalizeDeviceClaim(deviceId: id), as: ownerA)
            async let b = two.call(.finalizeDeviceClaim(deviceId: id), as: otherB)
            let results = await [a, b]
            let claimed = results.filter { if case .success = $0 { true } else { false } }
            let conflicts = results.compactMap { if case .failure(let e) = $0, e.status == 409 { e } else { nil } }
            #expect(claimed.count == 1 && conflicts.count == 1, "\(results)")
            #expect(conflicts.allSatisfy { $0.code == "ResourceConflictException" })
        }
    }

    /// The same event id posted to two instances at once is stored once; with another body, the
    /// second gets 409.
    @Test func theSameEventIdOnTwoInstancesIsStoredOnce() async throws {
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let clock = ManualClock()
        let one = try await Harness.make(.postgres, clock: clock, sharing: url)
        let two = try await Harness.make(.postgres, clock: clock, sharing: url)
        let id = newDeviceId()
        for round in 0..<50 {
            let eventId = UUID().uuidString
            let body = #"{"eventId":"\#(eventId)","clickType":"SINGLE","reportedTime":"\#(clock.iso)"}"#
            let other = round.isMultiple(of: 2) ? body : body.replacingOccurrences(of: "SINGLE", with: "DOUBLE")
            // The first round also races the device's implicit registration.
            async let a = one.call(.ingestDeviceEvent(deviceId: id), as: bridgeA, body: body)
            async let b = two.call(.ingestDeviceEvent(deviceId: id), as: bridgeA, body: other)
            let results = await [a, b]
            let answers = try results.map { result -> DeviceEventResponse? in
                guard case .success(let reply) = result else { return nil }
                return try JSONDecoder().decode(DeviceEventResponse.self, from: Data(reply.body ?? []))
            }
            if body == other {
                #expect(answers.compactMap { $0?.duplicate }.sorted { !$0 && $1 } == [false, true], "\(results)")
            } else {
                #expect(answers.compactMap { $0 }.count == 1, "\(results)")
                #expect(results.contains { if case .failure(let e) = $0 { e.status == 409 } else { false } }, "\(results)")
            }
        }
        let stored = try await ThrowawayPostgres.shared().psql("SELECT count(*) FROM event", database: Self.name(of: url))
        #expect(stored == "50")
    }

    /// ClaimDevicesByClaimCode is all or nothing while another account claims one of the devices
    /// on another instance: either it gets both and the other a 409, or the other gets its device
    /// and the code claims nothing (403).
    @Test func claimByCodeRacingAFinalizeIsAllOrNothing() async throws {
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let clock = ManualClock()
        let one = try await Harness.make(.postgres, clock: clock, sharing: url)
        let two = try await Harness.make(.postgres, clock: clock, sharing: url)
        for _ in 0..<50 {
            let code = "C-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)
            let (d1, d2) = (newDeviceId(), newDeviceId())
            try await one.register(d1, code: code)
            try await one.register(d2, code: code)
            _ = try await two.ok(.initiateDeviceClaim(deviceId: d2), as: otherB, DeviceClaimResponse.self)
            try await two.press(d2)
            async let byCode = one.call(.claimDevicesByClaimCode(claimCode: code), as: ownerA)
            async let finalize = two.call(.finalizeDeviceClaim(deviceId: d2), as: otherB)
            let (codeResult, finalizeResult) = await (byCode, finalize)
            let owners = try await ThrowawayPostgres.shared().psql("""
                SELECT string_agg(coalesce(owner_account, '-'), ',' ORDER BY device_id) FROM device WHERE claim_code = '\(code)'
                """, database: Self.name(of: url))
            switch (codeResult, finalizeResult) {
            case (.success, .failure(let error)):
                #expect(error.status == 409)
                #expect(owners == "\(ownerA.accountId),\(ownerA.accountId)")
            case (.failure(let error), .success):
                #expect(error.status == 403)
                let expected = [(d1, "-"), (d2, otherB.accountId)].sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")
                #expect(owners == expected)
            default:
                Issue.record("expected one winner: \(codeResult), \(finalizeResult)")
            }
        }
    }

    /// Retention runs on every instance: pruning on two at once deletes each old event once,
    /// leaves the young ones, and fails neither.
    @Test func retentionOnTwoInstancesAtOnce() async throws {
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let clock = ManualClock()
        let one = try await Harness.make(.postgres, clock: clock, sharing: url)
        let two = try await Harness.make(.postgres, clock: clock, sharing: url)
        let id = newDeviceId()
        for _ in 0..<40 { try await one.press(id) }
        clock.advance(seconds: 10)
        let cutoff = clock.now
        for _ in 0..<5 { try await two.press(id) }
        for _ in 0..<10 {
            async let a = one.core.store.pruneEvents(receivedBefore: cutoff)
            async let b = two.core.store.pruneEvents(receivedBefore: cutoff)
            let (first, second) = try await (a, b)
            #expect(first >= 0 && second >= 0)
        }
        #expect(try await one.storedEvents().count == 5)
        // Both at once over every event: between them the two counts say each was deleted once.
        for _ in 0..<20 { try await one.press(id) }
        #expect(try await one.storedEvents().count == 25)
        clock.advance(seconds: 1)
        async let a = one.core.store.pruneEvents(receivedBefore: clock.now)
        async let b = two.core.store.pruneEvents(receivedBefore: clock.now)
        let (first, second) = try await (a, b)
        #expect(first + second == 25)
        #expect(try await one.storedEvents().isEmpty)
    }

    /// Two instances' deliverers both running, events ingested on either: each callback goes out
    /// once, in the order of the events.
    @Test func eachCallbackIsDeliveredOnceWithBothInstancesDelivering() async throws {
        let (receiver, _, one, two, id) = try await Self.twoInstancesWithACallback()
        defer { receiver.stop() }
        let deliveries = [one.startDeliverer(), two.startDeliverer()]
        defer { deliveries.forEach { $0.stop() } }
        var sent: [String] = []
        for round in 0..<50 {
            let eventId = UUID().uuidString
            try await (round.isMultiple(of: 2) ? one : two).press(id, eventId: eventId)
            sent.append(eventId)
        }
        try await receiver.waitForRequests(50)
        // Room for a second copy of any of them to arrive.
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.deliveries.map { $0.headers["x-clickbridge-event-id"] } == sent)
    }

    /// An instance that dies holding a delivery's lease leaves it to another, which takes it over
    /// once the lease has run out, and not before.
    @Test func aDeliveryLeftByADeadInstanceIsTakenOverWhenItsLeaseEnds() async throws {
        let (receiver, clock, one, two, id) = try await Self.twoInstancesWithACallback()
        defer { receiver.stop() }
        let eventId = UUID().uuidString
        try await one.press(id, eventId: eventId)
        // Instance one takes the delivery and is never heard of again.
        guard case .leased = try await one.core.store.leaseNextCallback(deviceId: id, now: clock.now, leaseFor: 2_000_000) else {
            Issue.record("instance one could not lease the delivery")
            return
        }
        let delivery = two.startDeliverer()
        defer { delivery.stop() }
        try await Task.sleep(for: .milliseconds(1500))
        #expect(receiver.deliveries.isEmpty)
        #expect(try await two.core.store.callbackDelivery(eventId: eventId)?.state == .pending)
        clock.advance(seconds: 3)
        #expect(try await delivery.next(1) == [.delivered(eventId: eventId, attempts: 1, status: 200)])
        #expect(receiver.deliveries.map { $0.headers["x-clickbridge-event-id"] } == [eventId])
    }

    /// Two instances on one new database with one clock, and a device claimed on the first with
    /// a click callback to a real receiver.
    static func twoInstancesWithACallback() async throws -> (HTTPReceiver, ManualClock, Harness, Harness, String) {
        let (receiver, callback) = try await HTTPReceiver.started(path: "/callback")
        do {
            let url = try await ThrowawayPostgres.shared().newDatabase()
            let clock = ManualClock()
            let one = try await Harness.make(.postgres, clock: clock, sharing: url, configure: CallbackDeliveryTests.loopback)
            let two = try await Harness.make(.postgres, clock: clock, sharing: url, configure: CallbackDeliveryTests.loopback)
            let id = newDeviceId()
            try await one.register(id)
            try await one.claim(id)
            try await one.setCallback(id, url: callback)
            return (receiver, clock, one, two, id)
        } catch {
            // The caller's `defer` stops it only once this returns.
            receiver.stop()
            throw error
        }
    }

    /// While the database cannot be reached, a call answers a clear 500 within the connection
    /// wait; when it is back, the store reconnects by itself.
    @Test func anUnreachableDatabaseIsAClear500AndTheStoreReconnects() async throws {
        let postgres = try await ThrowawayPostgres.privateCluster()
        let url = try await postgres.newDatabase()
        let store = try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.postgres"),
                                           connectionWait: .seconds(2))
        let h = try Harness(clock: ManualClock()) { $0.store = store }
        let id = newDeviceId()
        // Up and answering first: on a loaded machine the first connection may take longer than the wait.
        var up = false
        for _ in 0..<30 where !up {
            up = if case .success = await h.call(.registerDevice(deviceId: id), as: bridgeA, body: "{}") { true } else { false }
        }
        try #require(up)
        try await h.press(id)
        try await postgres.stop()
        let started = ContinuousClock.now
        let message = await h.fails(.ingestDeviceEvent(deviceId: id), as: bridgeA,
                                    body: #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(h.clock.iso)"}"#,
                                    "InternalFailureException", 500)
        // The wait (2 s), and the direct connection that finds out why, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(message.contains("cannot be reached") && message.contains("127.0.0.1:\(postgres.port)/"), "\(message)")
        #expect(!message.contains(postgres.password))
        try await postgres.start()
        // Back: the pool connects again on its own; the first calls may still find it reconnecting.
        var answered = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !answered, ContinuousClock.now < deadline {
            if case .success = await h.call(.ingestDeviceEvent(deviceId: id), as: bridgeA,
                                            body: #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(h.clock.iso)"}"#) {
                answered = true
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(answered)
    }

    @Test func aServiceStartsWithNoDatabaseAndAnswersOnceItIsThere() async throws {
        let postgres = try await ThrowawayPostgres.privateCluster()
        let url = try await postgres.newDatabase()
        try await postgres.stop()
        let store = try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.postgres"),
                                           connectionWait: .seconds(1))
        let h = try Harness(clock: ManualClock()) { $0.store = store }
        let id = newDeviceId()
        await h.fails(.registerDevice(deviceId: id), as: bridgeA, body: #"{"type":"button"}"#, "InternalFailureException", 500)
        try await postgres.start()
        var registered = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !registered, ContinuousClock.now < deadline {
            if case .success = await h.call(.registerDevice(deviceId: id), as: bridgeA, body: #"{"type":"button"}"#) {
                registered = true
            } else {
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        #expect(registered)
        // The schema was made by that first call that reached the database.
        #expect(try await postgres.psql("SELECT count(*) FROM device", database: Self.name(of: url)) == "1")
    }

    @Test func wrongCredentialsSaySo() async throws {
        let postgres = try await ThrowawayPostgres.shared()
        let url = try await postgres.newDatabase().replacingOccurrences(of: ":\(postgres.password)@", with: ":wrong@")
        // The default wait: the diagnosis connects with the same timeout, and on a loaded CI
        // machine a loopback connect once took over 2 s, which reads as unreachable instead.
        let store = try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.postgres"))
        let h = try Harness(clock: ManualClock()) { $0.store = store }
        let message = await h.fails(.registerDevice(deviceId: newDeviceId()), as: bridgeA, body: "{}", "InternalFailureException", 500)
        #expect(message.contains("refused the service's credentials") && message.contains("user and password"), "\(message)")
    }
}
