import ArgumentParser

/// The command line. Started by main.swift.
struct ClickBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clickbridge",
        abstract: "Turn a button on a Linux machine into an IoT 1-Click device.",
        version: versionText,
        subcommands: [
            Demo.self, Serve.self, Run.self, Check.self, Status.self,
            Listen.self, Record.self, Replay.self, Plot.self, Doctor.self,
            Publish.self, Claim.self, Events.self, RegisterAVS.self, Credentials.self, StoreCommand.self,
        ]
    )
}
