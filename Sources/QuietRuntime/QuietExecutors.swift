import NIOCore
import NIOPosix

/// Moves Swift concurrency's global executor onto SwiftNIO's event loops, so an idle daemon does
/// not wake at all.
///
/// Swift's default global executor on Linux is libdispatch's global concurrent queue. Its first
/// worker thread starts libdispatch's pool monitor (`_dispatch_workq_monitor_pools`), a timer
/// that fires every second for the rest of the process. NIO's event loops block in `epoll_wait`
/// with no timeout while nothing is scheduled. The main executor stays on Dispatch's main queue,
/// whose overcommit workers do not start that monitor.
///
/// `Task.sleep` still goes to Dispatch's global queue (Swift 6.3 schedules it through its own
/// Dispatch executor, past the runtime's hooks): code that runs in a daemon waits with
/// `QuietSleep` instead.
///
/// Call once, first thing in the process, before any task runs. Every `clickbridge` command does.
public enum QuietExecutors {
    /// False when the runtime offers no hook; everything then keeps working on Dispatch.
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
