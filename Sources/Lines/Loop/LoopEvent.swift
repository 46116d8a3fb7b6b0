import Presses

/// What the live loop reports to its handler, on the loop's thread, in order.
public enum LoopEvent: Sendable {
    /// A raw edge of a button (bounces included), as it arrived. `button` indexes `EventLoop.buttons`.
    case edge(button: Int, Edge)
    /// A decided press. `button` indexes `EventLoop.buttons`; `press.button` is its name.
    case press(button: Int, Press)
    /// A source vanished, came back or failed. `source` indexes the sources in the order added.
    case notice(source: Int, SourceNotice)
}

/// When `EventLoop.run` returns by itself.
public enum LoopEnd: Sendable {
    /// Only when `stop()` is called (the daemon, `listen` on hardware).
    case onStop
    /// Also once every source is finished and no decision is pending (`listen --trace`).
    case whenSourcesFinish
}
