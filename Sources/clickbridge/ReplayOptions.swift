import ArgumentParser
import Lines

/// The flags of `replay` that say how to read a trace and classify it. `plot` takes the same
/// group, so a flag added here reaches both.
struct ReplayOptions: ParsableArguments {
    @Option(help: "auto, native, gpiomon or evemu.")
    var format: String = "auto"

    @OptionGroup var polarity: PolarityOptions

    @Option(name: .customLong("key"), help: "evemu: only this key (KEY_ENTER or 28); repeatable.")
    var keys: [String] = []

    @Option(help: "Debounce, e.g. 20ms (default: the trace's timing, else 20ms).")
    var debounce: String?

    @Option(help: "LONG threshold, e.g. 1.5s.")
    var long: String?

    @Option(name: .customLong("double-window"), help: "Double-click window, e.g. 400ms; 0 disables DOUBLE.")
    var doubleWindow: String?

    /// The replay of `file` these flags describe; a bad value is one readable line.
    func job(file: String, json: Bool = false) throws(ReplayArgumentError) -> ReplayJob {
        var keyCodes: [UInt16] = []
        for k in keys {
            guard let code = EvdevKey.code(parsing: k) else {
                throw ReplayArgumentError("--key: '\(k)' is not a key; give a name like KEY_ENTER or a code like 28")
            }
            keyCodes.append(code)
        }
        let activeLow: Bool?
        do { activeLow = try polarity.activeLow() } catch { throw ReplayArgumentError(error.message) }
        return ReplayJob(
            path: file,
            read: TraceReadOptions(format: try ReplayJob.format(format), activeLow: activeLow, keys: keyCodes),
            debounce: try debounce.map { text throws(ReplayArgumentError) in try ReplayJob.duration(text, flag: "--debounce") },
            long: try long.map { text throws(ReplayArgumentError) in try ReplayJob.duration(text, flag: "--long") },
            doubleWindow: try doubleWindow.map { text throws(ReplayArgumentError) in try ReplayJob.duration(text, flag: "--double-window") },
            json: json)
    }
}
