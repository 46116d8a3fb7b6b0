import Bridge
import Foundation
import Glibc
import Presses
import Testing

@Suite("Actions: exec")
struct ActionsExecTests {
    @Test("the press is in the environment, the event JSON on stdin, and nothing else leaks in")
    func environmentAndStdin() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        setenv("CLICKBRIDGE_TEST_LEAK", "daemon-only", 1)
        let action = ExecAction(argv: ["/bin/sh", "-c", "env > \"$1\"; cat > \"$2\"", "sh", dir.file("env"), dir.file("stdin")])
        let event = sampleEvent(click: .double)
        let outcome = await ExecRunner.run(action, event: event)
        #expect(outcome.ending == .exited(0))

        let env = Set(dir.read("env").split(separator: "\n").map(String.init))
        for line in ["CLICKBRIDGE_CLICK_TYPE=DOUBLE", "CLICKBRIDGE_DEVICE_ID=G030PM0123456789", "CLICKBRIDGE_BUTTON=porch",
                     "CLICKBRIDGE_REPORTED_TIME=2026-11-22T01:02:03.456Z",
                     "CLICKBRIDGE_EVENT_ID=6f1c1f0e-3a51-4a0a-9a53-1b1e3d5e7a01", "PATH=\(ExecAction.searchPath)"] {
            #expect(env.contains(line), "missing \(line) in \(env)")
        }
        #expect(!env.contains { $0.hasPrefix("CLICKBRIDGE_TEST_LEAK=") || $0.hasPrefix("HOME=") })

        let stdin = try #require(try JSONSerialization.jsonObject(with: Data(dir.read("stdin").utf8)) as? [String: Any])
        let info = try #require(stdin["deviceInfo"] as? [String: Any])
        #expect(info["deviceId"] as? String == "G030PM0123456789")
        #expect(info["type"] as? String == "button")
        let clicked = try #require((stdin["deviceEvent"] as? [String: Any])?["buttonClicked"] as? [String: Any])
        #expect(clicked["clickType"] as? String == "DOUBLE")
        #expect(clicked["reportedTime"] as? String == "2026-11-22T01:02:03.456Z")
        #expect(stdin["placementInfo"] == nil)
    }

    @Test("a bare command name is found in the fixed PATH")
    func barePath() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let outcome = await ExecRunner.run(ExecAction(argv: ["touch", dir.file("touched")]), event: sampleEvent())
        #expect(outcome.ending == .exited(0))
        #expect(FileManager.default.fileExists(atPath: dir.file("touched")))
    }

    @Test("exit status and the end of the output are reported")
    func failure() async {
        let script = "i=0; while [ $i -lt 500 ]; do echo line $i; i=$((i+1)); done; echo oops >&2; exit 3"
        let outcome = await ExecRunner.run(ExecAction(argv: ["/bin/sh", "-c", script]), event: sampleEvent())
        #expect(outcome.ending == .exited(3))
        #expect(outcome.outputTail.hasSuffix("line 499\noops\n"))
        #expect(outcome.outputTail.utf8.count <= ExecRunner.tailBytes)
        #expect(!outcome.succeeded)
    }

    @Test("a missing command is reported, not started")
    func notFound() async {
        let outcome = await ExecRunner.run(ExecAction(argv: ["clickbridge-no-such-command"]), event: sampleEvent())
        guard case .notStarted(let why) = outcome.ending else {
            Issue.record("expected notStarted, got \(outcome.ending)")
            return
        }
        #expect(why.contains("clickbridge-no-such-command") && why.contains("full path"))
        let missing = await ExecRunner.run(ExecAction(argv: ["/nonexistent/cmd"]), event: sampleEvent())
        #expect(missing.ending == .notStarted("cannot run /nonexistent/cmd: No such file or directory"))
    }

    @Test("a hanging command is killed at its timeout with everything it started")
    func timeoutKillsGroup() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // The shell starts a background sleeper, records its pid, and waits.
        let action = ExecAction(argv: ["/bin/sh", "-c", "sleep 60 & echo $! > \"$1\"; wait", "sh", dir.file("pid")],
                                timeout: .milliseconds(300))
        let outcome = await ExecRunner.run(action, event: sampleEvent())
        #expect(outcome.ending == .timedOut)
        let pid = try #require(pid_t(dir.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        // The orphaned sleeper was in the command's process group: it got the signal too.
        var gone = false
        for _ in 0..<100 {
            if kill(pid, 0) != 0 && errno == ESRCH { gone = true; break }
            // Dead but not yet reaped by its new parent counts as gone.
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[close...].hasPrefix(") Z") { gone = true; break }
            // The sleeper's new parent (init) reaps it asynchronously.
            usleep(20_000)
        }
        #expect(gone, "the background child \(pid) of the timed-out command is still alive")
    }

    @Test("a command that ignores SIGTERM gets SIGKILL after the grace time")
    func ignoresTerm() async {
        let action = ExecAction(argv: ["/bin/sh", "-c", "trap '' TERM; sleep 60"], timeout: .milliseconds(200))
        let outcome = await ExecRunner.run(action, event: sampleEvent())
        #expect(outcome.ending == .timedOut)
        #expect(outcome.seconds >= Double(ExecAction.killGrace.nanoseconds) / 1e9)
    }
}
