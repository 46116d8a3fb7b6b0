import ClaimStorePostgres
import Foundation
import GRDB
import Logging
import OneClick
import TestSupport
import Testing

@testable import ClaimService

/// `store copy`: a single Pi's SQLite state into a fleet's PostgreSQL database, made by the real
/// stores, read back through the service's own operations on both.
@Suite(.enabled(if: ThrowawayPostgres.enabled)) struct StoreCopyTests {
    static let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00.000000Z")]
    static let room = "arn:aws:a4b:us-east-1:111122223333:room/kitchen"

    /// A Pi's state: a claimed device with tags, events and a pending click callback, one with a
    /// claim initiated, one never claimed, an AVS registration and a used signature.
    struct Pi {
        let h: Harness
        let claimed = newDeviceId()
        let initiated = newDeviceId()
        let unclaimed = newDeviceId()

        /// `serial` names its AVS registration: two Pis of one account register different ones.
        init(clock: ManualClock = ManualClock(), serial: String = "SN1") async throws {
            h = try await Harness.make(.sqlite, clock: clock) {
                $0.allowPrivateCallbacks = true
                $0.rooms = [StoreCopyTests.room]
            }
            for id in [claimed, initiated, unclaimed] { try await h.register(id) }
            try await h.claim(claimed, tags: "{\"tags\":{\"room\":\"kitchen\",\"floor\":\"1\"}}")
            try await h.setCallback(claimed, url: "http://127.0.0.1:9/clicks")
            for click in ["DOUBLE", "LONG", "SINGLE"] {
                h.clock.advance(seconds: 1)
                try await h.press(claimed, click: click)
            }
            try await h.press(unclaimed, click: "LONG", life: nil)
            _ = try await h.ok(.initiateDeviceClaim(deviceId: initiated), as: otherB, DeviceClaimResponse.self)
            let avs = "{\"ClientId\":\"amzn1.application-oa2-client.0123\",\"UserCode\":\"ABC123\",\"ProductId\":\"my_product\",\"DeviceSerialNumber\":\"\(serial)\",\"AmazonId\":\"A1B2C3D4E5\",\"RoomArn\":\"\(StoreCopyTests.room)\"}"
            _ = try await h.ok(.registerAVSDevice, as: ownerA, body: avs, RegisterAVSDeviceResponse.self)
            _ = try await h.core.sqlite.use(VerifiedSignature(value: "5ig" + UUID().uuidString, validUntil: h.clock.now + 300_000_000),
                                             now: h.clock.now, grace: 0)
        }

        func snapshot() throws -> StateSnapshot { try StateSnapshot.read(stateDirectory: h.directory, now: h.clock.now) }
    }

    /// What the owners see, call by call: each answer's body, or its error.
    static func view(_ h: Harness, _ devices: [String]) async -> [String] {
        var calls: [(ServiceOperation, Caller, [(String, String)])] = [(.listDevices, ownerA, []), (.listDevices, otherB, [])]
        for id in devices {
            calls += [(.describeDevice(deviceId: id), ownerA, []), (.describeDevice(deviceId: id), otherB, []),
                      (.listDeviceEvents(deviceId: id), ownerA, range), (.getDeviceMethods(deviceId: id), ownerA, [])]
        }
        var answers: [String] = []
        for (op, caller, query) in calls {
            switch await h.call(op, as: caller, query: query) {
            case .success(let reply): answers.append("\(op): " + String(decoding: reply.body ?? [], as: UTF8.self))
            case .failure(let error): answers.append("\(op): \(error)")
            }
        }
        return answers
    }

    static func store(_ url: String) throws -> PostgresClaimStore {
        try PostgresClaimStore(url: DatabaseURL(parsing: url), logger: Logger(label: "clickbridge.store-copy"), connectionWait: .seconds(60))
    }

    static func copy(_ state: StateSnapshot, into url: String, merge: Bool = false,
                     credentials: String? = nil) async throws -> StoreCopy.Copied {
        let store = try store(url)
        defer { store.close() }
        return try await StoreCopy.copy(state, credentialsFile: credentials, into: store, merge: merge)
    }

    @Test func theFleetAnswersAsThePiDid() async throws {
        let pi = try await Pi()
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let copied = try await Self.copy(try pi.snapshot(), into: url)
        #expect(copied.counts == StoreCopyCounts(devices: 3, claimedDevices: 1, claimInitiations: 1, tags: 2, events: 5,
                                                 deliveries: 3, avsRegistrations: 1, usedSignatures: 1))
        #expect(copied.counts.text == "3 devices (1 claimed), 1 claim initiation, 2 tags, 5 events, 3 callback deliveries, 1 AVS registration, 1 used signature")
        #expect(copied.eventSeqShift == 0)
        #expect(copied.credentials == 0)
        let fleet = try await Harness.make(.postgres, clock: pi.h.clock, sharing: url) { $0.rooms = [Self.room] }
        defer { fleet.postgres.close() }
        let devices = [pi.claimed, pi.initiated, pi.unclaimed]
        #expect(await Self.view(fleet, devices) == Self.view(pi.h, devices))
        // Events keep their seq: a page token the Pi gave works on the fleet.
        let page = Self.range + [("maxResults", "2")]
        let first = try await pi.h.ok(.listDeviceEvents(deviceId: pi.claimed), as: ownerA, query: page, ListDeviceEventsResponse.self)
        let token = try #require(first.nextToken)
        let onPi = try await pi.h.ok(.listDeviceEvents(deviceId: pi.claimed), as: ownerA, query: page + [("nextToken", token)],
                                     ListDeviceEventsResponse.self)
        let onFleet = try await fleet.ok(.listDeviceEvents(deviceId: pi.claimed), as: ownerA, query: page + [("nextToken", token)],
                                         ListDeviceEventsResponse.self)
        #expect(onFleet == onPi)
        // The claim rules carry on: the initiation copied lets B finalize after a press, and a new
        // event is stored after the copied ones.
        try await fleet.press(pi.initiated)
        #expect(try await fleet.ok(.finalizeDeviceClaim(deviceId: pi.initiated), as: otherB, DeviceClaimResponse.self).state == "CLAIMED")
        let events = try await fleet.storedEvents()
        #expect(events.count == 6)
        #expect(events.last.map { String($0.split(separator: " ")[1]) } == pi.initiated)
        #expect(try await fleet.storedSignatures() == pi.h.storedSignatures())
        // The pending callbacks are the fleet's to deliver, in order, with the bodies the Pi committed.
        let pending = try await ThrowawayPostgres.shared().psql("""
            SELECT string_agg(event_id || ' ' || encode(body, 'hex'), ',' ORDER BY event_seq) FROM callback_delivery WHERE state = 'pending'
            """, database: PostgresStoreTests.name(of: url))
        let piPending = try await pi.h.core.sqlite.read { db in
            try String.fetchOne(db, sql: """
                SELECT group_concat(eventId || ' ' || lower(hex(body)), ',')
                FROM (SELECT * FROM callback_delivery WHERE state = 'pending' ORDER BY eventSeq)
                """)
        }
        #expect(!pending.isEmpty && pending == piPending)
    }

    @Test func credentialsAreCopiedOnceAndAPrincipalHeldDifferentlyRefusesTheCopy() async throws {
        let pi = try await Pi()
        let file = pi.h.directory + "/credentials"
        #expect(try CredentialsFile.createDefaultIfMissing(path: file))
        let url = try await ThrowawayPostgres.shared().newDatabase()
        #expect(try await Self.copy(try pi.snapshot(), into: url, credentials: file).credentials == 2)
        #expect(try await Self.copy(try pi.snapshot(), into: url, merge: true, credentials: file).credentials == 0)
        let store = try Self.store(url)
        defer { store.close() }
        let inFile = try CredentialStore(path: file).file.profiles
        let inDatabase = try await store.principals().profiles
        #expect(inDatabase.map(\.name) == ["bridge", "owner"])
        #expect(inDatabase.map(\.accessKeyId) == inFile.map(\.accessKeyId))
        #expect(inDatabase.map(\.secretAccessKey) == inFile.map(\.secretAccessKey))

        // A second Pi's generated file names the same principals with other keys: nothing of it is copied.
        let other = try await Pi(serial: "SN2")
        let otherFile = other.h.directory + "/credentials"
        #expect(try CredentialsFile.createDefaultIfMissing(path: otherFile))
        let refusal = await #expect(throws: StoreCopy.Refused.self) {
            try await Self.copy(try other.snapshot(), into: url, merge: true, credentials: otherFile)
        }
        #expect(refusal?.description.contains("principal bridge [keys, secret, account]") == true, "\(refusal.map { "\($0)" } ?? "")")
        #expect(try await store.principals().profiles.map(\.accessKeyId) == inFile.map(\.accessKeyId))
        // The refusal rolled the other Pi's devices back too: without its file they are all still to copy.
        #expect(try await Self.copy(try other.snapshot(), into: url, merge: true).counts.devices == 3)
    }

    @Test func theStateDirIsOnlyRead() async throws {
        let pi = try await Pi()
        let path = pi.h.directory + "/" + Store.fileName
        let files = { [path, path + "-wal"].map { FileManager.default.contents(atPath: $0) } }
        let before = files()
        _ = try pi.snapshot()
        #expect(files() == before)
    }

    @Test func aNonEmptyDatabaseIsRefusedWithoutMerge() async throws {
        let pi = try await Pi()
        let url = try await ThrowawayPostgres.shared().newDatabase()
        _ = try await Self.copy(try pi.snapshot(), into: url)
        let other = try await Pi()
        let refusal = await #expect(throws: StoreCopy.Refused.self) { try await Self.copy(try other.snapshot(), into: url) }
        let message = refusal?.description ?? ""
        #expect(message.contains("already holds 3 devices, 1 claim initiation, 2 tags, 5 events, 3 callback deliveries, 1 AVS registration, 1 used signature"), "\(message)")
        #expect(message.contains("pass --merge"))
        #expect(!message.contains("\n"))
        #expect(try await ThrowawayPostgres.shared().psql("SELECT count(*) FROM device", database: PostgresStoreTests.name(of: url)) == "3")
    }

    @Test func mergingTwiceCopiesNothingTwice() async throws {
        let pi = try await Pi()
        let url = try await ThrowawayPostgres.shared().newDatabase()
        let first = try await Self.copy(try pi.snapshot(), into: url, merge: true)
        #expect(first.counts.events == 5)
        let second = try await Self.copy(try pi.snapshot(), into: url, merge: true)
        #expect(second.counts == StoreCopyCounts())
        #expect(second.counts.text == "0 devices (0 claimed), 0 claim initiations, 0 tags, 0 events, 0 callback deliveries, 0 AVS registrations, 0 used signatures")
        // What the Pi received since is added, and only that.
        pi.h.clock.advance(seconds: 1)
        try await pi.h.press(pi.claimed, click: "DOUBLE")
        let third = try await Self.copy(try pi.snapshot(), into: url, merge: true)
        #expect(third.counts == StoreCopyCounts(events: 1, deliveries: 1))
        #expect(third.eventSeqShift == 0)
        let fleet = try await Harness.make(.postgres, clock: pi.h.clock, sharing: url) { $0.rooms = [Self.room] }
        defer { fleet.postgres.close() }
        let devices = [pi.claimed, pi.initiated, pi.unclaimed]
        #expect(await Self.view(fleet, devices) == Self.view(pi.h, devices))
    }

    @Test func aRowThatDiffersRefusesTheWholeCopy() async throws {
        let pi = try await Pi()
        let url = try await ThrowawayPostgres.shared().newDatabase()
        _ = try await Self.copy(try pi.snapshot(), into: url)
        // After the copy, the Pi unclaims a device and receives another event.
        _ = try await pi.h.ok(.unclaimDevice(deviceId: pi.claimed), as: ownerA, DeviceClaimResponse.self)
        try await pi.h.press(pi.unclaimed)
        let refusal = await #expect(throws: StoreCopy.Refused.self) { try await Self.copy(try pi.snapshot(), into: url, merge: true) }
        let message = refusal?.description ?? ""
        #expect(message.contains("device \(pi.claimed) [ownerAccount, claimBeganAt, onClickCallback]"), "\(message)")
        #expect(message.contains("nothing was copied"))
        #expect(try await ThrowawayPostgres.shared().psql("SELECT count(*) FROM event", database: PostgresStoreTests.name(of: url)) == "5")
    }

    /// A second Pi into the same fleet: its events are numbered after the first's, in their order.
    @Test func aSecondPiIsMergedWithItsEventsAfterTheFirstsInOrder() async throws {
        let one = try await Pi()
        let two = try await Pi(serial: "SN2")
        let url = try await ThrowawayPostgres.shared().newDatabase()
        _ = try await Self.copy(try one.snapshot(), into: url)
        let copied = try await Self.copy(try two.snapshot(), into: url, merge: true)
        #expect(copied.counts.devices == 3 && copied.counts.events == 5)
        #expect(copied.eventSeqShift == 5)
        let fleet = try await Harness.make(.postgres, clock: two.h.clock, sharing: url) { $0.rooms = [Self.room] }
        defer { fleet.postgres.close() }
        let devices = [two.claimed, two.initiated, two.unclaimed]
        #expect(await Self.view(fleet, devices).filter { !$0.hasPrefix("listDevices") }
                == Self.view(two.h, devices).filter { !$0.hasPrefix("listDevices") })
        let events = try await fleet.storedEvents()
        #expect(events.count == 10)
        #expect(Set(events.suffix(5).map { String($0.split(separator: " ")[1]) }).isSubset(of: Set(devices)))
    }

    @Test func whatIsNotAStateDirIsRefused() async throws {
        let missing = temporaryDirectory() + "/nothing"
        #expect(throws: StateSnapshotFailure.self) { try StateSnapshot.read(stateDirectory: missing, now: 0) }
        let empty = temporaryDirectory()
        let noFile = #expect(throws: StateSnapshotFailure.self) { try StateSnapshot.read(stateDirectory: empty, now: 0) }
        #expect(noFile?.description.contains("is not a ClickBridge state dir") == true)
        let other = temporaryDirectory()
        try await DatabaseQueue(path: other + "/" + Store.fileName).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let notOurs = #expect(throws: StateSnapshotFailure.self) { try StateSnapshot.read(stateDirectory: other, now: 0) }
        #expect(notOurs?.description.contains("no schema version") == true)
    }

    /// A state dir last opened by an older clickbridge: read through the migrations, in memory,
    /// and the file keeps its older schema.
    @Test func anOlderSchemaIsMigratedInMemoryOnly() async throws {
        let directory = temporaryDirectory()
        let path = directory + "/" + Store.fileName
        let older = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(older, upTo: "v1")
        try await older.write { db in
            try db.execute(sql: """
                INSERT INTO device (deviceId, type, boundPrincipal, boundAccount, ownerAccount, claimBeganAt, createdAt)
                VALUES ('G030OLD', 'button', 'bridge', '111122223333', '111122223333', 5, 1);
                INSERT INTO event (eventId, deviceId, clickType, reportedTime, remainingLife, remainingLifeReported, receivedAt,
                                   enabledAtReceipt)
                VALUES ('e1', 'G030OLD', 'SINGLE', 7, 88.0, 1, 8, 1);
                """)
        }
        try older.close()
        let before = FileManager.default.contents(atPath: path)
        let state = try StateSnapshot.read(stateDirectory: directory, now: 0)
        #expect(state.devices.map(\.deviceId) == ["G030OLD"])
        // v2's migration works out remainingLifeKnown from the events, as it would in the file.
        #expect(state.devices.first?.remainingLifeKnown == true)
        #expect(state.events.map(\.eventId) == ["e1"] && state.eventSeqHighWater == 1)
        #expect(FileManager.default.contents(atPath: path) == before)
        let applied = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1"])
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let pi = try await Pi()
        try await pi.h.core.sqlite.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        let refusal = #expect(throws: StateSnapshotFailure.self) { try pi.snapshot() }
        #expect(refusal?.description.contains("has schema version v99-future, newer than this clickbridge knows") == true, "\(String(describing: refusal))")
    }
}
