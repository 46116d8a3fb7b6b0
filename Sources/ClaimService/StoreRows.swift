import GRDB
import GRDBSQLite

/// A value bound to a parameter of a statement run by `Store.rows`.
enum RowArgument {
    case text(String)
    case integer(Int64)
}

/// The current row of a statement run by `Store.rows`, read with SQLite's own column calls.
/// Valid only inside the closure it is handed to.
struct StoreRow {
    fileprivate let statement: OpaquePointer

    /// NULL as nil. Read by byte count, so a value holding NUL is read whole.
    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL, let start = sqlite3_column_text(statement, column) else {
            return nil
        }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    func real(_ column: Int32) -> Double? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_double(statement, column)
    }
}

extension Store {
    /// Runs `sql` (from the connection's statement cache) with `arguments` and hands each row to
    /// `body`.
    ///
    /// The reads every request makes go through here instead of GRDB's `Row`: decoding each
    /// column through GRDB's generic conversions, with a row object and metadata lookups per
    /// column, cost more than SQLite's own work (about 50,000 instructions per DescribeDevice).
    static func rows(_ db: Database, sql: String, _ arguments: [RowArgument], _ body: (StoreRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        // Leave the statement reset and unbound, as GRDB expects its cached statements.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        func failure(_ code: Int32) -> DatabaseError {
            DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code = switch argument {
            case .text(var text):
                // By byte count, so a text holding NUL is bound whole. An empty one has no base
                // address, and a nil address would bind NULL.
                text.withUTF8 { utf8 in
                    let start = UnsafeRawPointer(utf8.baseAddress ?? ("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
                    return sqlite3_bind_text(statement, index, start, Int32(utf8.count), transient)
                }
            case .integer(let value): sqlite3_bind_int64(statement, index, value)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try body(StoreRow(statement: statement))
        }
    }

    /// SQLite's SQLITE_TRANSIENT: it copies a bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
