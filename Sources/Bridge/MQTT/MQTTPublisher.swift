import CLinux
import CMosquitto
import Foundation
import Glibc
import Lines
import Logging
import OneClick
import Presses
import QuietRuntime
import Synchronization

/// Publishes every committed gesture to an MQTT broker and announces the buttons to Home
/// Assistant (ARCHITECTURE.md, "MQTT and Home Assistant"), beside the 1-Click publisher.
///
/// It runs on a thread of its own, with its own epoll over libmosquitto's socket, an eventfd
/// (new presses, stop) and one timerfd. libmosquitto's threaded loop would wake every second;
/// here the timer is armed only for the next keepalive while connected, or the next attempt
/// while not, so an idle connection costs one PINGREQ (and its answer) per `keepalive`.
/// `submit` only queues, so detection, the outbox and the 1-Click publisher never wait for it.
/// Connecting is blocking (name lookup, TCP, TLS), which stalls nothing but this thread.
public final class MQTTPublisher: @unchecked Sendable {
    // @unchecked Sendable: `shared` is behind its Mutex and `wake` is a descriptor any thread may
    // write; everything else is touched only by the publisher's thread once `start()` has run.
    private struct Shared {
        var queue: [GesturePublication] = []
        var stopping = false
        var finished = false
    }
    private let shared = Mutex(Shared())
    /// Signalled once, when the thread has finished.
    private let finishedSignal = WakeSignal()
    private let library: MosquittoLibrary
    private let config: MQTTConfig
    private let topics: MQTTTopics
    private let discovery: MQTTDiscovery
    private let stateDir: String
    private let policy: RetryPolicy
    private let logger: Logger
    private let password: String?

    private let epoll: Int32
    private let wake: Int32
    private let timer: TimerFD
    private var mosq: OpaquePointer?
    private var socket: Int32 = -1
    private var socketWantsWrite = false
    /// CONNACK accepted: messages may go out.
    private var connected = false
    private var failedAttempts = 0
    private var nextAttempt: Timestamp?
    /// The last second, on CLOCK_MONOTONIC as libmosquitto counts it, when something was written.
    private var lastWriteSecond: Int64 = 0
    private var status: MQTTLinkStatus
    /// The error last logged, so a broker that stays down is logged once, not at every attempt.
    private var loggedError: String?

    /// Loads libmosquitto and reads the password. `buttons` are the loop's, in configuration
    /// order (`ButtonWiring.announced`).
    public init(config: MQTTConfig, buttons: [AnnouncedButton], stateDir: String, policy: RetryPolicy = .outbox,
                logger: Logger = Logger(label: "clickbridge.mqtt")) throws(MQTTFailure) {
        // The configuration refuses names that collide in topics; the buttons of a multi-button
        // trace are named from the file, so they are checked here, where they are known.
        var levels: [String: String] = [:]
        for b in buttons {
            let level = MQTTNames.buttonLevel(b.name)
            if let other = levels[level], other != b.name {
                throw MQTTFailure("mqtt: buttons '\(other)' and '\(b.name)' are both '\(level)' in MQTT topics; rename one")
            }
            levels[level] = b.name
        }
        library = try MosquittoLibrary.shared()
        self.config = config
        topics = MQTTTopics(config)
        discovery = MQTTDiscovery(topics: topics, buttons: buttons)
        self.stateDir = stateDir
        self.policy = policy
        self.logger = logger
        if let file = config.passwordFile {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw MQTTFailure("mqtt.passwordFile \(file) cannot be read; make it readable by the daemon's user")
            }
            password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        } else {
            password = nil
        }
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wake = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        do { timer = try TimerFD() } catch { throw MQTTFailure("mqtt: \(error.message)") }
        guard epoll >= 0, wake >= 0 else { throw MQTTFailure("mqtt: cannot make its descriptors: \(String(cString: strerror(errno)))") }
        status = MQTTLinkStatus(broker: config.brokerText)
        watch(wake, events: EPOLLIN.rawValue)
        watch(timer.fd, events: EPOLLIN.rawValue)
    }

    deinit {
        if let mosq { library.api.destroy!(mosq) }
        close(epoll)
        close(wake)
    }

    /// libmosquitto's version, for the start-up banner.
    public var libraryVersion: String { library.version }

    /// Starts the thread; it connects at once.
    public func start() {
        try? status.write(stateDir: stateDir)
        let thread = Thread { [self] in
            run()
            shared.withLock { $0.finished = true }
            finishedSignal.signal()
        }
        thread.name = "clickbridge-mqtt"
        thread.start()
    }

    /// Queues a committed gesture; returns at once. Any thread.
    public func submit(_ publication: GesturePublication) {
        shared.withLock { $0.queue.append(publication) }
        signal()
    }

    /// A clean stop: `offline` is published, then the connection closed. Waits at most `grace`
    /// for it; what is still queued then is not sent.
    public func stop(grace: Duration = .seconds(2)) async {
        shared.withLock { $0.stopping = true }
        signal()
        // Woken by the thread as it finishes, or by the grace's deadline on NIO's timer: no
        // polling, and no `Task.sleep` (which would start Dispatch's worker pool; see QuietExecutors).
        let deadline = ContinuousClock.now + grace
        while !shared.withLock({ $0.finished }), ContinuousClock.now < deadline {
            await finishedSignal.wait(until: deadline)
        }
    }

    // MARK: - The thread

    private func signal() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    private func run() {
        connect()
        var ready = [epoll_event](repeating: epoll_event(), count: 4)
        while !shared.withLock({ $0.stopping }) {
            armTimer()
            let n = ready.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), -1) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.critical("mqtt: epoll_wait failed: \(String(cString: strerror(errno))); no more MQTT messages until restart")
                return
            }
            for event in ready.prefix(Int(n)) {
                let fd = event.data.fd
                if fd == wake {
                    var value: UInt64 = 0
                    _ = read(wake, &value, 8)
                } else if fd == timer.fd {
                    timer.acknowledge()
                    if connected { keepalive() } else if mosq == nil || socket < 0 { connect() }
                } else if fd == socket {
                    if event.events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                        let rc = library.api.loop_read!(mosq, 1)
                        if rc != MOSQ_ERR_SUCCESS.rawValue { lost(library.describe(rc)); continue }
                    }
                    if socket >= 0, event.events & EPOLLOUT.rawValue != 0 { flushSocket() }
                }
            }
            if connected { sendQueued() }
            updateSocketInterest()
        }
        shutdown()
    }

    /// One attempt; on failure the next is scheduled with the shared backoff.
    private func connect() {
        nextAttempt = nil
        if mosq == nil, !makeClient() { return }
        let rc = library.api.connect!(mosq, config.host, Int32(config.port), Int32(config.keepalive))
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            failed("cannot connect to \(config.brokerText): \(library.describe(rc))")
            return
        }
        // The CONNECT packet is out; CONNACK arrives on the socket (`onConnect`).
        socket = library.api.socket!(mosq)
        socketWantsWrite = library.api.want_write!(mosq)
        watch(socket, events: EPOLLIN.rawValue | (socketWantsWrite ? EPOLLOUT.rawValue : 0))
        noteWrite()
    }

    private func makeClient() -> Bool {
        let api = library.api
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let client = api.new!("clickbridge-\(config.node)", true, me) else {
            failed("mqtt: libmosquitto cannot make a client: \(String(cString: strerror(errno)))")
            return false
        }
        mosq = client
        let version = config.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        _ = api.int_option!(client, MOSQ_OPT_PROTOCOL_VERSION, version)
        let will = topics.availabilityMessage(online: false)
        _ = will.payload.withUnsafeBytes { api.will_set!(client, will.topic, Int32($0.count), $0.baseAddress, will.qos, will.retain) }
        if let username = config.username {
            _ = api.username_pw_set!(client, username, password)
        }
        if config.tls {
            // Without a CA file, the system's trusted authorities.
            let rc = api.tls_set!(client, config.ca, config.ca == nil ? "/etc/ssl/certs" : nil, config.cert, config.key, nil)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                failed("mqtt: TLS settings refused: \(library.describe(rc)) (ca \(config.ca ?? "system"), cert \(config.cert ?? "none"))")
                api.destroy!(client)
                mosq = nil
                return false
            }
        }
        api.connect_callback_set!(client) { _, me, rc in
            guard let me else { return }
            Unmanaged<MQTTPublisher>.fromOpaque(me).takeUnretainedValue().onConnect(rc)
        }
        api.message_callback_set!(client) { _, me, message in
            guard let me, let message else { return }
            let m = message.pointee
            let topic = m.topic.map { String(cString: $0) } ?? ""
            let payload = m.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(m.payloadlen)), as: UTF8.self) } ?? ""
            Unmanaged<MQTTPublisher>.fromOpaque(me).takeUnretainedValue().onMessage(topic: topic, payload: payload)
        }
        return true
    }

    private func onConnect(_ rc: Int32) {
        guard rc == 0 else {
            let reason = library.describeRefusal(rc, v5: config.protocolVersion == .v5)
            // The broker closes the connection after a refusal; retry later (a password file
            // may be fixed without restarting).
            drop(socketOnly: true)
            failed("the broker \(config.brokerText) refused the connection: \(reason)")
            return
        }
        connected = true
        failedAttempts = 0
        let recovered = loggedError != nil
        loggedError = nil
        status.connected = true
        status.since = WireTimestamp.now().formatted
        try? status.write(stateDir: stateDir)
        logger.notice("mqtt: connected to \(config.brokerText) as node \(config.node)\(recovered ? " again" : "")")
        publish(topics.availabilityMessage(online: true))
        if config.discovery {
            _ = library.api.subscribe!(mosq, nil, topics.homeAssistantStatus, 1)
            announce()
        }
    }

    private func onMessage(topic: String, payload: String) {
        // Home Assistant's birth message: it has (re)started and forgotten what it discovered.
        if config.discovery, topic == topics.homeAssistantStatus, payload == "online" {
            logger.info("mqtt: Home Assistant is online; announcing the buttons again")
            announce()
        }
    }

    /// Discovery for every button, and empty retained payloads for what an earlier run announced
    /// that this configuration no longer has.
    private func announce() {
        let current = discovery.configTopics
        let earlier = AnnouncedTopics.read(stateDir: stateDir)
        let gone = earlier.filter { !current.contains($0) }
        for topic in gone { publish(MQTTDiscovery.clearing(topic)) }
        for message in discovery.messages { publish(message) }
        if !gone.isEmpty { logger.notice("mqtt: cleared \(gone.count) discovery topics of buttons no longer configured") }
        if earlier != current {
            do { try AnnouncedTopics.write(current, stateDir: stateDir) } catch {
                logger.warning("mqtt: cannot record the announced topics (\(error)); a button removed later may stay in Home Assistant")
            }
        }
    }

    /// Sends what waits, oldest first; a press older than `maxAge` is logged and counted instead.
    private func sendQueued() {
        let batch = shared.withLock { s -> [GesturePublication] in
            defer { s.queue.removeAll(keepingCapacity: true) }
            return s.queue
        }
        guard !batch.isEmpty else { return }
        let now = MonotonicClock.now()
        var dropped = 0
        for p in batch {
            let age = now - p.decidedAtMonotonic
            if age > config.maxAge {
                dropped += 1
                logger.warning("mqtt: not sent, older than maxAge \(config.maxAge): \(p.gesture.name.rawValue) of \(p.button) (\(p.deviceId)) decided at \(p.decidedAt), event \(p.eventId)")
                continue
            }
            for message in topics.messages(for: p) { publish(message) }
        }
        if dropped > 0 {
            status.droppedTooOld += dropped
            try? status.write(stateDir: stateDir)
        }
    }

    private func publish(_ message: MQTTMessage) {
        let rc = message.payload.withUnsafeBytes {
            library.api.publish!(mosq, nil, message.topic, Int32($0.count), $0.baseAddress, message.qos, message.retain)
        }
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            logger.error("mqtt: cannot publish to \(message.topic): \(library.describe(rc))")
        }
        noteWrite()
    }

    private func flushSocket() {
        let rc = library.api.loop_write!(mosq, 1)
        noteWrite()
        if rc != MOSQ_ERR_SUCCESS.rawValue { lost(library.describe(rc)) }
    }

    private func keepalive() {
        let rc = library.api.loop_misc!(mosq)
        noteWrite()
        if rc != MOSQ_ERR_SUCCESS.rawValue { lost(rc == MOSQ_ERR_KEEPALIVE.rawValue ? "the broker stopped answering (keepalive)" : library.describe(rc)) }
    }

    private func noteWrite() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        lastWriteSecond = Int64(ts.tv_sec)
    }

    /// The next instant this thread must act without being woken: the keepalive while
    /// connected (or waiting for CONNACK), the next attempt while not.
    private func armTimer() {
        if socket >= 0 {
            // libmosquitto pings when a whole `keepalive` has passed since its last write, counted in
            // whole seconds of CLOCK_MONOTONIC; that second is never earlier than `lastWriteSecond`.
            timer.arm(at: Timestamp(nanoseconds: (lastWriteSecond + Int64(config.keepalive)) * 1_000_000_000))
        } else {
            timer.arm(at: nextAttempt)
        }
    }

    private func updateSocketInterest() {
        guard socket >= 0, let mosq else { return }
        let wants = library.api.want_write!(mosq)
        if wants != socketWantsWrite {
            socketWantsWrite = wants
            watch(socket, events: EPOLLIN.rawValue | (wants ? EPOLLOUT.rawValue : 0))
        }
    }

    private func lost(_ reason: String) {
        let was = connected
        drop(socketOnly: true)
        failed(was ? "lost the connection to \(config.brokerText): \(reason)" : "cannot connect to \(config.brokerText): \(reason)")
    }

    /// Forgets the socket; libmosquitto has closed it or is told to.
    private func drop(socketOnly: Bool) {
        if socket >= 0 {
            var ev = epoll_event()
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, &ev)
        }
        if let mosq, socket >= 0 { _ = library.api.disconnect!(mosq) }
        socket = -1
        socketWantsWrite = false
        connected = false
    }

    /// Records the error (log once per distinct error, and `status`), and schedules the next
    /// attempt with the project's one backoff.
    private func failed(_ reason: String) {
        drop(socketOnly: true)
        failedAttempts += 1
        let delay = policy.delay(afterAttempt: failedAttempts)
        nextAttempt = MonotonicClock.now() + .seconds(delay)
        if status.connected { status.since = WireTimestamp.now().formatted }
        status.connected = false
        status.lastError = reason
        status.lastErrorAt = WireTimestamp.now().formatted
        try? status.write(stateDir: stateDir)
        if reason != loggedError {
            loggedError = reason
            logger.error("mqtt: \(reason); retrying with backoff, presses wait (those older than maxAge \(config.maxAge) are dropped)")
        }
    }

    /// SIGTERM's path: `offline` by our own hand, then a clean DISCONNECT (which discards the will).
    private func shutdown() {
        guard connected, let mosq else { return }
        sendQueued()
        publish(topics.availabilityMessage(online: false))
        _ = library.api.disconnect!(mosq)
        // Everything queued goes out before the socket closes; bounded, since the peer may stall.
        let deadline = MonotonicClock.now() + .seconds(1)
        while library.api.want_write!(mosq), MonotonicClock.now() < deadline {
            if library.api.loop_write!(mosq, 1) != MOSQ_ERR_SUCCESS.rawValue { break }
        }
        connected = false
        status.connected = false
        status.since = WireTimestamp.now().formatted
        try? status.write(stateDir: stateDir)
        logger.notice("mqtt: published offline and disconnected from \(config.brokerText)")
    }

    private func watch(_ fd: Int32, events: UInt32) {
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = fd
        if epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &ev) != 0 { _ = epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) }
    }
}
