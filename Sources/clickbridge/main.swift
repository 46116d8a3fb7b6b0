import Dispatch
import Glibc
import QuietRuntime

// A closed stdout or stderr (`run … | head`) ends that output, never the process: SIGPIPE is
// ignored and every write tolerates EPIPE.
signal(SIGPIPE, SIG_IGN)
// Swift concurrency on NIO's event loops before anything runs: an idle daemon then never wakes.
QuietExecutors.install()

// Not an async `@main`: the runtime would hand the main thread to `dispatch_main`, which ends it
// with `pthread_exit`. That forced unwind loads libgcc_s and reads the binary's unwind tables,
// about 1 MiB that then stays resident in an idle daemon. The main thread waits here instead.
// Detached: top-level code is on the main actor, whose queue nothing drains while main waits.
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await ClickBridge.main(nil)
    finished.signal()
}
finished.wait()
