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

    @OptionGroup var timing: TimingOptions

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
            overrides: try timing.overrides(),
            json: json)
    }
}
