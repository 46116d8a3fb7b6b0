/// Thrown by commands whose issue has not landed yet. Temporary scaffolding: each command's file
/// replaces it when its issue is built.
struct NotYetBuilt: Error, CustomStringConvertible {
    let command: String
    var description: String { "clickbridge \(command) is not built yet" }
}
