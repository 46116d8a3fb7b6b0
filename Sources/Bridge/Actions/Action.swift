import Presses

/// One thing a press makes happen: a command or a webhook (see `hardware/actions.md`).
public enum Action: Sendable, Equatable {
    case exec(ExecAction)
    case webhook(WebhookAction)

    /// A short, secret-free name for logs and `clickbridge status`: `exec /usr/bin/mpc`,
    /// `webhook POST http://host:8123/api/webhook/porch`.
    public var summary: String {
        switch self {
        case .exec(let e): return "exec \(e.argv.first ?? "")"
        case .webhook(let w): return "webhook \(w.method) \(w.redactedURL)"
        }
    }
}
