import Logging
import PostgresNIO

extension StoreCopy {
    /// Copies the principals of the Pi's credentials file into the database, in the copy's
    /// transaction, and returns how many it copied: one more kind of `store copy`, refused on
    /// conflict like the others (throw `refuse(_:)`).
    ///
    /// Not yet: the fleet's credentials table belongs to `credentials --database`, built apart.
    /// Until this is wired to it, it copies nothing and returns nil, which `store copy` reports
    /// as "credentials: not copied (not yet supported)".
    static func copyCredentials(from file: String?, _ connection: PostgresConnection, merge: Bool,
                                logger: Logger) async throws -> Int? {
        nil
    }
}
