/// Which GPIO line a button is on, and how to request it.
public struct GPIOLineConfig: Sendable, Hashable {
    /// The chip: a name (`gpiochip0`), a path (`/dev/gpiochip0`), a number (`0`) or a label
    /// (`pinctrl-rp1`). Nil: look the line up by name on every chip (robust when chip numbers move).
    public var chip: String?
    /// The line: an offset (`17`) or a line name (`GPIO17`).
    public var line: String
    public var bias: GPIOBias
    /// True when the button pulls the line low (to GND, with pull-up): a falling edge is a press.
    /// The default, since that is the usual wiring.
    public var activeLow: Bool
    /// The button's name; nil gives `CHIP:LINE` (`gpiochip0:GPIO17`, or the offset for an unnamed line).
    public var name: String?
    /// The consumer name the kernel shows for the requested line (`gpioinfo`, `doctor`).
    public var consumer: String

    public init(chip: String?, line: String, bias: GPIOBias = .pullUp, activeLow: Bool = true,
                name: String? = nil, consumer: String = "clickbridge") {
        self.chip = chip
        self.line = line
        self.bias = bias
        self.activeLow = activeLow
        self.name = name
        self.consumer = consumer
    }

    /// Parses the `--gpio` argument: `CHIP:LINE`, or a line name alone (`GPIO17`). The chip part may
    /// itself hold colons (labels such as `gpio-sim.0:node0`), so the line is after the last one.
    public init(parsing spec: String, bias: GPIOBias = .pullUp, activeLow: Bool = true) throws(LineError) {
        let trimmed = spec.trimmingSpaces
        guard !trimmed.isEmpty else { throw LineError("empty GPIO line: use CHIP:LINE, e.g. gpiochip0:GPIO17 or gpiochip0:17") }
        if let colon = trimmed.lastIndex(of: ":") {
            let chip = String(trimmed[..<colon]).trimmingSpaces
            let line = String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces
            guard !chip.isEmpty, !line.isEmpty else {
                throw LineError("bad GPIO line '\(spec)': use CHIP:LINE, e.g. gpiochip0:GPIO17 or gpiochip0:17")
            }
            self.init(chip: chip, line: line, bias: bias, activeLow: activeLow)
        } else {
            guard Int(trimmed) == nil else {
                throw LineError("GPIO line '\(spec)' is an offset without a chip: use CHIP:\(trimmed), e.g. gpiochip0:\(trimmed), or the line's name")
            }
            self.init(chip: nil, line: trimmed, bias: bias, activeLow: activeLow)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
