import Foundation
import OneClick
import TestSupport
import Testing

@testable import ClaimService

#if canImport(Glibc)
import Glibc
#endif

/// Acknowledged means durable: kill -9 the `clickbridge serve` process right after it answered an
/// event, restart it on the same state directory, and the event is there.
///
/// Spawns the `clickbridge` binary built next to the test executable (`swift build --build-tests`
/// builds both).
@Suite struct CrashSafetyTests {
    static func serve(directory: String, port: Int) throws -> LaunchedProcess {
        try ClickBridgeBinary.launch(["serve", "--listen", "127.0.0.1:\(port)", "--state-dir", directory + "/state",
                                      "--credentials", directory + "/credentials"])
    }

    static func waitUntilListening(_ s: LiveService, _ process: LaunchedProcess) async throws {
        for _ in 0..<600 {
            guard process.isRunning else { throw CrashTestFailure("clickbridge serve exited with \(process.terminationStatus)") }
            if (try? await s.send("GET", "/devices")) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestFailure("clickbridge serve did not answer within 30 s")
    }

    @Test func acknowledgedEventSurvivesKill9() async throws {
        let directory = temporaryDirectory()
        let credentials = try LiveService.writeCredentials(in: directory)
        let port = try freePort()
        let s = LiveService(server: nil, port: port, credentials: credentials, directory: directory)
        var process = try Self.serve(directory: directory, port: port)
        defer { process.terminate(); process.waitUntilExit() }
        try await Self.waitUntilListening(s, process)
        let id = newDeviceId()
        #expect(try await s.send("PUT", "/devices/\(id)/registration", body: #"{"type":"button"}"#, profile: "bridge").status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/initiate-claim").status == 200)
        let now = WireTimestamp.now().formatted
        let claimPress = #"{"eventId":"\#(UUID().uuidString)","clickType":"SINGLE","reportedTime":"\#(now)"}"#
        #expect(try await s.send("POST", "/devices/\(id)/events", body: claimPress, profile: "bridge").status == 200)
        #expect(try await s.send("PUT", "/devices/\(id)/finalize-claim", body: "{}").status == 200)
        let eventId = UUID().uuidString
        let event = #"{"eventId":"\#(eventId)","clickType":"LONG","reportedTime":"\#(now)","remainingLife":42.0}"#
        let ack = try await s.send("POST", "/devices/\(id)/events", body: event, profile: "bridge")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(ack.status == 200)
        #expect(ack.json["duplicate"] as? Bool == false)

        process = try Self.serve(directory: directory, port: port)
        try await Self.waitUntilListening(s, process)
        let listed = try await s.send("GET", "/devices/\(id)/events", query: "fromTimeStamp=2018-01-01T00%3A00%3A00Z&toTimeStamp=2100-01-01T00%3A00%3A00Z")
        let events = (listed.json["events"] as? [[String: Any]]) ?? []
        #expect(events.contains { ($0["stdEvent"] as? String)?.contains(#""clickType":"LONG""#) == true })
        let again = try await s.send("POST", "/devices/\(id)/events", body: event, profile: "bridge")
        #expect(again.json["duplicate"] as? Bool == true)
    }
}

struct CrashTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
