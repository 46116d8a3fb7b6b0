import ClaimService
import Logging
import PostgresNIO

/// `clickbridge store copy`: a single Pi's claim service state (`StateSnapshot`) into a fleet's
/// PostgreSQL database, in one SERIALIZABLE transaction of the store's own (which migrates the
/// schema first, as `serve` does), so the database has all of it or none.
///
/// Everything keeps its key, timestamps and claim state. Events keep their seq when the
/// database has given none as high; otherwise (a second Pi into the same fleet) the new ones are
/// shifted above it all by one amount, which keeps their order, and their callback deliveries
/// follow. Signatures still valid are copied: a request captured just before the move must not
/// run again against the fleet. The SQLite file's record of WAL recovery losses is not: it is
/// about that file.
///
/// Without `merge` a database holding any row is refused. With it, rows the database lacks are
/// inserted, rows it holds with the same content are skipped, and a row it holds with other
/// content refuses the whole copy, naming each.
package enum StoreCopy {
    package struct Copied: Sendable, Equatable {
        package var counts: StoreCopyCounts
        /// Added to the seq of every copied event: 0 when they kept theirs.
        package var eventSeqShift: Int64
        /// Principals copied from the state dir's credentials file (`copyCredentials`).
        package var credentials: Int
    }

    /// The copy was refused and nothing was written; `description` says why, in one line.
    package struct Refused: Error, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// Marks the refusals thrown inside the transaction (so that it rolls back).
    static let refusalReason = "store-copy-refused"

    /// Copies `state` (and the credentials in `credentialsFile`) into `store`'s database.
    /// Throws `Refused`, or the store's `ServiceError` when the database cannot be reached.
    package static func copy(_ state: StateSnapshot, credentialsFile: String?, into store: PostgresClaimStore,
                             merge: Bool) async throws -> Copied {
        let target = "\(store.url.host):\(store.url.port)/\(store.url.database)"
        do throws(ServiceError) {
            return try await store.write { connection, logger in
                try await copy(state, credentialsFile: credentialsFile, target: target, merge: merge, connection, logger: logger)
            }
        } catch {
            if error.reason == refusalReason { throw Refused(description: error.message) }
            throw error
        }
    }

    /// A refusal to throw inside the transaction: it rolls back, and `copy` throws `Refused`.
    static func refuse(_ message: String) -> ServiceError {
        ServiceError(code: "StoreCopyRefused", status: 409, message: message, reason: refusalReason)
    }

    private static func copy(_ state: StateSnapshot, credentialsFile: String?, target: String, merge: Bool,
                             _ connection: PostgresConnection, logger: Logger) async throws -> Copied {
        if !merge {
            let there = try await Self.rowCounts(connection, logger: logger)
            if !there.isEmpty {
                throw refuse("the database \(target) already holds \(there.nonZeroText): pass --merge to add only what it lacks")
            }
        }
        let deviceIds = state.devices.map(\.deviceId)
        // What the database holds under the keys being copied (none when it is empty).
        let heldDevices = try await Self.devices(connection, ids: deviceIds, logger: logger)
        let heldInitiations = try await Self.claimInitiations(connection, deviceIds: deviceIds, logger: logger)
        let heldTags = try await Self.tags(connection, deviceIds: deviceIds, logger: logger)
        let heldEvents = try await Self.events(connection, deviceIds: deviceIds, logger: logger)
        let heldDeliveries = try await Self.deliveries(connection, deviceIds: deviceIds, logger: logger)
        let heldAVS = try await Self.avsRegistrations(connection, accountIds: Array(Set(state.avsRegistrations.map(\.accountId))),
                                                      logger: logger)
        let heldSignatures = try await Self.usedSignatures(connection, signatures: state.usedSignatures.map(\.signature), logger: logger)

        var conflicts: [String] = []
        let devices = missing(state.devices, in: heldDevices, kind: "device", key: \.deviceId, conflicts: &conflicts)
        let initiations = missing(state.claimInitiations, in: heldInitiations, kind: "claim initiation",
                                  key: { "\($0.deviceId) by \($0.accountId)" }, conflicts: &conflicts)
        let tags = missing(state.tags, in: heldTags, kind: "tag", key: { "\($0.deviceId) \($0.key)" }, conflicts: &conflicts)
        // Compared without seq, which a shift may have changed.
        let events = missing(state.events, in: heldEvents, kind: "event", key: { "\($0.deviceId) \($0.eventId)" },
                             conflicts: &conflicts, comparing: withoutSeq)
        let deliveries = missing(state.deliveries, in: heldDeliveries, kind: "callback delivery",
                                 key: { "\($0.deviceId) \($0.eventId)" }, conflicts: &conflicts,
                                 comparing: withoutSeq)
        let avs = missing(state.avsRegistrations, in: heldAVS, kind: "AVS registration",
                          key: { "\($0.accountId) \($0.deviceKey)" }, conflicts: &conflicts)
        let signatures = missing(state.usedSignatures, in: heldSignatures, kind: "used signature", key: \.signature,
                                 conflicts: &conflicts)
        if !conflicts.isEmpty {
            let shown = conflicts.prefix(5).joined(separator: "; ")
            let more = conflicts.count > 5 ? "; and \(conflicts.count - 5) more" : ""
            throw refuse("\(conflicts.count) row\(conflicts.count == 1 ? "" : "s") of the state dir differ from the database \(target)'s (differing fields in brackets), so nothing was copied: \(shown)\(more)")
        }

        for device in devices { try await insert(device, connection, logger: logger) }
        for initiation in initiations { try await insert(initiation, connection, logger: logger) }
        for tag in tags { try await insert(tag, connection, logger: logger) }

        let highWater = try await eventSeqHighWater(connection, logger: logger)
        // Events are in seq order: the first is the lowest.
        let shift = events.first.map { max(0, highWater - $0.seq + 1) } ?? 0
        var seqInTarget: [String: Int64] = [:]
        for event in heldEvents { seqInTarget["\(event.deviceId) \(event.eventId)"] = event.seq }
        for event in events {
            var shifted = event
            shifted.seq += shift
            seqInTarget["\(event.deviceId) \(event.eventId)"] = shifted.seq
            try await insert(shifted, connection, logger: logger)
        }
        let raised = max(highWater, state.eventSeqHighWater + shift)
        if raised > highWater { try await raiseEventSeq(to: raised, connection, logger: logger) }
        for delivery in deliveries {
            var placed = delivery
            // Its event's seq in the database; an event pruned since keeps the shifted one.
            placed.eventSeq = seqInTarget["\(delivery.deviceId) \(delivery.eventId)"] ?? delivery.eventSeq + shift
            try await insert(placed, connection, logger: logger)
        }
        for registration in avs { try await insert(registration, connection, logger: logger) }
        for signature in signatures { try await insert(signature, connection, logger: logger) }
        let credentials = try await copyCredentials(from: credentialsFile, connection, merge: merge, logger: logger)

        let counts = StoreCopyCounts(devices: devices.count, claimedDevices: devices.filter { $0.ownerAccount != nil }.count,
                                     claimInitiations: initiations.count, tags: tags.count, events: events.count,
                                     deliveries: deliveries.count, avsRegistrations: avs.count, usedSignatures: signatures.count)
        return Copied(counts: counts, eventSeqShift: events.isEmpty ? 0 : shift, credentials: credentials)
    }

    static func withoutSeq(_ event: StateSnapshot.Event) -> StateSnapshot.Event {
        var event = event
        event.seq = 0
        return event
    }

    static func withoutSeq(_ delivery: StateSnapshot.Delivery) -> StateSnapshot.Delivery {
        var delivery = delivery
        delivery.eventSeq = 0
        return delivery
    }

    /// The rows of `source` that `existing` lacks. One that `existing` holds under the same key
    /// with other content (as `comparing` sees it) is added to `conflicts`, with the fields that differ.
    static func missing<Row>(_ source: [Row], in existing: [Row], kind: String, key: (Row) -> String, conflicts: inout [String],
                             comparing: (Row) -> Row = { $0 }) -> [Row] {
        var byKey: [String: Row] = [:]
        for row in existing { byKey[key(row)] = row }
        var lacking: [Row] = []
        for row in source {
            guard let there = byKey[key(row)] else {
                lacking.append(row)
                continue
            }
            let differing = differingFields(comparing(row), comparing(there))
            if !differing.isEmpty { conflicts.append("\(kind) \(key(row)) [\(differing.joined(separator: ", "))]") }
        }
        return lacking
    }

    /// The names of the stored properties whose values differ.
    static func differingFields<Row>(_ a: Row, _ b: Row) -> [String] {
        zip(Mirror(reflecting: a).children, Mirror(reflecting: b).children).compactMap { mine, theirs in
            String(describing: mine.value) == String(describing: theirs.value) ? nil : mine.label
        }
    }
}
