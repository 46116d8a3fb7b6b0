/// One action's outcome for one press, as the dispatcher reports it to an observer.
public struct ActionResult: Sendable, Equatable {
    public var event: ActionEvent
    /// Position in the click type's list of actions.
    public var index: Int
    public var action: Action
    public var succeeded: Bool
    /// `exit 0`, `timed out: …`, `200 (1 attempt)`, `HTTP 503 … (6 attempts)`.
    public var result: String
}
