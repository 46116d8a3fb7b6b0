import Bridge
import Presses
import Testing
import Yams

/// The `on:` value of the first button of a whole config document, composed as the loader does.
private func onNode(_ yaml: String) throws -> Node {
    let root = try #require(try Yams.compose(yaml: yaml))
    let buttons = try #require(root.mapping?["buttons"]?.sequence)
    return try #require(buttons[0].mapping?["on"])
}

private func parse(_ yaml: String) throws -> ButtonActions {
    try ActionParser.parse(try onNode(yaml), key: "buttons[0].on")
}

private func parseError(_ yaml: String) throws -> ActionConfigError {
    let node = try onNode(yaml)
    do {
        _ = try ActionParser.parse(node, key: "buttons[0].on")
    } catch {
        return error
    }
    Issue.record("parsed without an error")
    return ActionConfigError(line: 0, key: "", message: "")
}

@Suite("Actions: the on: key")
struct ActionsParserTests {
    @Test("the issue's example: single actions, a list, exec and webhook, on as a string key")
    func issueExample() throws {
        let actions = try parse("""
        buttons:
          - deviceId: G030PM0123456789
            gpio: { chip: gpiochip0, line: GPIO17 }
            on:
              SINGLE: { exec: ["/usr/bin/mpc", "toggle"] }
              DOUBLE: { webhook: { url: "http://homeassistant.local:8123/api/webhook/porch-double" } }
              LONG:   [ { exec: ["/usr/local/bin/alarm-off"] }, { webhook: { url: "https://ntfy.sh/porch", method: PUT } } ]
        """)
        #expect(actions.actions(for: .single) == [.exec(ExecAction(argv: ["/usr/bin/mpc", "toggle"], timeout: .seconds(10)))])
        #expect(actions.actions(for: .double) == [.webhook(WebhookAction(url: "http://homeassistant.local:8123/api/webhook/porch-double",
                                                                         method: "POST", retries: 5))])
        #expect(actions.actions(for: .long) == [
            .exec(ExecAction(argv: ["/usr/local/bin/alarm-off"])),
            .webhook(WebhookAction(url: "https://ntfy.sh/porch", method: "PUT")),
        ])
        #expect(actions.runsCommands)
    }

    @Test("every webhook option and an exec timeout")
    func allOptions() throws {
        let actions = try parse("""
        buttons:
          - on:
              SINGLE:
                exec: [mpc, toggle]
                timeout: 1.5s
              LONG:
                webhook:
                  url: http://127.0.0.1:8123/hook?token=abc
                  method: PATCH
                  headers: { Authorization: "Bearer x", X-Room: porch }
                  secret: s3cret
                  timeout: 500ms
                  retries: 0
        """)
        #expect(actions.actions(for: .single) == [.exec(ExecAction(argv: ["mpc", "toggle"], timeout: .milliseconds(1500)))])
        let hook = WebhookAction(url: "http://127.0.0.1:8123/hook?token=abc", method: "PATCH",
                                 headers: [.init(name: "Authorization", value: "Bearer x"), .init(name: "X-Room", value: "porch")],
                                 secret: "s3cret", timeout: .milliseconds(500), retries: 0)
        #expect(actions.actions(for: .long) == [.webhook(hook)])
        #expect(actions.actions(for: .double).isEmpty)
        // The query (often a token) stays out of logs and status.
        #expect(Action.webhook(hook).summary == "webhook PATCH http://127.0.0.1:8123/hook?…")
    }

    @Test("errors name the line, the key and what is allowed", arguments: [
        ("      single: { exec: [a] }", 4, "buttons[0].on.single", "unknown gesture; allowed here: SINGLE, DOUBLE, TRIPLE, QUADRUPLE, QUINTUPLE, LONG, LONG_RELEASE, LONG_REPEAT"),
        ("      SINGLE: { exec: /usr/bin/mpc }", 4, "buttons[0].on.SINGLE.exec", "expected a list"),
        ("      SINGLE: { exec: [] }", 4, "buttons[0].on.SINGLE.exec", "is empty"),
        ("      SINGLE: { exec: [a], webhook: { url: 'http://x' } }", 4, "buttons[0].on.SINGLE", "has both exec and webhook"),
        ("      SINGLE: { run: [a] }", 4, "buttons[0].on.SINGLE", "has no action"),
        ("      SINGLE: { exec: [a], timeout: 10 }", 4, "buttons[0].on.SINGLE.timeout", "'10' is not allowed; use a duration"),
        ("      SINGLE: { exec: [a], retries: 3 }", 4, "buttons[0].on.SINGLE.retries", "unknown key; allowed here: exec, timeout"),
        ("      SINGLE: []", 4, "buttons[0].on.SINGLE", "is an empty list"),
        ("      DOUBLE: { webhook: { url: 'ftp://x/y' } }", 4, "buttons[0].on.DOUBLE.webhook.url", "'ftp://x/y' is not an http:// or https:// URL"),
        ("      DOUBLE: { webhook: { method: POST } }", 4, "buttons[0].on.DOUBLE.webhook.url", "missing"),
        ("      DOUBLE: { webhook: { url: 'http://x', method: GET } }", 4, "buttons[0].on.DOUBLE.webhook.method", "'GET' is not allowed; use one of POST, PUT, PATCH"),
        ("      DOUBLE: { webhook: { url: 'http://x', retries: 99 } }", 4, "buttons[0].on.DOUBLE.webhook.retries", "from 0 to 20"),
        ("      DOUBLE: { webhook: { url: 'http://x', headers: { Content-Length: 3 } } }", 4, "buttons[0].on.DOUBLE.webhook.headers.Content-Length", "set by ClickBridge"),
        ("      DOUBLE: { webhook: { url: 'http://x', headers: { 'bad name': v } } }", 4, "buttons[0].on.DOUBLE.webhook.headers.bad name", "not a valid HTTP header name"),
        ("      LONG: [ { exec: [a] }, 7 ]", 4, "buttons[0].on.LONG[1]", "expected a mapping with exec"),
    ])
    func errors(line: String, expectedLine: Int, key: String, message: String) throws {
        let error = try parseError("buttons:\n  - deviceId: X\n    on:\n\(line)\n")
        #expect(error.line == expectedLine)
        #expect(error.key == key)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("on: that is not a mapping")
    func notAMapping() throws {
        let error = try parseError("buttons:\n  - deviceId: X\n    on: [SINGLE]\n")
        #expect(error.line == 3)
        #expect(error.message.contains("expected a mapping"))
    }
}
