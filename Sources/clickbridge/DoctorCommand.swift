import ArgumentParser
import Glibc
import Lines

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check chips, lines, input devices and permissions.",
        discussion: "Exit status 0 when nothing needs fixing (also on a machine with no GPIO or input devices), 1 otherwise.")

    func run() throws {
        let report = Lines.Doctor.examine()
        Terminal.out(report.render())
        if !report.problems.isEmpty { throw ExitCode(1) }
    }
}
