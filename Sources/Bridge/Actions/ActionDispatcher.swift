import Glibc
import Logging
import Presses

/// Runs each button's actions for the presses committed to the outbox.
///
/// - `submit` never blocks: the outbox writer thread calls it right after the commit, and
///   detection, other buttons and publishing never wait for an action.
/// - Each button has its own lane: its presses start in the order they happened, at most
///   `maxConcurrentPresses` of them at once, so a hanging command slows nothing but itself
///   until its timeout.
/// - The actions of one press start together; each is attempted once per press (webhooks then
///   retry as `WebhookSender` says), and every outcome goes to the log and `ActionHealth`.
/// - Presses wait in memory only: a press whose actions had not started when the daemon stopped
///   is published, but its actions are not replayed on the next start, hours later.
public final class ActionDispatcher: Sendable {
    public static let defaultMaxConcurrentPresses = 4

    private struct Lane: Sendable {
        let deviceId: String
        let actions: ButtonActions
        let stream: AsyncStream<ActionEvent>
        let input: AsyncStream<ActionEvent>.Continuation
    }

    private let lanes: [String: Lane]
    private let maxConcurrentPresses: Int
    private let webhooks: WebhookSender
    public let health: ActionHealth
    private let logger: Logger
    private let observer: (@Sendable (ActionResult) -> Void)?
    private let onExecStart: (@Sendable (ActionEvent) -> Void)?

    /// `buttons` maps device ids to their actions; devices without actions are ignored.
    public init(buttons: [String: ButtonActions], health: ActionHealth, webhooks: WebhookSender? = nil,
                maxConcurrentPresses: Int = ActionDispatcher.defaultMaxConcurrentPresses,
                logger: Logger = Logger(label: "clickbridge.actions"),
                observer: (@Sendable (ActionResult) -> Void)? = nil,
                onExecStart: (@Sendable (ActionEvent) -> Void)? = nil) {
        var lanes: [String: Lane] = [:]
        for (deviceId, actions) in buttons where !actions.isEmpty {
            let (stream, input) = AsyncStream.makeStream(of: ActionEvent.self, bufferingPolicy: .unbounded)
            lanes[deviceId] = Lane(deviceId: deviceId, actions: actions, stream: stream, input: input)
        }
        self.lanes = lanes
        self.maxConcurrentPresses = max(1, maxConcurrentPresses)
        self.webhooks = webhooks ?? WebhookSender(logger: logger)
        self.health = health
        self.logger = logger
        self.observer = observer
        self.onExecStart = onExecStart
    }

    /// Queues a committed press for its button's actions; returns at once.
    public func submit(_ event: ActionEvent) {
        guard let lane = lanes[event.deviceId], !lane.actions.actions(for: event.gesture.name).isEmpty else { return }
        lane.input.yield(event)
    }

    /// Runs until `finish()`, then until every queued press has been acted on.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for lane in lanes.values {
                group.addTask { await self.run(lane) }
            }
        }
        await webhooks.shutdown()
    }

    /// No more presses: `run()` returns once the queued ones are done.
    public func finish() {
        for lane in lanes.values { lane.input.finish() }
    }

    private func run(_ lane: Lane) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await event in lane.stream {
                if running >= maxConcurrentPresses {
                    await group.next()
                    running -= 1
                }
                let actions = lane.actions.actions(for: event.gesture.name)
                group.addTask { await self.perform(actions, for: event) }
                running += 1
            }
        }
    }

    private func perform(_ actions: [Action], for event: ActionEvent) async {
        await withDiscardingTaskGroup { group in
            for (index, action) in actions.enumerated() {
                group.addTask { await self.perform(action, index: index, for: event) }
            }
        }
    }

    private func perform(_ action: Action, index: Int, for event: ActionEvent) async {
        let result = await execute(action, index: index, for: event)
        observer?(result)
    }

    private func execute(_ action: Action, index: Int, for event: ActionEvent) async -> ActionResult {
        let what = "\(event.gesture) of \(event.button) (\(event.eventId)): \(action.summary)"
        switch action {
        case .exec(let exec):
            var onStart: (@Sendable (pid_t) -> Void)?
            if let hook = onExecStart { onStart = { _ in hook(event) } }
            let outcome = await ExecRunner.run(exec, event: event, onStart: onStart)
            let took = String(format: "%.3f", outcome.seconds)
            let tail = Self.lastLines(outcome.outputTail)
            health.record(event, index: index, action: action, ok: outcome.succeeded, result: outcome.summary)
            if outcome.succeeded {
                logger.info("\(what): \(outcome.summary) in \(took) s\(tail.isEmpty ? "" : "; output: \(tail)")")
            } else {
                logger.error("ACTION FAILED: \(what): \(outcome.summary) after \(took) s\(tail.isEmpty ? "" : "; output: \(tail)")")
            }
            return ActionResult(event: event, index: index, action: action, succeeded: outcome.succeeded, result: outcome.summary)
        case .webhook(let hook):
            let outcome = await webhooks.send(hook, event: event)
            health.record(event, index: index, action: action, ok: outcome.succeeded, result: outcome.summary)
            if outcome.succeeded {
                logger.info("\(what): \(outcome.summary)")
            } else {
                logger.error("ACTION FAILED: \(what): \(outcome.summary)")
            }
            return ActionResult(event: event, index: index, action: action, succeeded: outcome.succeeded, result: outcome.summary)
        }
    }

    /// The last few lines of a command's output, on one log line.
    static func lastLines(_ text: String, count: Int = 5) -> String {
        let lines = text.split(whereSeparator: \.isNewline).suffix(count)
        return lines.joined(separator: " | ")
    }
}
