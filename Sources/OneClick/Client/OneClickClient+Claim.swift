/// Why waiting for a press to finalize a claim ended without CLAIMED.
public enum ClaimWaitError: Error, Sendable, CustomStringConvertible {
    /// No press reached the service in time; the claim stays initiated.
    case noPress(deviceId: String, waited: Duration, lastMessage: String)
    /// Any other failure, including a 412 that waiting cannot fix (no initiation, or expired).
    case failed(OneClickClientError)

    public var description: String {
        switch self {
        case let .noPress(deviceId, waited, lastMessage):
            "no press on \(deviceId) within \(waited.components.seconds) s; the claim stays initiated, so press the button and finalize again (last answer: \(lastMessage))"
        case .failed(let error):
            error.description
        }
    }
}

extension OneClickClient {
    /// FinalizeDeviceClaim, retried every `interval` while the service answers 412 for a press it
    /// has not seen yet, until CLAIMED or `timeout`. The owner cannot see a device's events
    /// before it owns it (ARCHITECTURE.md, "Who sees what"), so asking again is the only way to wait.
    ///
    /// A 412 whose reason (`ClaimRefusalReason`) says the initiation is missing or expired ends
    /// the wait at once: pressing will not help. A 412 without a reason is taken as "no press
    /// yet", so other endpoints work too.
    public func finalizeWhenPressed(deviceId: String, tags: [String: String]? = nil, timeout: Duration,
                                    interval: Duration = .milliseconds(500),
                                    onWaiting: (_ left: Duration) -> Void = { _ in }) async throws(ClaimWaitError) -> FinalizeDeviceClaimResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let message: String
            do {
                return try await finalizeDeviceClaim(deviceId: deviceId, tags: tags)
            } catch {
                guard let service = error.serviceError, service.statusCode == 412, !Self.isTerminalPrecondition(service) else {
                    throw .failed(error)
                }
                message = service.message
            }
            let left = deadline - clock.now
            if left <= .zero { throw .noPress(deviceId: deviceId, waited: timeout, lastMessage: message) }
            onWaiting(left)
            do {
                try await Task.sleep(for: min(interval, left))
            } catch {
                throw .noPress(deviceId: deviceId, waited: timeout - left, lastMessage: "cancelled")
            }
        }
    }

    /// The 412s of the claim rules that a press cannot fix, read from the reason header; an
    /// unknown reason is left to the timeout, like a missing one.
    static func isTerminalPrecondition(_ error: AWSServiceError) -> Bool {
        guard let reason = error.reason.flatMap(ClaimRefusalReason.init(rawValue:)) else { return false }
        return !reason.pressCanFix
    }
}
