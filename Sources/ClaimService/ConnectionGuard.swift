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
    /// When the current request's head arrived, while its body has not ended.
    private var headArrivedAt: NIODeadline?
    private var readingBody: Bool { headArrivedAt != nil }
    /// Requests whose head has arrived and whose response has not ended (HTTP/1.1 pipelining).
    private var unanswered = 0
    private var deadline: Scheduled<Void>?
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
        cancelDeadline()
        cancelStall()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
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
            headArrivedAt = context.eventLoop.now
            cancelDeadline()
            enter(.body)
        case .body:
            break
        case .end:
            headArrivedAt = nil
            cancelDeadline()
            enter(.busy)
        }
        context.fireChannelRead(data)
    }

    // The body deadline is set only when a read ends with the body still to come. Most requests
    // arrive whole in one read, and a timer set and cancelled for each cost about 4,000
    // instructions a request.
    func channelReadComplete(context: ChannelHandlerContext) {
        if deadline == nil, let headArrivedAt {
            arm(context, at: headArrivedAt + TimeAmount(limits.bodyTimeout), limits.bodyTimeout, waitingFor: "its request body")
        }
        context.fireChannelReadComplete()
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
        arm(context, at: context.eventLoop.now + TimeAmount(timeout), timeout, waitingFor: what)
    }

    private func arm(_ context: ChannelHandlerContext, at: NIODeadline, _ timeout: Duration, waitingFor what: String) {
        cancelDeadline()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            deadline = nil
            logger.debug("closing a connection from \(context.channel.remoteAddress?.description ?? "?"): no \(what) within \(timeout)")
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    private func cancelStall() {
        stalled?.cancel()
        stalled = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
