import ArgumentParser
import Lines
import Presses

/// The timing flags `listen`, `record` and `replay` share (ARCHITECTURE.md, "Press rules"): each
/// one given replaces that setting of a trace's own timing, else of the defaults.
struct TimingOptions: ParsableArguments {
    @Option(help: "Debounce, e.g. 20ms (default: a trace's own timing, else 20ms).")
    var debounce: String?

    @Option(help: "LONG threshold, e.g. 1.5s.")
    var long: String?

    @Option(name: .customLong("double-window"), help: "Multi-press window, e.g. 400ms; 0 disables DOUBLE and beyond.")
    var doubleWindow: String?

    @Option(name: .customLong("max-presses"), help: "The longest multi-press recognised, 1 (no DOUBLE) to 5 (QUINTUPLE); default 2.")
    var maxPresses: String?

    @Flag(name: .customLong("long-release"), help: "After a LONG, its release emits LONG_RELEASE.")
    var longRelease = false

    @Option(name: .customLong("repeat"), help: "While a LONG is held, LONG_REPEAT every this long, e.g. 500ms; 0 (the default) is off.")
    var repeatEvery: String?

    /// The overrides; a bad value is an error naming its flag.
    func overrides() throws(ReplayArgumentError) -> TimingOverrides {
        TimingOverrides(
            debounce: try debounce.map { (t) throws(ReplayArgumentError) in try ReplayJob.duration(t, flag: "--debounce") },
            long: try long.map { (t) throws(ReplayArgumentError) in try ReplayJob.duration(t, flag: "--long") },
            doubleWindow: try doubleWindow.map { (t) throws(ReplayArgumentError) in try ReplayJob.duration(t, flag: "--double-window") },
            maxPresses: try maxPresses.map { (t) throws(ReplayArgumentError) in try TimingOverrides.maxPresses(t) },
            // A flag that is absent keeps a trace's own `long-release=on`.
            longRelease: longRelease ? true : nil,
            repeat: try repeatEvery.map { (t) throws(ReplayArgumentError) in try TimingOverrides.repeatEvery(t) })
    }
}
