import Foundation

/// The `clickbridge` binary SwiftPM builds beside the test bundle (`swift build --build-tests`
/// builds both), run the way a person runs it.
public enum ClickBridgeBinary {
    /// Its path, or nil when it was not built.
    public static var path: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test executable may sit inside an .xctest bundle directory.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("clickbridge").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Its path; fails the test that needs it when it was not built.
    public static func required() throws -> String {
        guard let path else { throw NotBuilt() }
        return path
    }

    /// `clickbridge ARGUMENTS` to its end, waited for off the cooperative pool.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> FinishedCommand {
        let binary = try required()
        return try await offPool { try FinishedCommand.run(binary, arguments, environment: environment) }
    }

    /// Starts `clickbridge ARGUMENTS` and returns at once; what it writes goes where the caller says,
    /// and nowhere by default.
    public static func launch(_ arguments: [String], standardOutput: LaunchedProcess.Output = .discard,
                              standardError: LaunchedProcess.Output = .discard) throws -> LaunchedProcess {
        try LaunchedProcess(try required(), arguments, standardOutput: standardOutput, standardError: standardError)
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String { "the clickbridge binary is not next to the test executable: run `swift build --build-tests` first" }
    }
}
