/// Everything a single Pi's claim service keeps in its state dir, read at one moment, row by row
/// as stored (times in µs since the Unix epoch), for `clickbridge store copy` to move into a
/// fleet database. Credentials are not here: they live in their own file (`StoreCopy`).
package struct StateSnapshot: Sendable {
    package struct Device: Sendable, Equatable {
        package var deviceId: String
        package var type: String
        package var boundPrincipal: String
        package var boundAccount: String
        package var claimCode: String?
        /// As stored: the encoded map (`StoredMap`).
        package var attributes: String
        /// Set exactly while the device is CLAIMED.
        package var ownerAccount: String?
        package var claimBeganAt: Int64?
        package var enabled: Bool
        package var remainingLife: Double
        package var remainingLifeKnown: Bool
        package var onClickCallback: String?
        package var healthMonitorCallback: String?
        package var createdAt: Int64

        package init(deviceId: String, type: String, boundPrincipal: String, boundAccount: String,
                     claimCode: String?, attributes: String, ownerAccount: String?, claimBeganAt: Int64?,
                     enabled: Bool, remainingLife: Double, remainingLifeKnown: Bool, onClickCallback: String?,
                     healthMonitorCallback: String?, createdAt: Int64) {
            self.deviceId = deviceId
            self.type = type
            self.boundPrincipal = boundPrincipal
            self.boundAccount = boundAccount
            self.claimCode = claimCode
            self.attributes = attributes
            self.ownerAccount = ownerAccount
            self.claimBeganAt = claimBeganAt
            self.enabled = enabled
            self.remainingLife = remainingLife
            self.remainingLifeKnown = remainingLifeKnown
            self.onClickCallback = onClickCallback
            self.healthMonitorCallback = healthMonitorCallback
            self.createdAt = createdAt
        }
    }

    package struct ClaimInitiation: Sendable, Equatable {
        package var deviceId: String
        package var accountId: String
        package var initiatedAt: Int64

        package init(deviceId: String, accountId: String, initiatedAt: Int64) {
            self.deviceId = deviceId
            self.accountId = accountId
            self.initiatedAt = initiatedAt
        }
    }

    package struct Tag: Sendable, Equatable {
        package var deviceId: String
        package var key: String
        package var value: String

        package init(deviceId: String, key: String, value: String) {
            self.deviceId = deviceId
            self.key = key
            self.value = value
        }
    }

    package struct Event: Sendable, Equatable {
        /// The order of arrival; ListDeviceEvents' page tokens and callback deliveries name events by it.
        package var seq: Int64
        package var eventId: String
        package var deviceId: String
        package var clickType: String
        package var reportedTime: Int64
        package var remainingLife: Double
        package var remainingLifeReported: Bool
        package var receivedAt: Int64
        package var enabledAtReceipt: Bool

        package init(seq: Int64, eventId: String, deviceId: String, clickType: String, reportedTime: Int64,
                     remainingLife: Double, remainingLifeReported: Bool, receivedAt: Int64, enabledAtReceipt: Bool) {
            self.seq = seq
            self.eventId = eventId
            self.deviceId = deviceId
            self.clickType = clickType
            self.reportedTime = reportedTime
            self.remainingLife = remainingLife
            self.remainingLifeReported = remainingLifeReported
            self.receivedAt = receivedAt
            self.enabledAtReceipt = enabledAtReceipt
        }
    }

    /// A click callback: pending ones are still to be posted, settled ones are the record of it.
    package struct Delivery: Sendable, Equatable {
        package var deviceId: String
        package var eventId: String
        package var eventSeq: Int64
        package var url: String
        package var body: [UInt8]
        package var state: String
        package var attempts: Int64
        package var lastError: String?
        package var lastStatus: Int64?
        package var createdAt: Int64
        package var settledAt: Int64?

        package init(deviceId: String, eventId: String, eventSeq: Int64, url: String, body: [UInt8], state: String,
                     attempts: Int64, lastError: String?, lastStatus: Int64?, createdAt: Int64, settledAt: Int64?) {
            self.deviceId = deviceId
            self.eventId = eventId
            self.eventSeq = eventSeq
            self.url = url
            self.body = body
            self.state = state
            self.attempts = attempts
            self.lastError = lastError
            self.lastStatus = lastStatus
            self.createdAt = createdAt
            self.settledAt = settledAt
        }
    }

    package struct AVSRegistration: Sendable, Equatable {
        package var accountId: String
        package var deviceKey: String
        package var deviceArn: String
        package var clientId: String
        package var userCode: String
        package var productId: String
        package var serialNumber: String?
        package var amazonId: String
        package var roomArn: String?
        /// As stored: the encoded tag list.
        package var tags: String
        package var registeredAt: Int64

        package init(accountId: String, deviceKey: String, deviceArn: String, clientId: String, userCode: String,
                     productId: String, serialNumber: String?, amazonId: String, roomArn: String?, tags: String,
                     registeredAt: Int64) {
            self.accountId = accountId
            self.deviceKey = deviceKey
            self.deviceArn = deviceArn
            self.clientId = clientId
            self.userCode = userCode
            self.productId = productId
            self.serialNumber = serialNumber
            self.amazonId = amazonId
            self.roomArn = roomArn
            self.tags = tags
            self.registeredAt = registeredAt
        }
    }

    /// A signature of a state-changing request, refused if seen again until `validUntil`.
    package struct UsedSignature: Sendable, Equatable {
        package var signature: String
        package var usedAt: Int64
        package var validUntil: Int64

        package init(signature: String, usedAt: Int64, validUntil: Int64) {
            self.signature = signature
            self.usedAt = usedAt
            self.validUntil = validUntil
        }
    }

    package var devices: [Device] = []
    package var claimInitiations: [ClaimInitiation] = []
    package var tags: [Tag] = []
    /// In `seq` order.
    package var events: [Event] = []
    /// The highest `seq` ever given, which retention may have pruned: no seq is given twice.
    package var eventSeqHighWater: Int64 = 0
    package var deliveries: [Delivery] = []
    package var avsRegistrations: [AVSRegistration] = []
    /// Only those still valid when read: an expired one is refused by its date anyway.
    package var usedSignatures: [UsedSignature] = []

    package init() {}
}
