import Glibc
import Synchronization

/// The descriptor a SIGINT/SIGTERM handler writes to; -1 when none is installed. An atomic, since
/// the handler may run on any thread at any moment.
private let signalStopDescriptor = Atomic<Int32>(-1)
/// The last signal the handler received, 0 for none.
private let signalStopReceived = Atomic<Int32>(0)

/// Makes SIGINT and SIGTERM stop an `EventLoop` cleanly (pending decisions made, lines released)
/// instead of killing the process: the handler does only a write(2) to the loop's eventfd.
public enum SignalStop {
    /// Installs the handlers for `loop`; `uninstall()` restores the default actions. The loop must
    /// outlive the installation.
    public static func install(_ loop: EventLoop, signals: [Int32] = [SIGINT, SIGTERM]) {
        signalStopDescriptor.store(loop.stopDescriptor, ordering: .sequentiallyConsistent)
        for sig in signals {
            _ = signal(sig) { received in
                signalStopReceived.store(received, ordering: .sequentiallyConsistent)
                let fd = signalStopDescriptor.load(ordering: .sequentiallyConsistent)
                guard fd >= 0 else { return }
                var one: UInt64 = 1
                _ = write(fd, &one, 8)
            }
        }
    }

    /// The signal that stopped the loop, if one did.
    public static var received: Int32? {
        let s = signalStopReceived.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    public static func uninstall(signals: [Int32] = [SIGINT, SIGTERM]) {
        for sig in signals { _ = signal(sig, SIG_DFL) }
        signalStopDescriptor.store(-1, ordering: .sequentiallyConsistent)
    }
}
