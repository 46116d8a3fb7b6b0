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

    /// The state dir of the installed daemon (the Debian package and its systemd unit).
    public static let system = "/var/lib/clickbridge"

    /// The credentials file a client command uses when it is given none: the default state dir's.
    /// A user who has none of their own gets the installed daemon's, which members of its
    /// `clickbridge` group can read; that is how they claim without sudo.
    public static func clientCredentialsPath(environment: [String: String] = ProcessInfo.processInfo.environment,
                                             isRoot: Bool = geteuid() == 0) -> String {
        let own = credentialsPath(stateDirectory: defaultPath(environment: environment, isRoot: isRoot))
        if environment["CLICKBRIDGE_STATE_DIR"].map({ !$0.isEmpty }) == true || isRoot { return own }
        if access(own, F_OK) == 0 { return own }
        let installed = credentialsPath(stateDirectory: system)
        // EACCES: the daemon's state dir exists, but this user is not in its group yet.
        if access(installed, F_OK) == 0 || errno == EACCES { return installed }
        return own
    }

    /// What to do when the default credentials cannot be read: the advice that fits the file.
    public static func clientCredentialsAdvice(path: String) -> String {
        if path == credentialsPath(stateDirectory: system) {
            let user = FileAccess.userName(geteuid())
            return "to use the installed daemon's credentials, add yourself to its group: sudo adduser \(user) clickbridge, then log in again (README, \"Claim as a person\"); or give --credentials FILE"
        }
        return "start the daemon (sudo systemctl start clickbridge) or `clickbridge serve`, which create the credentials, or give --credentials FILE"
    }

    /// `<stateDir>/credentials`.
    public static func credentialsPath(stateDirectory: String) -> String {
        stateDirectory.hasSuffix("/") ? stateDirectory + "credentials" : stateDirectory + "/credentials"
    }
}
