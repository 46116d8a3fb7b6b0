/// The trace formats ClickBridge reads.
public enum TraceFormat: String, Sendable, Hashable, CaseIterable {
    /// ClickBridge's own format (hardware/traces/README.md).
    case native
    /// `gpiomon` output, libgpiod 1.6 (`event: FALLING EDGE offset: 17 timestamp: [ …]`)
    /// or 2.x (`10002.907638045<TAB>falling<TAB>"GPIO17"`), detected per line.
    case gpiomon
    /// `evemu-record` output (`E: 0.000001 0001 001c 0001`).
    case evemu
}
