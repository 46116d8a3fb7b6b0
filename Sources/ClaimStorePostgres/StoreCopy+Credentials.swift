import ClaimService
import Foundation
import Logging
import OneClick
import PostgresNIO

extension StoreCopy {
    /// Copies the principals of the Pi's credentials file into the database's `principal` table,
    /// in the copy's transaction, and returns how many it copied. As with every other kind, a
    /// principal the database holds already is skipped when identical, and refuses the whole copy
    /// when it differs (its keys, secret or account), as does a key held by another principal: a
    /// fleet must not answer one access key for two principals. A state dir without a credentials
    /// file has none to copy.
    static func copyCredentials(from file: String?, _ connection: PostgresConnection, merge: Bool,
                                logger: Logger) async throws -> Int {
        guard let file, FileManager.default.fileExists(atPath: file) else { return 0 }
        let profiles: [CredentialProfile]
        do {
            profiles = try CredentialStore(path: file).file.profiles
        } catch {
            throw refuse("the state dir's credentials \(error): fix the file, or move it aside to copy the rest without it")
        }
        let stored = try await PostgresClaimStore.principals(connection, logger: logger)
        func keys(_ profile: CredentialProfile) -> [String] {
            [profile.accessKeyId] + (profile.previousKey.map { [$0.accessKeyId] } ?? [])
        }
        var held: [String: String] = [:]
        for profile in stored.profiles { for key in keys(profile) { held[key] = profile.name } }
        var conflicts: [String] = []
        var missing: [CredentialProfile] = []
        for profile in profiles {
            if let there = stored.profile(named: profile.name) {
                var fields: [String] = []
                if there.accessKeyId != profile.accessKeyId || there.previousKey != profile.previousKey { fields.append("keys") }
                if there.secretAccessKey != profile.secretAccessKey { fields.append("secret") }
                if there.accountId != profile.accountId { fields.append("account") }
                if !fields.isEmpty { conflicts.append("principal \(profile.name) [\(fields.joined(separator: ", "))]") }
                continue
            }
            if let owner = keys(profile).lazy.compactMap({ held[$0] }).first {
                conflicts.append("principal \(profile.name) [its access key is \(owner)'s in the database]")
                continue
            }
            for key in keys(profile) { held[key] = profile.name }
            missing.append(profile)
        }
        if !conflicts.isEmpty {
            throw refuse("the state dir's credentials differ from the database's, so nothing was copied: \(conflicts.prefix(5).joined(separator: "; "))")
        }
        let now = PostgresClaimStore.microseconds(Date())
        for profile in missing {
            try await PostgresClaimStore.insert(profile, importedFrom: file, now: now, connection, logger: logger)
        }
        return missing.count
    }
}
