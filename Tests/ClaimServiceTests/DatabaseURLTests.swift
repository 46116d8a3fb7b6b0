import Testing

@testable import ClaimService

/// `serve --database`: every form of the URL (ARCHITECTURE.md, "A fleet on PostgreSQL"), and a clear refusal of what is not one.
@Suite struct DatabaseURLTests {
    @Test func theShortestForm() throws {
        let url = try DatabaseURL(parsing: "postgres://clickbridge@db.example.net/fleet")
        #expect(url == DatabaseURL(user: "clickbridge", password: nil, host: "db.example.net", port: 5432, database: "fleet",
                                   tlsMode: .verifyFull, rootCertificateFile: nil))
    }

    @Test func passwordAndPort() throws {
        let url = try DatabaseURL(parsing: "postgres://clickbridge:s3cret@10.0.0.5:6543/fleet")
        #expect(url.user == "clickbridge")
        #expect(url.password == "s3cret")
        #expect(url.host == "10.0.0.5")
        #expect(url.port == 6543)
        #expect(url.database == "fleet")
    }

    @Test func anEmptyPasswordIsAPassword() throws {
        #expect(try DatabaseURL(parsing: "postgres://u:@h/d").password == "")
    }

    @Test func thePostgresqlSchemeToo() throws {
        #expect(try DatabaseURL(parsing: "postgresql://u@h/d").database == "d")
    }

    @Test func userPasswordAndDatabaseArePercentDecoded() throws {
        let url = try DatabaseURL(parsing: "postgres://team%2Bops:p%40ss%3Aw%2Frd%25@h/my%20db")
        #expect(url.user == "team+ops")
        #expect(url.password == "p@ss:w/rd%")
        #expect(url.database == "my db")
    }

    @Test func anUnencodedAtInThePasswordStillParses() throws {
        let url = try DatabaseURL(parsing: "postgres://u:a@b@h/d")
        #expect(url.password == "a@b")
        #expect(url.host == "h")
    }

    @Test func anIPv6Host() throws {
        let url = try DatabaseURL(parsing: "postgres://u@[::1]:5433/d")
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(try DatabaseURL(parsing: "postgres://u@[fe80::1]/d").port == 5432)
    }

    @Test(arguments: [("disable", DatabaseURL.TLSMode.disable), ("require", .require), ("verify-full", .verifyFull)])
    func eachSSLMode(text: String, mode: DatabaseURL.TLSMode) throws {
        let url = try DatabaseURL(parsing: "postgres://u@h/d?sslmode=\(text)")
        #expect(url.tlsMode == mode)
        #expect(url.rootCertificateFile == nil)
    }

    @Test func aRootCertificateWithVerifyFull() throws {
        let url = try DatabaseURL(parsing: "postgres://u@h/d?sslmode=verify-full&sslrootcert=/etc/clickbridge/ca.pem")
        #expect(url.tlsMode == .verifyFull)
        #expect(url.rootCertificateFile == "/etc/clickbridge/ca.pem")
        // In either order, and verify-full is what no sslmode means.
        let reversed = try DatabaseURL(parsing: "postgres://u@h/d?sslrootcert=ca%20file.pem")
        #expect(reversed.tlsMode == .verifyFull)
        #expect(reversed.rootCertificateFile == "ca file.pem")
    }

    @Test func theDescriptionHidesThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://u%2B1:topsecret@[::1]/d?sslmode=disable")
        #expect(url.description == "postgres://u%2B1:***@[::1]:5432/d?sslmode=disable")
        #expect(try DatabaseURL(parsing: url.description.replacingOccurrences(of: "***", with: "topsecret")) == url)
    }

    /// Each refusal says what is wrong (the first clause) and what to do, and never repeats the password.
    @Test(arguments: [
        ("", "does not start with postgres://"),
        ("db.example.net/fleet", "does not start with postgres://"),
        ("mysql://u@h/d", "the scheme is 'mysql', not postgres"),
        ("postgres://u@h", "names no database: add /DATABASE"),
        ("postgres://u@h/", "names no database"),
        ("postgres://h/d", "names no user: write USER@"),
        ("postgres://:secret@h/d", "the user is empty"),
        ("postgres://u:se/cret@h/d", "a '/' comes before the '@': percent-encode a '/' in the user or password as %2F"),
        ("postgres://u:sec%zzret@h/d", "the password has a '%' not followed by two hex digits"),
        ("postgres://u%4@h/d", "the user has a '%' not followed by two hex digits"),
        ("postgres://u@/d", "the host is empty"),
        ("postgres://u@h:0/d", "the port '0' is not a number from 1 to 65535"),
        ("postgres://u@h:65536/d", "the port '65536' is not a number from 1 to 65535"),
        ("postgres://u@h:five/d", "the port 'five' is not a number"),
        ("postgres://u@h:/d", "the port '' is not a number"),
        ("postgres://u@::1/d", "an IPv6 host must be in brackets"),
        ("postgres://u@[::1/d", "the [ of an IPv6 host is not closed"),
        ("postgres://u@[::1]x/d", "only :PORT may follow the ]"),
        ("postgres://u@h/d/e", "holds a '/': percent-encode it as %2F"),
        ("postgres://u@h/d#x", "holds a '#'"),
        ("postgres://u@h/d?sslmode=prefer", "sslmode=prefer is not supported: use disable, require or verify-full"),
        ("postgres://u@h/d?sslmode=disable&sslmode=require", "sslmode is given twice"),
        ("postgres://u@h/d?sslmode", "the parameter 'sslmode' is not NAME=VALUE"),
        ("postgres://u@h/d?connect_timeout=5", "the parameter 'connect_timeout' is not supported: only sslmode and sslrootcert are"),
        ("postgres://u@h/d?sslmode=require&sslrootcert=ca.pem", "sslrootcert is used only with sslmode=verify-full, not with sslmode=require"),
        ("postgres://u@h/d?sslrootcert=", "sslrootcert is empty"),
    ])
    func badURLsAreRefusedClearly(text: String, why: String) {
        #expect {
            try DatabaseURL(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(why) && message.contains("Its form is postgres://USER") && !message.contains("secret")
        }
    }
}
