import ClaimService
import Foundation
import GRDB
import OneClick
import TestSupport
import Testing
@testable import Bridge

/// A damaged WAL in the outbox or in the service's database: SQLite's recovery drops committed
/// transactions without an error. The loss is logged at critical level when the file is opened,
/// recorded, and `clickbridge status` shows it; a clean restart is not taken for one.
@Suite(.serialized) struct WALLossTests {
    /// `files` copied from `from` to `to` as they are on disk now: what a power cut would leave.
    static func snapshot(_ name: String, from: String, to: String) throws {
        try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: from + "/" + name + suffix) {
            try FileManager.default.copyItem(atPath: from + "/" + name + suffix, toPath: to + "/" + name + suffix)
        }
    }

    /// Flips bytes in the page of the WAL's last frame.
    static func damageLastFrame(_ wal: String) throws {
        var bytes = try #require(FileManager.default.contents(atPath: wal).map(Array.init))
        let pageSize = Int(bytes[8]) << 24 | Int(bytes[9]) << 16 | Int(bytes[10]) << 8 | Int(bytes[11])
        let frames = (bytes.count - 32) / (24 + pageSize)
        let at = 32 + (frames - 1) * (24 + pageSize) + 24 + pageSize / 2
        for i in at..<(at + 16) { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: wal))
    }

    static func config(in dir: String, stateDir: String, endpoint: String? = nil, credentials: String? = nil) throws -> String {
        try "x".write(toFile: dir + "/t.txt", atomically: true, encoding: .utf8)
        let path = dir + "/status.yaml"
        try """
            stateDir: \(stateDir)
            \(endpoint.map { "endpoint: \($0)" } ?? "")
            \(credentials.map { "credentials: \($0)" } ?? "")
            buttons:
              - deviceId: G030PM0WAL000001
                trace: { file: \(dir)/t.txt }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aDamagedOutboxIsACriticalLossThatStatusShows() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let live = try Outbox(stateDir: dir + "/live")
        for i in 0..<4 {
            try live.enqueue(deviceId: "G030PM0WAL000001", button: "b", clickType: .single, reportedTime: "2026-11-22T00:00:0\(i).000Z")
        }
        try Self.snapshot(Outbox.fileName, from: dir + "/live", to: dir + "/state")
        try Self.damageLastFrame(dir + "/state/" + Outbox.fileName + "-wal")

        let logs = CapturedLogs()
        let outbox = try Outbox(stateDir: dir + "/state", logger: logs.logger())
        let loss = try #require(outbox.walRecovery.loss)
        #expect(outbox.walRecovery.reportedBySQLite)
        let critical = logs.lines.filter { $0.level == .critical }.map(\.message)
        #expect(critical.count == 1)
        #expect(critical.first?.hasPrefix("DATA LOSS: \(dir)/state/\(Outbox.fileName)-wal: SQLite's recovery kept") == true, "\(critical)")
        #expect(critical.first?.contains("Presses queued in those transactions are gone") == true)
        // The last press is gone; the outbox keeps working.
        #expect(try outbox.backlog().count == 3)
        try outbox.enqueue(deviceId: "G030PM0WAL000001", button: "b", clickType: .long, reportedTime: "2026-11-22T00:00:09.000Z")
        let recorded = try #require(try outbox.dataLoss())
        #expect(recorded.file == Outbox.fileName && recorded.droppedTransactions == loss.droppedCommits)

        // status, reading the outbox read-only, shows it.
        let config = try ConfigLoader.parse(try String(contentsOfFile: try Self.config(in: dir, stateDir: dir + "/state"), encoding: .utf8))
        let report = try await StatusReport.gather(config: config, stateDir: dir + "/state", endpoint: "e") { _ in "?" }
        #expect(report.outboxDataLoss == recorded)
        #expect(report.text.contains("outbox    4 waiting"))
        #expect(report.text.contains("          DATA LOSS found \(recorded.detectedAt): recovering outbox.sqlite's write-ahead log"), "\(report.text)")
    }

    /// The outbox keeps its WAL when it closes (persistent WAL, for `status`): every start
    /// recovers those frames again. That is no loss.
    @Test func aCleanRestartOfTheOutboxIsNoLoss() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        do {
            let outbox = try Outbox(stateDir: dir)
            for _ in 0..<3 {
                try outbox.enqueue(deviceId: "G030PM0WAL000001", button: "b", clickType: .double, reportedTime: "2026-11-22T00:00:00.000Z")
            }
        }
        let wal = try #require(FileManager.default.attributesOfItem(atPath: dir + "/" + Outbox.fileName + "-wal")[.size] as? Int)
        #expect(wal > 32)   // frames left in it
        let logs = CapturedLogs()
        let again = try Outbox(stateDir: dir, logger: logs.logger())
        #expect(again.walRecovery.recoveredFrames > 0 && again.walRecovery.reportedBySQLite)
        #expect(again.walRecovery.loss == nil && again.walRecovery.droppedButCheckpointed == nil)
        #expect(logs.lines.allSatisfy { $0.level < .warning })
        #expect(try again.backlog().count == 3)
        #expect(try again.dataLoss() == nil)
    }

    /// The service's database: its registration view carries the loss, and `status` prints it.
    @Test func statusShowsTheServicesDataLoss() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        let env = try await BridgeEnvironment.prepare(config: BridgeConfig(stateDir: dir + "/live", listen: "127.0.0.1:0", buttons: []))
        let bridge = try env.client(profile: "bridge")
        let device = "G030PM0WAL000001"
        _ = try await bridge.registerDevice(deviceId: device)
        for i in 0..<3 {
            _ = try await bridge.publishEvent(deviceId: device, DeviceEventRequest(
                eventId: UUID().uuidString.lowercased(), clickType: "SINGLE", reportedTime: "2026-11-22T00:00:0\(i).000Z"))
        }
        // A power cut now, with the last acknowledged event's frame then damaged on the card.
        try Self.snapshot("claim-service.sqlite", from: dir + "/live", to: dir + "/service")
        await env.embedded?.shutdown()
        try Self.damageLastFrame(dir + "/service/claim-service.sqlite-wal")

        let logs = CapturedLogs()
        let server = try await ClaimServer.start(configuration: ClaimServiceConfiguration(
            stateDirectory: dir + "/service", authenticator: CredentialStoreAuthenticator(store: try CredentialStore(path: env.credentialsPath))),
            logger: logs.logger(label: "clickbridge.service"))
        defer { Task { await server.shutdown() } }
        #expect(logs.lines.contains { $0.level == .critical && $0.message.hasPrefix("DATA LOSS: \(dir)/service/claim-service.sqlite-wal") })

        let config = try Self.config(in: dir, stateDir: dir + "/bridge", endpoint: "http://127.0.0.1:\(server.port)",
                                     credentials: env.credentialsPath)
        let text = try await BridgeStatus.text(configPath: config)
        #expect(text.contains("G030PM0WAL000001  present  UNCLAIMED"), "\(text)")
        #expect(text.contains("service   DATA LOSS found "), "\(text)")
        #expect(text.contains("recovering claim-service.sqlite's write-ahead log"), "\(text)")
    }
}
