/// What happened the last times one configured action ran: for `clickbridge status` and the log.
public struct ActionRecord: Codable, Sendable, Equatable {
    public var deviceId: String
    public var button: String
    /// The gesture name (`SINGLE`, `TRIPLE`, `LONG_RELEASE`, …). The key keeps its first name
    /// so the `actions.json` of an older daemon still reads.
    public var clickType: String
    /// Position in the gesture's list of actions.
    public var index: Int
    /// `exec /usr/bin/mpc`, `webhook POST http://…` (never a secret).
    public var action: String
    public var runs: Int = 0
    public var failures: Int = 0
    /// Unix seconds.
    public var lastRunAt: Double?
    public var lastResult: String = ""
    public var lastError: String?
    public var lastErrorAt: Double?
    /// The event of the last failure, to find it in the log and in ListDeviceEvents.
    public var lastErrorEventId: String?

    public init(deviceId: String, button: String, clickType: String, index: Int, action: String) {
        self.deviceId = deviceId
        self.button = button
        self.clickType = clickType
        self.index = index
        self.action = action
    }

    var key: String { "\(deviceId)/\(clickType)/\(index)" }
}
