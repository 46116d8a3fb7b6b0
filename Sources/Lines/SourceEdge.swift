import Presses

/// An edge tagged with the index of its button within its source (or trace).
/// An index instead of a name keeps replay free of string copies.
public struct SourceEdge: Hashable, Sendable {
    public var button: Int
    public var edge: Edge

    public init(button: Int, edge: Edge) {
        self.button = button
        self.edge = edge
    }
}
