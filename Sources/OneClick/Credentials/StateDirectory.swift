import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the service and the bridge keep their state, and where client commands look for the
/// credentials file by default.
public enum StateDirectory {
    /// `$CLICKBRIDGE_STATE_DIR`; else `/var/lib/clickbridge` for root; else
    /// `$XDG_STATE_HOME/clickbridge`; else `~/.local/state/clickbridge`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   isRoot: Bool = geteuid() == 0) -> String {
        if let dir = environment["CLICKBRIDGE_STATE_DIR"], !dir.isEmpty { return dir }
        if isRoot { return "/var/lib/clickbridge" }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/clickbridge" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/clickbridge"
    }

    /// `<stateDir>/credentials`.
    public static func credentialsPath(stateDirectory: String) -> String {
        stateDirectory.hasSuffix("/") ? stateDirectory + "credentials" : stateDirectory + "/credentials"
    }
}
