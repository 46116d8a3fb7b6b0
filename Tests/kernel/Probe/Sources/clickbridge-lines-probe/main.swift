import Glibc
import Lines

// clickbridge-lines-probe listen --gpio CHIP:LINE [--bias B] [--active-low] | --evdev DEV --key K [--grab]
// clickbridge-lines-probe doctor
// The same library calls as `clickbridge listen` and `clickbridge doctor`, with just enough flag
// parsing for the kernel tier's checks.

func emit(_ fd: Int32, _ text: String) {
    var line = text + "\n"
    line.withUTF8 { buffer in _ = write(fd, buffer.baseAddress, buffer.count) }
}

func fail(_ message: String) -> Never {
    emit(2, message)
    exit(1)
}

let all = Array(CommandLine.arguments.dropFirst())
guard let command = all.first else { fail("usage: clickbridge-lines-probe listen ...|doctor") }
let args = Array(all.dropFirst())

func value(_ flag: String) -> String? {
    guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
    return args[i + 1]
}

switch command {
case "doctor":
    emit(1, Doctor.examine().render())
case "listen":
    let input: LiveInput
    do throws(LineError) {
        if let spec = value("--gpio") {
            let bias = value("--bias").map { GPIOBias(parsing: $0) ?? .pullUp } ?? .pullUp
            input = .gpio(try GPIOLineConfig(parsing: spec, bias: bias, activeLow: args.contains("--active-low")))
        } else if let device = value("--evdev") {
            input = .evdev(try EvdevConfig(device: device, keyNames: value("--key").map { [$0] } ?? [], grab: args.contains("--grab")))
        } else {
            fail("listen needs --gpio CHIP:LINE or --evdev DEVICE")
        }
        // stdout is written line by line (write(2)), so a pipe sees each edge as it happens.
        try ListenJob(input: input, json: args.contains("--json")).run(write: { emit(1, $0) }, note: { emit(2, $0) })
    } catch {
        fail(error.description)
    }
default:
    fail("unknown command \(command)")
}
