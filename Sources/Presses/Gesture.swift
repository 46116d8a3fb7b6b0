/// What the detector decided a press sequence was: the three 1-Click click types and the gestures
/// beyond them (ARCHITECTURE.md, "Gestures").
///
/// Only SINGLE, DOUBLE and LONG have a `clickType`; the others cannot be 1-Click device events.
/// The cases carry exactly what their gesture has, so a TRIPLE without a count or a LONG_RELEASE
/// without its duration cannot be made.
public enum Gesture: Hashable, Sendable {
    case single
    case double
    case triple
    case quadruple
    case quintuple
    /// A first press held for `long`, decided while still held.
    case long
    /// The confirmed release after a LONG (setting `longRelease`); `heldFor` = release − press time.
    case longRelease(heldFor: Span)
    /// Repeat number `count` (from 1) while a LONG is still held (setting `repeat`).
    case longRepeat(count: Int)

    /// The gesture's name, as configs, `on:` keys and JSON spell it.
    public enum Name: String, Sendable, Hashable, CaseIterable, Codable {
        case single = "SINGLE"
        case double = "DOUBLE"
        case triple = "TRIPLE"
        case quadruple = "QUADRUPLE"
        case quintuple = "QUINTUPLE"
        case long = "LONG"
        case longRelease = "LONG_RELEASE"
        case longRepeat = "LONG_REPEAT"
    }

    /// The most short presses one sequence can have (QUINTUPLE).
    public static let mostPresses = 5

    /// `count` short presses in one sequence, 1 (SINGLE) to 5 (QUINTUPLE).
    public static func presses(_ count: Int) -> Gesture {
        switch count {
        case 1: .single
        case 2: .double
        case 3: .triple
        case 4: .quadruple
        case 5: .quintuple
        default: preconditionFailure("a press sequence has 1 to \(mostPresses) presses, not \(count)")
        }
    }

    /// The gesture `name` names, with the data only LONG_RELEASE (`heldFor`) and LONG_REPEAT
    /// (`repeatCount`) carry; the others ignore them.
    public init(_ name: Name, heldFor: Span = .zero, repeatCount: Int = 1) {
        switch name {
        case .single: self = .single
        case .double: self = .double
        case .triple: self = .triple
        case .quadruple: self = .quadruple
        case .quintuple: self = .quintuple
        case .long: self = .long
        case .longRelease: self = .longRelease(heldFor: heldFor)
        case .longRepeat: self = .longRepeat(count: repeatCount)
        }
    }

    public init(_ clickType: ClickType) {
        switch clickType {
        case .single: self = .single
        case .double: self = .double
        case .long: self = .long
        }
    }

    public var name: Name {
        switch self {
        case .single: .single
        case .double: .double
        case .triple: .triple
        case .quadruple: .quadruple
        case .quintuple: .quintuple
        case .long: .long
        case .longRelease: .longRelease
        case .longRepeat: .longRepeat
        }
    }

    /// The 1-Click click type, for SINGLE, DOUBLE and LONG only.
    public var clickType: ClickType? {
        switch self {
        case .single: .single
        case .double: .double
        case .long: .long
        default: nil
        }
    }

    /// The number of presses of a multi-press (DOUBLE has 2), or of a LONG_REPEAT; nil otherwise
    /// (SINGLE is not a multi-press).
    public var count: Int? {
        switch self {
        case .double: 2
        case .triple: 3
        case .quadruple: 4
        case .quintuple: 5
        case .longRepeat(let count): count
        default: nil
        }
    }

    /// How long the button was held, for LONG_RELEASE only.
    public var heldFor: Span? {
        if case .longRelease(let heldFor) = self { return heldFor }
        return nil
    }
}

extension Gesture: CustomStringConvertible {
    /// `DOUBLE`, `LONG_REPEAT count=3`, `LONG_RELEASE heldFor=2.100000000s`.
    public var description: String {
        switch self {
        case .longRepeat(let count): "\(name.rawValue) count=\(count)"
        case .longRelease(let heldFor): "\(name.rawValue) heldFor=\(heldFor)"
        default: name.rawValue
        }
    }
}
