import Foundation
import Glibc
import TestSupport
import Testing
@testable import Bridge
import Lines

/// sd_notify against a real unix datagram socket, as systemd would hold it.
@Suite struct SystemdNotifierTests {
    /// Binds a datagram socket at `address` and returns its descriptor.
    private func listener(_ address: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        var (addr, len) = try #require(SystemdNotifier.address(address))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        try #require(rc == 0, "bind: \(String(cString: strerror(errno)))")
        var tv = timeval(tv_sec: 5, tv_usec: 0)  // a broken sender fails the test instead of hanging it
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n < 0 ? nil : String(decoding: buffer[..<n], as: UTF8.self)
    }

    @Test func sendsToAFilesystemSocket() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let path = dir + "/notify"
        let fd = try listener(path)
        defer { close(fd) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.isEnabled)
        notifier.ready()
        #expect(receive(fd) == "READY=1")
        notifier.stopping()
        #expect(receive(fd) == "STOPPING=1")
        notifier.watchdog()
        #expect(receive(fd) == "WATCHDOG=1")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@clickbridge-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try listener(name)
        defer { close(fd) }
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).notify("READY=1"))
        #expect(receive(fd) == "READY=1")
    }

    @Test func theButtonLoopPingsTheWatchdogWhileItRuns() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let fd = try listener(dir + "/notify")
        defer { close(fd) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": dir + "/notify", "WATCHDOG_USEC": "20000"])
        #expect(notifier.watchdogInterval == .milliseconds(10))
        let loop = try EventLoop { _ in }
        let heartbeat = try #require(try WatchdogHeartbeat(notifier: notifier))
        loop.add(heartbeat, timings: [])
        #expect(receive(fd) == "WATCHDOG=1")  // the first, at start
        // Not running: the loop is not turning, so no ping comes, however long one waits.
        var short = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short, socklen_t(MemoryLayout<timeval>.size))
        #expect(receive(fd) == nil)
        var long = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &long, socklen_t(MemoryLayout<timeval>.size))
        let thread = LoopThread(loop)
        thread.start()
        let two = try await offPool { [self] in [receive(fd), receive(fd)] }
        #expect(two == ["WATCHDOG=1", "WATCHDOG=1"])
        thread.stop()
        try await thread.wait()
    }

    @Test func noHeartbeatWithoutAWatchdog() throws {
        #expect(try WatchdogHeartbeat(notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x"])) == nil)
    }

    @Test func watchdogOnlyWhenSetAndForThisProcess() {
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "0"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"], pid: 2).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "2"], pid: 2).watchdogInterval == .seconds(15))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"]).watchdogInterval == nil)
    }

    @Test func outsideSystemdItDoesNothing() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.notify("READY=1"))
    }

    @Test func rejectsAddressesThatDoNotFit() {
        #expect(SystemdNotifier.address(String(repeating: "x", count: 200)) == nil)
        #expect(SystemdNotifier.address("") == nil)
    }
}
