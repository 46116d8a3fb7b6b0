import Presses

/// What a `BridgeDaemon` did, as it happens, for a program that runs one and follows each press
/// (`clickbridge demo`). `run` prints lines instead; the components log the rest themselves.
public enum DaemonReport: Sendable {
    /// A device's registration with the service, with the configuration's claim code.
    case registration(Registrar.Outcome)
    /// A press decided and committed to the outbox (queued for the service when it is SINGLE,
    /// DOUBLE or LONG); reported before the publisher is woken, so before that event's delivery is.
    case queued(Press, CommittedGesture)
    /// What the publisher did with an event.
    case publisher(Publisher.Report)
}
