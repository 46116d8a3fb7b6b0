import Lines

/// Sends systemd's `WATCHDOG=1` from the button loop itself: a source with no buttons whose
/// descriptor is a periodic timerfd. A ping then proves that the loop which decides presses is
/// turning, not merely that the process exists; a stuck loop stops the pings and systemd restarts
/// the unit. It exists only when the unit sets `WatchdogSec`, so without one nothing wakes.
final class WatchdogHeartbeat: LineSource, @unchecked Sendable {
    // @unchecked Sendable: handed to the loop before it runs, then used only on the loop's thread.
    private let timer: TimerFD
    private let notifier: SystemdNotifier
    private var closed = false

    /// Nil when the notifier has no watchdog interval.
    init?(notifier: SystemdNotifier) throws(LineError) {
        guard let interval = notifier.watchdogInterval else { return nil }
        self.notifier = notifier
        timer = try TimerFD()
        timer.arm(every: interval)
        notifier.watchdog()
    }

    let buttons: [String] = []
    let heldAtStart: [Bool] = []
    var descriptors: [Int32] { closed ? [] : [timer.fd] }
    var isFinished: Bool { false }

    func drain(into output: inout SourceOutput) {
        // Drained on every deadline of any button too; ping only when a period has passed.
        if !closed, timer.takeExpirations() > 0 { notifier.watchdog() }
    }

    func close() {
        closed = true
        timer.arm(at: nil)
    }
}
