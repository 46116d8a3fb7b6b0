import CoreMetrics
import Synchronization

/// What `serve --metrics-listen` exposes: requests by operation and status with their latency,
/// events ingested, click callbacks by outcome, and the database's errors and pool waits.
///
/// Every counter and histogram is made once (a request's status counter on the first request that
/// answers it), so a request only looks up and increments. The service holds none when metrics
/// are off, which is always so in `run`'s embedded service.
public final class ClaimServiceMetrics: Sendable {
    /// The names Prometheus sees; README.md lists them with what to watch.
    public enum Name {
        public static let requests = "clickbridge_requests_total"
        public static let requestDuration = "clickbridge_request_duration_seconds"
        public static let eventsIngested = "clickbridge_events_ingested_total"
        public static let callbacks = "clickbridge_callbacks_total"
        public static let databaseErrors = "clickbridge_database_errors_total"
        public static let poolWait = "clickbridge_database_pool_wait_seconds"
    }

    /// What each metric counts, for Prometheus's HELP lines (README.md says what to watch).
    public static let help: [String: String] = [
        Name.requests: "Requests answered, by operation (unknown when no route matched) and HTTP status.",
        Name.requestDuration: "Time from a request's arrival to its answer, by operation.",
        Name.eventsIngested: "New device events stored; a resent duplicate is not counted.",
        Name.callbacks: "Click-callback attempts by outcome: delivered, retried (to be tried again) or dead (given up).",
        Name.databaseErrors: "Calls that failed for the database's own reasons, each answered 500.",
        Name.poolWait: "Time calls waited for a connection of the PostgreSQL pool.",
    ]

    /// A request's counter is keyed by these two, bounded: the known operations and the statuses
    /// the service answers.
    private struct RequestKey: Hashable {
        let operation: OperationName
        let status: Int
    }

    private let factory: any MetricsFactory
    private let requests = Mutex<[RequestKey: Counter]>([:])
    private let durations: [OperationName: Timer]
    private let eventsIngested: Counter
    private let callbacksDelivered: Counter
    private let callbacksRetried: Counter
    private let callbacksDead: Counter
    private let databaseErrors: Counter
    private let poolWait: Timer

    public init(factory: any MetricsFactory) {
        self.factory = factory
        var durations: [OperationName: Timer] = [:]
        for operation in OperationName.allCases {
            durations[operation] = Timer(label: Name.requestDuration, dimensions: [("operation", operation.rawValue)], factory: factory)
        }
        self.durations = durations
        eventsIngested = Counter(label: Name.eventsIngested, factory: factory)
        callbacksDelivered = Counter(label: Name.callbacks, dimensions: [("outcome", "delivered")], factory: factory)
        callbacksRetried = Counter(label: Name.callbacks, dimensions: [("outcome", "retried")], factory: factory)
        callbacksDead = Counter(label: Name.callbacks, dimensions: [("outcome", "dead")], factory: factory)
        databaseErrors = Counter(label: Name.databaseErrors, factory: factory)
        poolWait = Timer(label: Name.poolWait, factory: factory)
    }

    /// One answered request: its operation, HTTP status and time from arrival to answer.
    func request(_ operation: OperationName, status: Int, nanoseconds: Int64) {
        let key = RequestKey(operation: operation, status: status)
        let counter = requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: Name.requests,
                                  dimensions: [("operation", operation.rawValue), ("status", String(status))], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
        durations[operation]?.recordNanoseconds(nanoseconds)
    }

    /// A new event was stored (not a duplicate).
    func eventIngested() { eventsIngested.increment() }

    /// The outcome of one callback attempt.
    func callback(_ report: CallbackReport) {
        switch report {
        case .delivered: callbacksDelivered.increment()
        case .willRetry: callbacksRetried.increment()
        case .dead: callbacksDead.increment()
        }
    }

    /// A call to the database failed for a reason of the database's (unreachable, refused, an
    /// error of its own), not the claim rules'.
    package func databaseError() { databaseErrors.increment() }

    /// How long a call waited for a connection of the pool.
    package func waitedForConnection(nanoseconds: Int64) { poolWait.recordNanoseconds(nanoseconds) }
}
