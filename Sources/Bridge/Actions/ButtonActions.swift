import Presses

/// A button's `on:`: the actions of each gesture, in the order written.
public struct ButtonActions: Sendable, Equatable {
    public var byGesture: [Gesture.Name: [Action]]

    public init(_ byGesture: [Gesture.Name: [Action]] = [:]) { self.byGesture = byGesture }

    public func actions(for gesture: Gesture.Name) -> [Action] { byGesture[gesture] ?? [] }

    public var isEmpty: Bool { byGesture.values.allSatisfy(\.isEmpty) }

    /// Whether any action runs a command: the config file must then be safe to trust.
    public var runsCommands: Bool {
        byGesture.values.contains { $0.contains { if case .exec = $0 { return true } else { return false } } }
    }
}
