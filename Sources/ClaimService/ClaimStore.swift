import OneClick

/// Everything the service keeps, behind one interface: the handlers, the callback deliverer,
/// retention and replay protection call only this. `Store` keeps it in one SQLite file (a single
/// Pi); a fleet's backend keeps it in a database that several instances share.
///
/// Each call is one transaction: it gathers the facts, asks `ClaimRules` or `TagRules`, and
/// applies the decision, or throws a `ServiceError` and changes nothing. A call returns only
/// after its commit is durable.
package protocol ClaimStore: UsedSignatures {
    // MARK: claims (ClaimRules)

    func initiateClaim(deviceId: String, account: String, now: Int64) async throws(ServiceError)
    /// `tags` are already validated one by one; the count limit is checked against what is stored.
    func finalizeClaim(deviceId: String, account: String, tags: [String: String], now: Int64,
                       timing: ClaimRules.Timing) async throws(ServiceError)
    /// Nothing of an owner passes to the next: initiations, tags and callbacks are cleared and the
    /// device is enabled again.
    func unclaim(deviceId: String, account: String) async throws(ServiceError)
    /// All or nothing. Returns `total`: the code's devices the caller owns afterwards.
    func claimByCode(_ code: String, account: String, now: Int64) async throws(ServiceError) -> Int

    // MARK: the owner's calls (404 to anyone else)

    func ownedDevice(deviceId: String, account: String) async throws(ServiceError) -> (DeviceRecord, [String: String])
    /// One page of the account's devices after `afterDeviceId`, and whether more follow.
    func listDevices(account: String, type: String?, afterDeviceId: String?,
                     limit: Int) async throws(ServiceError) -> ([(DeviceRecord, [String: String])], Bool)
    /// One page of the events the owner may see, ordered by reportedTime, and whether more follow.
    func listEvents(deviceId: String, account: String, from: Int64, to: Int64, after: (reportedTime: Int64, seq: Int64)?,
                    limit: Int) async throws(ServiceError) -> (DeviceRecord, [EventRow], Bool)
    func setEnabled(deviceId: String, account: String, enabled: Bool) async throws(ServiceError)
    func addTags(deviceId: String, account: String, tags: [String: String]) async throws(ServiceError)
    func removeTags(deviceId: String, account: String, keys: [String]) async throws(ServiceError)
    func setCallback(_ kind: CallbackKind, deviceId: String, account: String, callbackJSON: String) async throws(ServiceError)

    // MARK: the device side (bound to the registering principal)

    func register(deviceId: String, type: String, claimCode: String?, attributes: [String: String]?, caller: Caller,
                  now: Int64) async throws(ServiceError)
    func registrationStatus(deviceId: String, caller: Caller, now: Int64,
                            claimExpiry: Int64) async throws(ServiceError) -> DeviceRegistrationStatus
    /// Stores the event once (same id and body again: a duplicate; same id, other body: 409), and
    /// in the same transaction queues its click callback if one is due.
    func ingest(deviceId: String, event: IncomingEvent, caller: Caller, now: Int64) async throws(ServiceError) -> IngestOutcome
    /// Deletes events received before `cutoff` (µs), and settled deliveries as old; returns how
    /// many events went.
    func pruneEvents(receivedBefore cutoff: Int64) async throws(ServiceError) -> Int

    // MARK: click callbacks (CallbackDeliverer)

    /// Devices with a pending delivery, in the order their oldest one was queued.
    func devicesWithPendingCallbacks() async throws(ServiceError) -> [String]
    /// The device's oldest pending delivery, leased to this instance for `leaseFor` µs from `now`
    /// (the longest an attempt may take): no other instance delivers it meanwhile. A store that
    /// only one instance uses has nothing to lease.
    func leaseNextCallback(deviceId: String, now: Int64, leaseFor: Int64) async throws(ServiceError) -> CallbackLease
    /// The delivery of event `eventId` of `deviceId`; without a device, the first found with that id.
    func callbackDelivery(eventId: String, deviceId: String?) async throws(ServiceError) -> CallbackDelivery?
    /// Records one attempt: its count, answer and error, and the new state (settled unless pending).
    func recordCallbackAttempt(deviceId: String, eventId: String, state: CallbackDelivery.State, attempts: Int, status: Int?,
                               error: String?, now: Int64) async throws(ServiceError)

    // MARK: Alexa for Business

    /// Registers the AVS device `deviceKey` of `account`, or updates its registration: returns its
    /// ARN, `newArn` for a new one. InvalidDeviceException for a serial already registered to
    /// another product; LimitExceededException past `limit` devices in the account.
    func registerAVSDevice(account: String, deviceKey: String, request: RegisterAVSDeviceRequest, tags: String,
                           newArn: String, limit: Int, now: Int64) async throws(ServiceError) -> String
}

extension ClaimStore {
    /// The first delivery found for event id `eventId`, on any device (tests and diagnostics).
    package func callbackDelivery(eventId: String) async throws(ServiceError) -> CallbackDelivery? {
        try await callbackDelivery(eventId: eventId, deviceId: nil)
    }
}

/// What `leaseNextCallback` found.
package enum CallbackLease: Sendable, Equatable {
    /// Nothing pending for the device.
    case none
    /// The device's oldest pending delivery, this instance's to attempt.
    case leased(CallbackDelivery)
    /// Another instance holds the device's oldest delivery until then (µs): its to attempt, and
    /// this one's to take over only if it has not settled it by then (it died).
    case heldElsewhere(until: Int64)
}

/// Which of a device's two callbacks a SetOnClickCallback or SetHealthMonitorCallback sets.
package enum CallbackKind: String, Sendable {
    case onClick = "onClickCallback"
    case healthMonitor = "healthMonitorCallback"
}
