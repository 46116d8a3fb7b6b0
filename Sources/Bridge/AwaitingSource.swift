import Glibc
import Lines

/// A source whose device is not there yet, or went away: it waits on an inotify descriptor (never
/// a timer) for the directory the device appears in, and opens the real source when it can. Lets
/// `run` start, and keep its other buttons working, while a GPIO chip is missing.
final class AwaitingSource: LineSource, @unchecked Sendable {
    // @unchecked Sendable: built on one thread, then used only by the loop's thread.

    let buttons: [String]
    let heldAtStart: [Bool]
    private let what: String
    private let open: () throws(LineError) -> any LineSource
    private var inner: (any LineSource)?
    private var watchFD: Int32 = -1
    private let directory: String
    private var lastFailure: String?
    private var closed = false

    /// `open` is tried now and again whenever something changes in `directory`.
    init(buttons: [String], what: String, directory: String, open: @escaping () throws(LineError) -> any LineSource) {
        self.buttons = buttons
        self.heldAtStart = Array(repeating: false, count: buttons.count)
        self.what = what
        self.directory = directory
        self.open = open
    }

    /// Tries to open at once; nil when it worked, else the reason it is waiting.
    func start() -> String? {
        do throws(LineError) {
            inner = try open()
            return nil
        } catch {
            lastFailure = error.message
            watch()
            return error.message
        }
    }

    var isPresent: Bool { inner != nil }

    var descriptors: [Int32] {
        if let inner { return inner.descriptors }
        return watchFD >= 0 ? [watchFD] : []
    }

    var isFinished: Bool { closed }

    func drain(into output: inout SourceOutput) {
        if let inner {
            inner.drain(into: &output)
            if inner.isFinished {
                inner.close()
                self.inner = nil
                output.notices.append(.vanished("\(what) went away; waiting for it to return"))
                watch()
            }
            return
        }
        guard watchFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var changed = false
        while read(watchFD, &buffer, buffer.count) > 0 { changed = true }
        guard changed else { return }
        do throws(LineError) {
            inner = try open()
            Glibc.close(watchFD)
            watchFD = -1
            lastFailure = nil
            output.notices.append(.appeared("\(what) is here now"))
        } catch {
            // Logged once per distinct reason, not at every change in the directory.
            if error.message != lastFailure {
                lastFailure = error.message
                output.notices.append(.vanished("\(what): \(error.message); still waiting"))
            }
        }
    }

    func close() {
        closed = true
        inner?.close()
        inner = nil
        if watchFD >= 0 { Glibc.close(watchFD); watchFD = -1 }
    }

    private func watch() {
        guard watchFD < 0 else { return }
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { return }
        // Created, moved in, or permissions fixed by udev after creation.
        if inotify_add_watch(fd, directory, UInt32(IN_CREATE | IN_MOVED_TO | IN_ATTRIB)) < 0 {
            Glibc.close(fd)
            return
        }
        watchFD = fd
    }
}
