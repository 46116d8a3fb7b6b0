import OneClick

/// The claim state machine (ARCHITECTURE.md, "Claim rules") as pure decisions over stored state. The store gathers
/// the facts inside one write transaction, asks these functions, and applies the answer; so every
/// transition is atomic and the rules are testable without HTTP or SQLite.
package enum ClaimRules {
    /// The facts a FinalizeDeviceClaim decision needs.
    package struct FinalizeFacts: Sendable {
        /// The caller's initiation on this device (µs), if any.
        package var initiatedAt: Int64?
        /// Whether an event from an enabled device was received after that initiation with a
        /// `reportedTime` no earlier than `tolerance` before it.
        package var pressSinceInitiation: Bool

        package init(initiatedAt: Int64?, pressSinceInitiation: Bool) {
            self.initiatedAt = initiatedAt
            self.pressSinceInitiation = pressSinceInitiation
        }
    }

    package enum FinalizeDecision: Equatable, Sendable {
        /// The caller already owns it: answer CLAIMED, change nothing but tags.
        case alreadyOwned
        /// Make the caller owner; its claim began at `beganAt`.
        case claim(beganAt: Int64)
    }

    package struct Timing: Sendable {
        /// How long an initiation stays valid (10 minutes by default).
        package var claimExpiry: Int64
        /// How far before the initiation a press's `reportedTime` may be (30 s by default).
        package var reportedTimeTolerance: Int64
    }

    /// Only the owner sees a device; every other account gets the same 404 as for an unknown id.
    package static func requireOwner(_ device: DeviceRecord?, deviceId: String, account: String) throws(ServiceError) -> DeviceRecord {
        guard let device, device.ownerAccount == account else { throw .noSuchDevice(deviceId) }
        return device
    }

    /// Device-side calls are the registering principal's alone, whoever owns the device.
    package static func requireBound(_ device: DeviceRecord, _ caller: Caller) throws(ServiceError) {
        guard device.boundPrincipal == caller.principal, device.boundAccount == caller.accountId else {
            throw ServiceError.forbidden("device \(device.deviceId) is bound to the principal that registered it; sign device-side calls with that principal's credentials")
        }
    }

    package static func initiate(_ device: DeviceRecord?, deviceId: String, account: String) throws(ServiceError) {
        guard let device else { throw .notFound("device \(deviceId) not found: register it first (a bridge registers its devices when it starts)") }
        if let owner = device.ownerAccount {
            if owner == account {
                throw .conflict("device \(deviceId) is already claimed by your account: unclaim it first (UnclaimDevice) to claim it again")
            }
            throw .conflict("device \(deviceId) is claimed by another account")
        }
    }

    package static func finalize(
        _ device: DeviceRecord?, deviceId: String, account: String, facts: FinalizeFacts, now: Int64, timing: Timing
    ) throws(ServiceError) -> FinalizeDecision {
        guard let device else { throw .notFound("device \(deviceId) not found: register it first (a bridge registers its devices when it starts)") }
        if let owner = device.ownerAccount {
            if owner == account { return .alreadyOwned }
            throw .conflict("device \(deviceId) is claimed by another account")
        }
        guard let initiatedAt = facts.initiatedAt else {
            throw .precondition(.notInitiated, "no claim initiated on \(deviceId) by your account: call InitiateDeviceClaim first, press the button, then finalize")
        }
        if now - initiatedAt > timing.claimExpiry {
            let at = WireTimestamp(microseconds: initiatedAt).formatted
            throw .precondition(.expired, "the claim on \(deviceId) initiated at \(at) expired after \(describe(timing.claimExpiry)): initiate again (InitiateDeviceClaim), press the button, then finalize")
        }
        guard facts.pressSinceInitiation else {
            throw .precondition(.noPress, "no press from \(deviceId) since the claim was initiated: press the button on \(deviceId) after initiating the claim, then finalize")
        }
        return .claim(beganAt: initiatedAt)
    }

    package static func unclaim(_ device: DeviceRecord?, deviceId: String, account: String) throws(ServiceError) {
        _ = try requireOwner(device, deviceId: deviceId, account: account)
    }

    /// ClaimDevicesByClaimCode over every device registered with the code: the ids to claim now.
    /// All or nothing: a device claimed by another account forbids the whole call.
    package static func claimByCode(_ code: String, devices: [DeviceRecord], account: String) throws(ServiceError) -> [String] {
        guard ClaimCode.isValid(code) else {
            throw .invalidRequest("'\(code)' is not a claim code: it is C- followed by 10 to 38 letters or digits")
        }
        guard !devices.isEmpty else {
            throw .invalidRequest("no device is registered with claim code \(code): check the code, or register the devices with it first")
        }
        if devices.contains(where: { $0.ownerAccount != nil && $0.ownerAccount != account }) {
            throw .forbidden("a device with claim code \(code) is claimed by another account: nothing was claimed")
        }
        return devices.filter { $0.ownerAccount == nil }.map(\.deviceId)
    }

    /// "10 minutes", "90 seconds": for messages.
    static func describe(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        if seconds % 60 == 0 {
            let m = seconds / 60
            return m == 1 ? "1 minute" : "\(m) minutes"
        }
        return seconds == 1 ? "1 second" : "\(seconds) seconds"
    }
}
