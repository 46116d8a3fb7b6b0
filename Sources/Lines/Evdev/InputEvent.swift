import Presses

/// One kernel `input_event`, as plain values: the decoder's input, so tests can feed recorded
/// sequences without a device.
public struct InputEvent: Hashable, Sendable {
    public var time: Timestamp
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public init(time: Timestamp, type: UInt16, code: UInt16, value: Int32) {
        self.time = time
        self.type = type
        self.code = code
        self.value = value
    }

    // The few codes of linux/input-event-codes.h the decoder needs (stable kernel ABI).
    public static let evSyn: UInt16 = 0x00
    public static let evKey: UInt16 = 0x01
    public static let synReport: UInt16 = 0
    public static let synDropped: UInt16 = 3
}
