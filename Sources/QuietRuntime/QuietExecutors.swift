import CSwiftRuntimeHooks
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
/// (NIO's own `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor` finds the
/// hook with dlsym, which fails in the `--static-swift-stdlib` build the README installs.)
public enum QuietExecutors {
    /// The runtime's hook type: the job, then the default implementation, Swift calling convention.
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Runs `job` on an event loop: the current one when called from one.
    ///
    /// Not through `EventLoop.executor.enqueue`: that runs a job isolated to the loop's serial
    /// executor, so each later hop into nonisolated async code is enqueued again (about 50 trips
    /// through the loop's task queue per HTTP request). The job runs as the default global
    /// executor runs it, on the generic executor, so those hops stay inline. (Not inlined into
    /// `install`: Swift 6.3.1's region analysis crashes on that.)
    @inline(never) static func enqueue(_ job: UnownedJob) {
        MultiThreadedEventLoopGroup.singleton.any().execute { job.runSynchronously(on: genericExecutor) }
    }

    /// The runtime's generic executor, which has no public spelling: both words zero, as the
    /// runtime's `SerialExecutorRef::generic()` (and the standard library's own `==` on executor
    /// refs reads them as two `Int`s).
    static let genericExecutor = unsafeBitCast((0, 0), to: UnownedSerialExecutor.self)

    /// False when a hook was already installed (then that one stays).
    @discardableResult
    public static func install() -> Bool {
        guard clickbridge_enqueue_global_hook() == nil else { return false }
        let hook: EnqueueGlobalHook = { job, _ in QuietExecutors.enqueue(job) }
        clickbridge_set_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeMutableRawPointer.self))
        return true
    }
}
