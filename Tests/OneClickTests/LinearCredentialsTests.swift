import Foundation
import Glibc
import OneClick
import TestSupport
import Testing

/// A credentials file with 8 times the profiles loads in about 8 times as long, never 64 (500,000
/// profiles kept `serve` from listening for over a minute). A ratio of this thread's CPU time,
/// the best of three runs; 24 leaves room for noise, far below quadratic.
@Suite struct LinearCredentialsTests {
    static func file(profiles: Int) -> String {
        var text = ""
        for p in 0..<profiles {
            text += "[p\(p)]\naws_access_key_id = AKIA\(String(p + 1_000_000_000))\naws_secret_access_key = s\(p)\naws_account_id = 111122223333\n"
        }
        return text
    }

    @Test func profilesLoadInLinearTime() throws {
        let dir = testScratch.appendingPathComponent("cb-linear-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var best: [Int: Duration] = [:]
        for count in [10_000, 80_000] {
            let path = dir + "/credentials-\(count)"
            try Self.file(profiles: count).write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            var fastest = Duration.seconds(1_000)
            for _ in 0..<3 {
                let start = Self.threadCPUTime()
                let store = try CredentialStore(path: path)
                // The last key is found at once too.
                #expect(store.identity(forAccessKeyId: "AKIA\(String(count - 1 + 1_000_000_000))", now: Date())?.principal == "p\(count - 1)")
                fastest = min(fastest, Self.threadCPUTime() - start)
            }
            best[count] = fastest
        }
        let ratio = best[80_000]! / best[10_000]!
        #expect(ratio < 24, "10,000 profiles: \(best[10_000]!), 80,000: \(best[80_000]!)")
    }

    static func threadCPUTime() -> Duration {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
    }
}
