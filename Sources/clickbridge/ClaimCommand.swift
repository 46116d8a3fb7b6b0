import ArgumentParser
import Foundation
import OneClick
#if canImport(Glibc)
import Glibc
#endif

struct Claim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim", abstract: "Initiate a claim, wait for a press, finalize.",
        discussion: "Initiates the claim, asks for a press, and tries FinalizeDeviceClaim about twice a second while the service answers 412 (no press yet), until the device is CLAIMED or the timeout passes.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The device id.")
    var deviceId: String

    @Option(name: .customLong("tag"), help: "A tag for the claimed device, key=value; repeat for more.")
    var tags: [KeyValue] = []

    @Option(help: "How long to wait for the press: e.g. 60s, 2m.")
    var timeout: DurationArgument = DurationArgument(argument: "60s")!

    func run() async throws {
        try await failingInOneLine {
            let oneClick = try client.makeClient()
            let initiated = try await oneClick.initiateDeviceClaim(deviceId: deviceId)
            print("\(deviceId): \(initiated.state ?? "CLAIM_INITIATED")")
            let countdown = Countdown(deviceId: deviceId, total: timeout.duration)
            defer { countdown.finish() }
            let answer: FinalizeDeviceClaimResponse
            do {
                answer = try await oneClick.finalizeWhenPressed(deviceId: deviceId, tags: tags.isEmpty ? nil : tags.dictionary,
                                                                timeout: timeout.duration) { left in countdown.show(left: left) }
            } catch {
                countdown.finish()
                if case .noPress(_, _, let last)? = error as? ClaimWaitError {
                    throw CommandFailure("no press on \(deviceId) within \(timeout); the claim stays initiated, so run 'clickbridge claim \(deviceId)' again and press the button (last answer: \(last))")
                }
                throw error
            }
            countdown.finish()
            print("\(deviceId): \(answer.state ?? "CLAIMED")")
        }
    }
}

/// "press the button on DEVICE now" with the seconds left: rewritten in place on a terminal,
/// printed once otherwise (a log should not fill with countdown lines).
final class Countdown {
    private let deviceId: String
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var shownSeconds: Int64?

    init(deviceId: String, total: Duration) {
        self.deviceId = deviceId
        if !isTerminal {
            print("press the button on \(deviceId) now (waiting up to \(total.components.seconds) s)")
        }
        show(left: total)
    }

    func show(left: Duration) {
        guard isTerminal else { return }
        let seconds = left.components.seconds + (left.components.attoseconds > 0 ? 1 : 0)
        guard seconds != shownSeconds else { return }
        shownSeconds = seconds
        Terminal.write(1, Array("\rpress the button on \(deviceId) now: \(seconds) s left \u{1B}[K".utf8))
    }

    func finish() {
        if isTerminal && shownSeconds != nil { Terminal.write(1, [10]) }
        shownSeconds = nil
    }
}
