import CGPIOD

/// The line's internal resistor. A button wired to GND wants pull-up (the default) with active-low.
public enum GPIOBias: String, Sendable, Hashable, CaseIterable {
    case pullUp = "pull-up"
    case pullDown = "pull-down"
    case disable = "disable"
    case asIs = "as-is"

    /// Accepts ClickBridge's spellings (`pull-up`, `pull-down`, `disable`, `as-is`; see ARCHITECTURE.md,
    /// "Sources and the live loop") and those of gpiod's tools (`pull_up`, `disabled`).
    public init?(parsing text: String) {
        switch String(text.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "pull-up", "pullup", "up": self = .pullUp
        case "pull-down", "pulldown", "down": self = .pullDown
        case "disable", "disabled", "none", "off": self = .disable
        case "as-is", "asis": self = .asIs
        default: return nil
        }
    }

    var shimValue: Int32 {
        switch self {
        case .asIs: return Int32(CB_BIAS_AS_IS.rawValue)
        case .disable: return Int32(CB_BIAS_DISABLE.rawValue)
        case .pullUp: return Int32(CB_BIAS_PULL_UP.rawValue)
        case .pullDown: return Int32(CB_BIAS_PULL_DOWN.rawValue)
        }
    }
}
