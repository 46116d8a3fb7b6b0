import Foundation
import Logging

/// Test fixtures (services, daemons, receivers) log through swift-log, whose default handler
/// prints every line. In tests they stay silent; `CLICKBRIDGE_TEST_LOGS=1 swift test --filter …`
/// shows them on stderr when a failing test needs them.
///
/// `CTestSupport`'s constructor calls this as the test binary loads, before any test makes a
/// logger: bootstrapping later would leave the loggers made earlier printing.
@_cdecl("clickbridge_tests_quiet_logs")
public func quietLogs() {
    let show = ProcessInfo.processInfo.environment["CLICKBRIDGE_TEST_LOGS"].map { !$0.isEmpty && $0 != "0" } ?? false
    LoggingSystem.bootstrap { label -> any LogHandler in
        show ? StreamLogHandler.standardError(label: label) : SwiftLogNoOpLogHandler()
    }
}
