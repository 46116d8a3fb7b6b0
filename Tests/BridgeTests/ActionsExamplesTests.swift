import Bridge
import Presses
import Foundation
import Testing

/// The examples in hardware/examples load through the real config loader, as a user would copy them.
@Suite("Actions: the examples in hardware/")
struct ActionsExamplesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hardware/examples").path

    @Test func homeAssistant() throws {
        let config = try ConfigLoader.load(file: Self.examples + "/homeassistant-clickbridge.yaml")
        let hook = WebhookAction(url: "http://homeassistant.local:8123/api/webhook/clickbridge-porch-7f3a9c", timeout: .seconds(5))
        for click in [Gesture.Name.single, .double, .long] {
            #expect(config.buttons[0].actions.actions(for: click) == [.webhook(hook)])
        }
    }

    @Test func ntfy() throws {
        let config = try ConfigLoader.load(file: Self.examples + "/ntfy.yaml")
        #expect(config.buttons.count == 2)
        guard case .webhook(let hook) = config.buttons[0].actions.actions(for: .single).first else {
            Issue.record("expected a webhook")
            return
        }
        #expect(hook.headers.map(\.name) == ["Title", "Tags", "Priority"])
        #expect(config.buttons[1].actions.actions(for: .double) == [.exec(ExecAction(argv: ["/usr/local/bin/ntfy-notify.sh", "https://ntfy.sh/clickbridge-desk-91b0c4"]))])
    }

    @Test("run refuses a world-writable config through the loader, with the fix")
    func loadTrustedRefuses() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let file = dir.file("clickbridge.yaml")
        try String(contentsOfFile: Self.examples + "/homeassistant-clickbridge.yaml", encoding: .utf8)
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(chmod(file, 0o666) == 0)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.loadTrusted(file: file) }
        #expect(error?.description.hasSuffix("Fix it with: chmod go-w \(file)") == true)
        #expect(chmod(file, 0o644) == 0)
        #expect(try ConfigLoader.loadTrusted(file: file).buttons.count == 1)
    }
}
