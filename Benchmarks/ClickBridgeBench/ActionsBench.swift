#if canImport(Bridge)
import Bridge
import Dispatch
import Glibc
import Presses
import Synchronization

/// Press to action latency, through the real dispatcher: from `submit` (the instant after the
/// outbox commit, where the daemon calls it) to the command's spawn (posix_spawn returned, so the
/// command has been exec'd), and to the webhook's 2xx answer from a receiver on loopback.
/// Presses are sent one at a time, each after the previous one's action finished.
///
///   clickbridge-bench actions WEBHOOK_URL [PRESSES]
enum ActionsBench {
    static func run() throws {
        let args = Array(CommandLine.arguments.dropFirst(2))
        guard let url = args.first else {
            print("usage: clickbridge-bench actions WEBHOOK_URL [PRESSES]  (scripts/bench-actions starts a receiver)")
            exit(2)
        }
        let presses = args.count > 1 ? Int(args[1]) ?? 1000 : 1000
        let done = DispatchSemaphore(value: 0)
        Task {
            await measure(url: url, presses: presses)
            done.signal()
        }
        done.wait()
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func measure(url: String, presses: Int) async {
        let started = Mutex<[String: Int64]>([:])
        let (results, resultInput) = AsyncStream.makeStream(of: (ActionResult, Int64).self)
        let actions = ButtonActions([
            .single: [.exec(ExecAction(argv: ["/bin/true"]))],
            .double: [.webhook(WebhookAction(url: url, retries: 0))],
        ])
        let dispatcher = ActionDispatcher(buttons: ["bench": actions], health: ActionHealth(file: nil),
                                          observer: { resultInput.yield(($0, now())) },
                                          onExecStart: { event in
                                              let t = now()
                                              started.withLock { $0[event.eventId] = t }
                                          })
        let running = Task { await dispatcher.run() }
        var iterator = results.makeAsyncIterator()
        for (click, name) in [(ClickType.single, "press -> exec start"), (.double, "press -> webhook 2xx")] {
            var latencies: [Int64] = []
            var failures = 0
            // A few unmeasured presses first: the first webhook opens the connection.
            for i in -10..<presses {
                let id = "\(click.rawValue)-\(i)"
                let t0 = now()
                dispatcher.submit(ActionEvent(eventId: id, deviceId: "bench", button: "bench", clickType: click,
                                              reportedTime: "2026-11-22T00:00:00.000Z"))
                guard let (result, finished) = await iterator.next() else { break }
                if !result.succeeded { failures += 1 }
                let end = click == .single ? started.withLock { $0[id] } ?? finished : finished
                if i >= 0 { latencies.append(end - t0) }
            }
            latencies.sort()
            func ms(_ q: Double) -> String {
                let v = latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))]
                return String(format: "%.2f ms", Double(v) / 1e6)
            }
            print("\(name): n=\(latencies.count) p50 \(ms(0.5)) p99 \(ms(0.99)) max \(ms(1.0)) failures \(failures)")
        }
        dispatcher.finish()
        await running.value
    }
}
#endif
