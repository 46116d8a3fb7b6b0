import Presses

/// A button's `on:`: the actions of each click type, in the order written.
public struct ButtonActions: Sendable, Equatable {
    public var byClick: [ClickType: [Action]]

    public init(_ byClick: [ClickType: [Action]] = [:]) { self.byClick = byClick }

    public func actions(for click: ClickType) -> [Action] { byClick[click] ?? [] }

    public var isEmpty: Bool { byClick.values.allSatisfy(\.isEmpty) }

    /// Whether any action runs a command: the config file must then be safe to trust.
    public var runsCommands: Bool {
        byClick.values.contains { $0.contains { if case .exec = $0 { return true } else { return false } } }
    }
}
