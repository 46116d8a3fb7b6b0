import Logging
import NIOCore
import NIOHTTPTypes

/// One per connection, right after HTTP decoding: keeps the connection's deadlines and tells the
/// server's `ConnectionRegistry` which phase it is in.
///
/// - Waiting for a request head: from accept within `headerTimeout`, and after a response within
///   `idleTimeout`. The deadline runs until the whole head has arrived, so a head trickled a
///   byte at a time does not extend it.
/// - Reading a body: from the head within `bodyTimeout`.
/// - Busy (the request is complete and is being answered): no deadline, except that a client
///   which stops reading its answers, so that the connection stays unwritable, has `bodyTimeout`
///   to start reading again (a slow reader would otherwise hold a busy connection for ever).
///
/// A connection past its deadline is closed without an answer. A connection the registry turns
/// away at the cap is closed at once.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private let limits: ConnectionLimits
    private let logger: Logger
    private var id: UInt64?
    private var started = false
    private var readingBody = false
    /// Requests whose head has arrived and whose response has not ended (HTTP/1.1 pipelining).
    private var unanswered = 0
    /// When the connection must have made progress, and what it is waiting for; nil when busy.
    private var deadline: (at: NIODeadline, timeout: Duration, waitingFor: String)?
    /// The one timer that enforces `deadline`. Moving the deadline later does not touch it: when
    /// it fires early, it sets itself again for the deadline then in force. So a request costs no
    /// timer scheduled and cancelled in the steady state, only when its deadline is earlier.
    private var timer: (at: NIODeadline, task: Scheduled<Void>)?
    /// Armed while the connection is unwritable (its client does not read).
    private var stalled: Scheduled<Void>?

    init(registry: ConnectionRegistry, limits: ConnectionLimits, logger: Logger) {
        self.registry = registry
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
        cancelStall()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        cancelStall()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            cancelStall()
        } else if stalled == nil {
            let timeout = limits.bodyTimeout
            stalled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
                stalled = nil
                logger.debug("closing a connection from \(context.channel.remoteAddress?.description ?? "?"): its client read none of its answer for \(timeout)")
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingBody = true
            arm(context, limits.bodyTimeout, waitingFor: "its request body")
            enter(.body)
        case .body:
            break
        case .end:
            readingBody = false
            cancelDeadline()
            enter(.busy)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0, !readingBody {
                arm(context, limits.idleTimeout, waitingFor: "a request after its last response")
                enter(.head)
            }
        }
        context.write(data, promise: promise)
    }

    // MARK: -

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        switch registry.register(context.channel) {
        case .refused:
            context.close(promise: nil)
        case .admitted(let id):
            self.id = id
            let registry = self.registry
            context.channel.closeFuture.whenComplete { _ in registry.remove(id) }
            arm(context, limits.headerTimeout, waitingFor: "its first request head")
        }
    }

    private func enter(_ phase: ConnectionRegistry.Phase) {
        if let id { registry.update(id, to: phase) }
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: Duration, waitingFor what: String) {
        let at = context.eventLoop.now + TimeAmount(timeout)
        deadline = (at, timeout, what)
        if let timer, timer.at <= at { return }
        setTimer(context, at: at)
    }

    private func setTimer(_ context: ChannelHandlerContext, at: NIODeadline) {
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            timer = nil
            guard let deadline else { return }
            guard context.eventLoop.now >= deadline.at else {
                setTimer(context, at: deadline.at)
                return
            }
            self.deadline = nil
            logger.debug("closing a connection from \(context.channel.remoteAddress?.description ?? "?"): no \(deadline.waitingFor) within \(deadline.timeout)")
            context.close(promise: nil)
        }
        timer = (at, task)
    }

    /// Leaves the timer set: it finds no deadline when it fires. Only a connection that goes away
    /// cancels it (`stopTimer`).
    private func cancelDeadline() {
        deadline = nil
    }

    private func stopTimer() {
        deadline = nil
        timer?.task.cancel()
        timer = nil
    }

    private func cancelStall() {
        stalled?.cancel()
        stalled = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
