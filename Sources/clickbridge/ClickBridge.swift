import ArgumentParser
import Glibc
import QuietRuntime

@main
struct ClickBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clickbridge",
        abstract: "Turn a button on a Linux machine into an IoT 1-Click device.",
        version: versionText,
        subcommands: [
            Demo.self, Serve.self, Run.self, Check.self, Status.self,
            Listen.self, Record.self, Replay.self, Plot.self, Doctor.self,
            Publish.self, Claim.self, Events.self, RegisterAVS.self, Credentials.self,
        ]
    )

    /// Swift concurrency on NIO's event loops before anything runs: an idle daemon then never wakes.
    /// A closed stdout or stderr (`run … | head`) ends that output, never the process: SIGPIPE is
    /// ignored and every write tolerates EPIPE.
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        QuietExecutors.install()
        await main(nil)
    }
}
