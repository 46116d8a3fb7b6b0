/// The three click types of an IoT 1-Click button, with their wire spelling.
public enum ClickType: String, Sendable, Hashable, CaseIterable, Codable {
    case single = "SINGLE"
    case double = "DOUBLE"
    case long = "LONG"
}
