import Foundation
import Glibc
import TestSupport
import Testing
@testable import Bridge

/// A broker that wants TLS and a password (issue 14, item 6): certificates made here with
/// openssl, the password file with mosquitto_passwd.
@Suite(.serialized) struct MQTTSecurityTests {
    /// A CA, and a server certificate it signed for 127.0.0.1 and localhost.
    func makeCertificates(in dir: String) async throws {
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem", "-days", "2",
             "-subj", "/CN=ClickBridge test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
             "-out", "\(dir)/server.pem", "-days", "2", "-extfile", "\(dir)/san.cnf"],
        ]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(dir)/san.cnf", atomically: true, encoding: .utf8)
        for step in steps {
            let done = try await offPool { try FinishedCommand.run("/usr/bin/openssl", step) }
            #expect(done.status == 0, "openssl \(step): \(done.err)")
        }
    }

    func config(dir: String, port: Int, passwordFile: String) -> String {
        """
        stateDir: \(dir)/state
        listen: 127.0.0.1:0
        buttons:
          - deviceId: G030PM0SECURE001
            name: desk
            trace: { file: \(MQTTBrokerTests.traceDirectory)/single.trace }
        mqtt:
          broker: mqtts://127.0.0.1:\(port)
          ca: \(dir)/ca.pem
          username: clickbridge
          passwordFile: \(passwordFile)
          node: test_pi

        """
    }

    @Test func tlsAndAPasswordConnectAndAWrongPasswordIsAClearErrorWhileButtonsCarryOn() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try await makeCertificates(in: dir)
        let passwd = try await offPool { try FinishedCommand.run("/usr/bin/mosquitto_passwd", ["-b", "-c", "\(dir)/broker-passwords", "clickbridge", "s3cret"]) }
        #expect(passwd.status == 0, "\(passwd.err)")
        let broker = try TestBroker(dir: dir, listenerLines: [
            "allow_anonymous false", "password_file \(dir)/broker-passwords",
            "cafile \(dir)/ca.pem", "certfile \(dir)/server.pem", "keyfile \(dir)/server.key",
        ])
        try await broker.start()
        let tls = ["--cafile", "\(dir)/ca.pem", "-u", "clickbridge", "-P", "s3cret"]
        let watcher = try TestSubscriber(port: broker.port, topics: ["clickbridge/test_pi/#"], extra: tls)

        // The right password, over TLS verified against the test's CA.
        let good = dir + "/password"
        try "s3cret\n".write(toFile: good, atomically: true, encoding: .utf8)
        chmod(good, 0o600)
        let first = try RunningBridge(config: try writeRunConfig(config(dir: dir, port: broker.port, passwordFile: good), in: dir, name: "good.yaml"))
        let seen = await watcher.wait { $0.contains { $0.topic == "clickbridge/test_pi/desk/action" } }
        #expect(seen.contains { $0.topic == "clickbridge/test_pi/availability" && $0.payload == "online" })
        #expect(seen.contains { $0.topic == "clickbridge/test_pi/desk/action" && $0.payload == "single" })
        try await first.stop()

        // A wrong one: a clear error in the log and in `status`; the button and the 1-Click side
        // go on as if there were no MQTT.
        let wrong = dir + "/wrong-password"
        try "not-it\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        chmod(wrong, 0o600)
        let wrongConfig = try writeRunConfig(config(dir: dir, port: broker.port, passwordFile: wrong), in: dir, name: "wrong.yaml")
        let second = try RunningBridge(config: wrongConfig)
        #expect(await second.waitForLog("refused the connection"))
        let refusal = second.logs.first { $0.contains("refused the connection") } ?? ""
        #expect(refusal.contains("mqtts://127.0.0.1:\(broker.port)") && (refusal.contains("not authori") || refusal.contains("password")), "\(refusal)")
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, !second.lines.contains(where: { $0.hasPrefix("delivered SINGLE") }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(second.lines.contains { $0.hasPrefix("delivered SINGLE of G030PM0SECURE001") }, "\(second.lines)")
        let status = try await ClickBridgeBinary.run(["status", "--config", wrongConfig])
        #expect(status.out.contains("mqtts://127.0.0.1:\(broker.port) NOT CONNECTED"), "\(status.out)")
        #expect(status.out.contains("refused the connection"), "\(status.out)")
        try await second.stop()
        #expect(second.process.terminationStatus == 0)
        try await watcher.stop()
        try await broker.stop()
    }

    @Test func aPasswordFileOthersCanReadIsRefusedWithItsLine() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dir) }
        try "ca".write(toFile: dir + "/ca.pem", atomically: true, encoding: .utf8)
        let password = dir + "/password"
        try "s3cret\n".write(toFile: password, atomically: true, encoding: .utf8)
        chmod(password, 0o644)
        let path = try writeRunConfig(config(dir: dir, port: 8883, passwordFile: password), in: dir)
        let check = try await ClickBridgeBinary.run(["check", "--config", path])
        #expect(check.status == 78)
        // Line 11 of the file is passwordFile.
        #expect(check.err.contains("\(path):11: mqtt.passwordFile: \(password) is readable by other users (mode"), "\(check.err)")
        #expect(check.err.contains("chmod 0600 \(password)"))
        chmod(password, 0o600)
        let fine = try await ClickBridgeBinary.run(["check", "--config", path])
        #expect(fine.status == 0, "\(fine.err)")
    }
}
