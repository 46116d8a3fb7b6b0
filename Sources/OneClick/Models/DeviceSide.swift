// The device side: this project's extension to the API (ARCHITECTURE.md, "Device side"). Signed like
// every other call, by the bridge's principal.

/// `PUT /devices/{deviceId}/registration` body: `{"type":"button","claimCode":"C-…"?,"attributes":{…}?}`.
public struct DeviceRegistrationRequest: Codable, Sendable, Equatable {
    public var type: String
    public var claimCode: String?
    public var attributes: [String: String]?
    public init(type: String = "button", claimCode: String? = nil, attributes: [String: String]? = nil) {
        self.type = type
        self.claimCode = claimCode
        self.attributes = attributes
    }
}

/// `{"deviceId","registered":true}`.
public struct DeviceRegistrationResponse: Codable, Sendable, Equatable {
    public var deviceId: String
    public var registered: Bool
    public init(deviceId: String, registered: Bool = true) {
        self.deviceId = deviceId
        self.registered = registered
    }
}

/// `GET /devices/{deviceId}/registration`: `{"deviceId","registered":true,"claimState","enabled","claimCode"?,"storeDataLoss"?}`.
/// What the device may know of itself: whether it is claimed, never by whom. `storeDataLoss`
/// says the service lost committed data when it last recovered its database (for `status`).
public struct DeviceRegistrationStatus: Codable, Sendable, Equatable {
    public var deviceId: String
    public var registered: Bool
    public var claimState: ClaimState
    public var enabled: Bool
    public var claimCode: String?
    public var storeDataLoss: StoreDataLoss?
    public init(deviceId: String, registered: Bool = true, claimState: ClaimState, enabled: Bool, claimCode: String? = nil,
                storeDataLoss: StoreDataLoss? = nil) {
        self.deviceId = deviceId
        self.registered = registered
        self.claimState = claimState
        self.enabled = enabled
        self.claimCode = claimCode
        self.storeDataLoss = storeDataLoss
    }
}

/// Committed transactions SQLite dropped when it recovered a database's write-ahead log at start
/// (a damaged WAL: a bad checksum ends the recovery, and what follows is discarded without an
/// error). The latest such event of a database; it stays on record.
public struct StoreDataLoss: Codable, Sendable, Equatable {
    /// When it was found: ISO-8601 UTC.
    public var detectedAt: String
    /// The database file's name (`claim-service.sqlite`, `outbox.sqlite`).
    public var file: String
    /// Frames SQLite kept, and frames up to the last commit the WAL held.
    public var recoveredFrames: Int
    public var committedFrames: Int
    /// Committed transactions dropped, and pages left with other content than they committed.
    public var droppedTransactions: Int
    public var lostPages: Int

    public init(detectedAt: String, file: String, recoveredFrames: Int, committedFrames: Int,
                droppedTransactions: Int, lostPages: Int) {
        self.detectedAt = detectedAt
        self.file = file
        self.recoveredFrames = recoveredFrames
        self.committedFrames = committedFrames
        self.droppedTransactions = droppedTransactions
        self.lostPages = lostPages
    }

    /// One line for people.
    public var summary: String {
        "DATA LOSS found \(detectedAt): recovering \(file)'s write-ahead log, SQLite kept \(recoveredFrames) of \(committedFrames) committed frames and dropped \(droppedTransactions) committed transaction(s) (\(lostPages) page(s)); the WAL was damaged"
    }
}

/// `POST /devices/{deviceId}/events` body.
public struct DeviceEventRequest: Codable, Sendable, Equatable {
    /// A UUID chosen by the device; the same id is stored once.
    public var eventId: String
    /// `SINGLE`, `DOUBLE` or `LONG`.
    public var clickType: String
    /// ISO-8601 UTC with milliseconds: the wall-clock time of the press decision.
    public var reportedTime: String
    /// A 0–100 percentage.
    public var remainingLife: Double?
    public init(eventId: String, clickType: String, reportedTime: String, remainingLife: Double? = nil) {
        self.eventId = eventId
        self.clickType = clickType
        self.reportedTime = reportedTime
        self.remainingLife = remainingLife
    }
}

/// `{"eventId","duplicate":false}`: sent only after the event is committed.
public struct DeviceEventResponse: Codable, Sendable, Equatable {
    public var eventId: String
    public var duplicate: Bool
    public init(eventId: String, duplicate: Bool) {
        self.eventId = eventId
        self.duplicate = duplicate
    }
}

/// The click types a button event may carry.
public enum EventClickType: String, Codable, Sendable, CaseIterable {
    case single = "SINGLE"
    case double = "DOUBLE"
    case long = "LONG"
}
