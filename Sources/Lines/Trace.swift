import Presses

/// A recorded sequence of edges of one or more buttons, on the trace's own clock.
public struct Trace: Sendable {
    /// Button names, indexed by `SourceEdge.button`, as DESIGN.md defines `button`.
    public var buttons: [String]
    /// Edges in time order, already through the polarity (`pressed` means down).
    public var edges: [SourceEdge]

    public init(buttons: [String], edges: [SourceEdge]) {
        self.buttons = buttons
        self.edges = edges
    }
}
