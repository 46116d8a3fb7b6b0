/// The debounce stage of the detector: raw edges in, confirmed level changes out.
///
/// Edges that follow each other closer than `debounce` form one *burst*. A burst ends once the
/// line has been quiet for `debounce` after its last edge. If the line then sits at a level other
/// than the confirmed one, the burst was a change, timed from its *first* edge so durations stay
/// exact; otherwise it was a glitch and never happened. The line returning to the old level
/// inside a burst does not end it: that is what bounce looks like.
struct Debouncer: Sendable {
    /// The confirmed level (true: pressed).
    private(set) var level: Bool
    /// The last level the raw line reported.
    private var raw: Bool
    /// The first and last edge of the burst in progress; `burstStart` is nil when none is.
    private(set) var burstStart: Timestamp?
    private var burstLast: Timestamp
    let debounce: Span

    /// What a burst turned out to be once it resolved.
    enum Outcome: Equatable, Sendable {
        /// A confirmed change to `pressed`, timed at its first edge.
        case change(pressed: Bool, time: Timestamp)
        /// The line came back to the confirmed level: nothing happened.
        case glitch
    }

    init(level: Bool, debounce: Span) {
        self.level = level
        self.raw = level
        self.burstStart = nil
        self.burstLast = Timestamp(nanoseconds: 0)
        self.debounce = debounce
    }

    /// The instant the burst in progress resolves, if one is in progress.
    var resolution: Timestamp? {
        burstStart == nil ? nil : burstLast.saturatingAdding(debounce)
    }

    /// Records one raw edge. The caller has already resolved any burst whose resolution is at or
    /// before `edge.time` (a burst whose quiet period ends exactly at the edge is confirmed first).
    ///
    /// An edge that repeats the confirmed level while no burst is in progress changes nothing and
    /// is ignored (a source may report the same level twice, e.g. after a resync). Inside a burst,
    /// a repeated level still counts as activity: it means the line moved and a pulse was lost.
    mutating func record(_ edge: Edge) {
        if burstStart == nil {
            guard edge.pressed != level else { return }
            burstStart = edge.time
        }
        raw = edge.pressed
        burstLast = edge.time
    }

    /// Ends the burst in progress (at its resolution instant, or earlier at shutdown).
    mutating func resolve() -> Outcome {
        guard let start = burstStart else { return .glitch }
        burstStart = nil
        guard raw != level else { return .glitch }
        level = raw
        return .change(pressed: raw, time: start)
    }
}

extension Timestamp {
    /// `self + span`, clamped to the representable range instead of trapping: a timing of
    /// `Int64.max` nanoseconds means "never", not a crash.
    func saturatingAdding(_ span: Span) -> Timestamp {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(span.nanoseconds)
        if overflow { return Timestamp(nanoseconds: span.nanoseconds > 0 ? .max : .min) }
        return Timestamp(nanoseconds: sum)
    }
}
