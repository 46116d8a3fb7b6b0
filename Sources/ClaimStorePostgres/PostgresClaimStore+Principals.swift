import ClaimService
import Foundation
import Logging
import OneClick
import PostgresNIO

/// The service's principals in the fleet database (`principal`), with the credentials file's
/// rules: `CredentialsAdmin` adds and rotates, `KeyRotation` decides which key is accepted. Each
/// change is one transaction, so every instance sees it at its next request.
extension PostgresClaimStore {
    static let principalColumns = """
        name, account_id, access_key_id, secret_access_key, region, previous_access_key_id, previous_secret_access_key, \
        previous_valid_until
        """

    static func principal(_ row: PostgresRow) throws -> CredentialProfile {
        let (name, account, keyId, secret, region, previousKeyId, previousSecret, previousValidUntil) = try row.decode(
            (String, String, String, String, String?, String?, String?, Int64?).self)
        var previous: CredentialProfile.PreviousKey?
        if let previousKeyId, let previousSecret, let previousValidUntil {
            previous = .init(accessKeyId: previousKeyId, secretAccessKey: previousSecret,
                             validUntil: Date(timeIntervalSince1970: Double(previousValidUntil) / 1_000_000))
        }
        return CredentialProfile(name: name, accessKeyId: keyId, secretAccessKey: secret, accountId: account, region: region,
                                 previousKey: previous)
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// Every principal, in the order added, as a credentials file would list them.
    static func principals(_ connection: PostgresConnection, logger: Logger) async throws -> CredentialsFile {
        var file = CredentialsFile()
        for try await row in try await connection.query("SELECT \(unescaped: principalColumns) FROM principal ORDER BY seq", logger: logger) {
            file.profiles.append(try principal(row))
        }
        return file
    }

    static func insert(_ profile: CredentialProfile, importedFrom: String?, now: Int64, _ connection: PostgresConnection,
                       logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO principal (name, account_id, access_key_id, secret_access_key, region, previous_access_key_id,
                                   previous_secret_access_key, previous_valid_until, imported_from, added_at)
            VALUES (\(profile.name), \(profile.accountId ?? ""), \(profile.accessKeyId), \(profile.secretAccessKey), \(profile.region),
                    \(profile.previousKey?.accessKeyId), \(profile.previousKey?.secretAccessKey),
                    \(profile.previousKey.map { microseconds($0.validUntil) }), \(importedFrom), \(now))
            """, logger: logger)
    }

    /// Every principal, in the order added (`credentials list`).
    package func principals() async throws(ServiceError) -> CredentialsFile {
        try await read { connection, logger in try await Self.principals(connection, logger: logger) }
    }

    /// `credentials add`: the principal added, or why not (its name is taken or not valid).
    package func addPrincipal(name: String, accountId: String?) async throws(ServiceError) -> Result<CredentialProfile, CredentialsFileError> {
        try await write { connection, logger in
            // SERIALIZABLE: two adds of one name at once leave one row, and the other finds it on its retry.
            var file = try await Self.principals(connection, logger: logger)
            let added: CredentialProfile
            do throws(CredentialsFileError) { added = try CredentialsAdmin.add(name: name, accountId: accountId, to: &file) } catch { return .failure(error) }
            try await Self.insert(added, importedFrom: nil, now: Self.microseconds(Date()), connection, logger: logger)
            return .success(added)
        }
    }

    /// `credentials rotate`: the principal before and after, or why not (no such principal).
    package func rotatePrincipal(name: String, now: Date) async throws(ServiceError) -> Result<(old: CredentialProfile, new: CredentialProfile), CredentialsFileError> {
        try await write { connection, logger in
            var file = try await Self.principals(connection, logger: logger)
            let rotated: (old: CredentialProfile, new: CredentialProfile)
            do throws(CredentialsFileError) { rotated = try CredentialsAdmin.rotate(name: name, in: &file, now: now, holder: "the database") } catch { return .failure(error) }
            let new = rotated.new
            try await connection.query("""
                UPDATE principal SET access_key_id = \(new.accessKeyId), secret_access_key = \(new.secretAccessKey),
                    previous_access_key_id = \(new.previousKey?.accessKeyId), previous_secret_access_key = \(new.previousKey?.secretAccessKey),
                    previous_valid_until = \(new.previousKey.map { Self.microseconds($0.validUntil) })
                WHERE name = \(name)
                """, logger: logger)
            return .success(rotated)
        }
    }

    /// The principal holding `accessKeyId` as its current or previous key, the first added if
    /// two do, as the file's key index finds it. One statement, no BEGIN and COMMIT: every
    /// signed request makes this call.
    package func principal(holding accessKeyId: String) async throws(ServiceError) -> CredentialProfile? {
        try await statement { connection, logger in
            for try await principal in try await connection.execute(PostgresHotStatements.PrincipalByKey(accessKeyId: accessKeyId),
                                                                     logger: logger) {
                return principal
            }
            return nil
        }
    }

    /// The principal's current key was used: its previous key is no longer accepted, unless a
    /// newer rotation has replaced that current key meanwhile (then the newer rotation stands).
    package func retirePreviousKey(of principal: String, currentKey accessKeyId: String) async throws(ServiceError) {
        let retired = try await statement { connection, logger in
            let rows = try await connection.query("""
                UPDATE principal SET previous_access_key_id = NULL, previous_secret_access_key = NULL, previous_valid_until = NULL
                WHERE name = \(principal) AND access_key_id = \(accessKeyId) AND previous_access_key_id IS NOT NULL
                RETURNING name
                """, logger: logger)
            var count = 0
            for try await _ in rows { count += 1 }
            return count > 0
        }
        if retired {
            logger.info("retired the previous key of principal after its new key was used", metadata: ["principal": "\(principal)"])
        }
    }
}

/// What importing a credentials file into the database did (`serve --credentials FILE --database URL`).
package struct PrincipalImport: Sendable, Equatable {
    /// Added from the file: the database did not have them.
    package var imported: [String] = []
    /// In the database already, by name; kept as the database has them.
    package var present: [String] = []
    /// Of `present`, those whose keys or account in the file differ from the database's.
    package var differing: [String] = []
    /// Not imported: a key of theirs belongs to another principal in the database.
    package var clashing: [String] = []

    /// The one line `serve` logs about it.
    package func summary(file path: String) -> String {
        var line: String
        if imported.isEmpty {
            line = "imported no principals from \(path): its \(present.count) are in the database already"
        } else {
            line = "imported \(imported.count) principal\(imported.count == 1 ? "" : "s") (\(imported.joined(separator: ", "))) from \(path) into the database"
            if !present.isEmpty { line += "; \(present.count) more are there already" }
        }
        if !differing.isEmpty {
            line += "; the database's keys stand where the file's differ (\(differing.joined(separator: ", ")))"
        }
        if !clashing.isEmpty {
            line += "; not imported, as a key of theirs belongs to another principal in the database: \(clashing.joined(separator: ", "))"
        }
        return line
    }
}

extension PostgresClaimStore {
    /// Adds the file's principals the database does not have, by name. A principal the database
    /// has is left as it is: the database wins, so a key rotated since the import is never put
    /// back to the file's. Under the migration lock, so instances starting together import once.
    static func importPrincipals(_ file: CredentialsFile, from path: String, _ connection: PostgresConnection,
                                 logger: Logger) async throws -> PrincipalImport {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
            let stored = try await principals(connection, logger: logger)
            var keys = Set(stored.profiles.flatMap { [$0.accessKeyId] + ($0.previousKey.map { [$0.accessKeyId] } ?? []) })
            var result = PrincipalImport()
            let now = microseconds(Date())
            for profile in file.profiles {
                if let there = stored.profile(named: profile.name) {
                    result.present.append(profile.name)
                    if there.accessKeyId != profile.accessKeyId || there.secretAccessKey != profile.secretAccessKey
                        || there.accountId != profile.accountId || there.previousKey != profile.previousKey {
                        result.differing.append(profile.name)
                    }
                    continue
                }
                let own = [profile.accessKeyId] + (profile.previousKey.map { [$0.accessKeyId] } ?? [])
                guard keys.isDisjoint(with: own) else {
                    result.clashing.append(profile.name)
                    continue
                }
                keys.formUnion(own)
                try await insert(profile, importedFrom: path, now: now, connection, logger: logger)
                result.imported.append(profile.name)
            }
            return result
        }
    }
}
