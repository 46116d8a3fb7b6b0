import ArgumentParser
import Glibc
import Lines
import Presses

/// The input flags `listen` and `record` share: exactly one of --gpio, --evdev, --trace.
struct LiveInputOptions: ParsableArguments {
    @Option(help: "GPIO line as CHIP:LINE: gpiochip0:GPIO17, gpiochip0:17, a chip label or path; or a line name alone (GPIO17).")
    var gpio: String?

    @Option(help: "Input device: /dev/input/eventN or a /dev/input/by-id or by-path link.")
    var evdev: String?

    @Option(name: .customLong("key"), help: "evdev: the key (KEY_ENTER or 28); repeatable. Default: the device's only key, else KEY_ENTER.")
    var keys: [String] = []

    @Option(help: "A trace file (native, gpiomon or evemu), replayed in real time.")
    var trace: String?

    @Option(help: "--trace: auto, native, gpiomon or evemu.")
    var format: String = "auto"

    @OptionGroup var polarity: PolarityOptions

    @Option(help: "GPIO bias: pull-up, pull-down, disable or as-is.")
    var bias: String = "pull-up"

    @Flag(help: "evdev: take the device exclusively (other programs stop seeing its keys).")
    var grab = false

    @OptionGroup var timing: TimingOptions

    func input() throws(LineError) -> LiveInput {
        let given = [gpio != nil, evdev != nil, trace != nil].filter { $0 }.count
        guard given == 1 else { throw LineError("give exactly one of --gpio CHIP:LINE, --evdev DEVICE or --trace FILE") }
        let activeLow = try polarity.activeLow()
        if let gpio {
            guard let b = GPIOBias(parsing: bias) else { throw LineError("--bias must be \(GPIOBias.spellings), not '\(bias)'") }
            guard keys.isEmpty, !grab else { throw LineError("--key and --grab apply to --evdev, not --gpio") }
            // Active-low unless told otherwise: the documented wiring is a button to GND with pull-up.
            return .gpio(try GPIOLineConfig(parsing: gpio, bias: b, activeLow: activeLow ?? true))
        }
        if let evdev {
            guard activeLow == nil else { throw LineError("--active-low and --active-high apply to --gpio and to traces; an evdev key reports presses as 1") }
            return .evdev(try EvdevConfig(device: evdev, keyNames: keys, grab: grab))
        }
        var codes: [UInt16] = []
        for k in keys {
            guard let code = EvdevKey.code(parsing: k) else { throw LineError("--key: unknown key '\(k)'") }
            codes.append(code)
        }
        let fmt: TraceFormat?
        do { fmt = try ReplayJob.format(format) } catch { throw LineError(error.description) }
        return .trace(path: trace!, read: TraceReadOptions(format: fmt, activeLow: activeLow, keys: codes))
    }

    func overrides() throws(LineError) -> TimingOverrides {
        do { return try timing.overrides() } catch { throw LineError(error.description) }
    }
}

/// `--active-low` / `--active-high`: which electrical level is a press. Neither keeps the
/// default: active-low for a GPIO line, the trace's own polarity for a trace.
struct PolarityOptions: ParsableArguments {
    @Flag(name: .customLong("active-low"), help: "A low level (falling edge) is a press: a button wired to GND with pull-up. The default for --gpio.")
    var low = false

    @Flag(name: .customLong("active-high"), help: "A high level (rising edge) is a press: a button wired to 3.3V with pull-down.")
    var high = false

    /// nil when neither flag is given.
    func activeLow() throws(LineError) -> Bool? {
        switch (low, high) {
        case (true, true): throw LineError("give --active-low or --active-high, not both")
        case (true, false): return true
        case (false, true): return false
        case (false, false): return nil
        }
    }
}
