import ArgumentParser
import Bridge

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration the way `run` would, without starting anything.",
        discussion: """
            Checks the YAML and everything it names: sources, trace files, credentials and their \
            profile, the state dir, the programs of exec actions, and the file's own permissions. \
            It creates no file and binds no port. A GPIO chip or input device that is not there is \
            a warning (run waits for hardware), as is an exec program that does not exist. Exit \
            status: 0 when run would start, 78 (EX_CONFIG) on a configuration error.
            """
    )

    @Option(help: "The YAML configuration file.")
    var config: String

    func run() throws {
        let check: ConfigCheck
        do { check = try ConfigCheck.run(configPath: config) } catch {
            Terminal.err("clickbridge check: \(error)")
            throw ExitCode(error.isConfigError ? BridgeFailure.configExitStatus : 1)
        }
        Terminal.out(check.summary)
        for warning in check.warnings { Terminal.err("warning: \(warning)") }
    }
}
