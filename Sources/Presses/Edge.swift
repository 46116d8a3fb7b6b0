/// One level change of one button, as a source saw it: already translated from the line's
/// electrical level through its polarity, so `pressed` means the button went down.
///
/// Sources report every raw edge, bounces included; the detector debounces.
public struct Edge: Hashable, Sendable {
    public var time: Timestamp
    public var pressed: Bool

    public init(time: Timestamp, pressed: Bool) {
        self.time = time
        self.pressed = pressed
    }
}
