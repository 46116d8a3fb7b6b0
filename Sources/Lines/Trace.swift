import Presses

/// A recorded sequence of edges of one or more buttons, on the trace's own clock.
///
/// Read one with `TraceReader`, write one with `NativeTraceWriter`, classify it with
/// `TraceReplay`. Besides the edges, a trace may carry what its file said about itself:
/// where it came from, the line's polarity, the timing it was recorded for, and the presses
/// it is expected to produce (so a trace checks itself, see `hardware/traces/README.md`).
public struct Trace: Sendable {
    /// Button names, indexed by `SourceEdge.button`, as ARCHITECTURE.md ("Button names") defines `button`.
    public var buttons: [String]
    /// Edges in time order, already through the polarity (`pressed` means down).
    public var edges: [SourceEdge]

    /// Free text naming where the edges came from (`gpio gpiochip0 GPIO17`, `evdev …`, `simulated`).
    public var source: String?
    /// True when a low level means pressed. The edges above are already translated; the
    /// writer uses this to write electrical levels back.
    public var activeLow: Bool
    /// The polarity the file itself states (its `polarity` line, else active-high). It differs
    /// from `activeLow` when the reader was told to override it, and then the file's
    /// expectations no longer apply.
    public var statedActiveLow: Bool
    /// Per button (same indices as `buttons`): held down when the recording started.
    /// Missing entries mean released.
    public var initiallyPressed: [Bool]
    /// The timing the trace's expectations assume; nil means the defaults.
    public var timing: PressTiming?
    /// What replaying this trace must produce. Empty with `expectsNoPresses == false` means
    /// the trace states nothing.
    public var expectations: [TraceExpectation]
    /// The trace states that it produces no press at all (`expect none`).
    public var expectsNoPresses: Bool
    /// The format it was read from.
    public var format: TraceFormat
    /// Decimal digits its timestamps carry: 9 (nanoseconds) for native and gpiomon, 6 for
    /// evemu (microseconds). Output uses the same precision when it is exact.
    public var timestampDigits: Int

    public init(
        buttons: [String],
        edges: [SourceEdge],
        source: String? = nil,
        activeLow: Bool = false,
        statedActiveLow: Bool? = nil,
        initiallyPressed: [Bool] = [],
        timing: PressTiming? = nil,
        expectations: [TraceExpectation] = [],
        expectsNoPresses: Bool = false,
        format: TraceFormat = .native,
        timestampDigits: Int = 9
    ) {
        self.buttons = buttons
        self.edges = edges
        self.source = source
        self.activeLow = activeLow
        self.statedActiveLow = statedActiveLow ?? activeLow
        self.initiallyPressed = initiallyPressed
        self.timing = timing
        self.expectations = expectations
        self.expectsNoPresses = expectsNoPresses
        self.format = format
        self.timestampDigits = timestampDigits
    }

    /// Whether the button at `index` was held when the recording started.
    public func isInitiallyPressed(_ index: Int) -> Bool {
        index < initiallyPressed.count ? initiallyPressed[index] : false
    }

    /// The index of a button by name.
    public func buttonIndex(_ name: String) -> Int? { buttons.firstIndex(of: name) }

    /// Whether the file states what it should produce (expectations or `expect none`).
    public var checksItself: Bool { expectsNoPresses || !expectations.isEmpty }
}
