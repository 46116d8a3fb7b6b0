import Testing
@testable import ClaimService

/// The one parser of `HOST:PORT`, behind both `serve --listen` and `listen` in `run`'s configuration.
struct ListenAddressTests {
    @Test func addressesAccepted() {
        #expect(ListenAddress("127.0.0.1:8787") == ListenAddress(host: "127.0.0.1", port: 8787))
        #expect(ListenAddress("[::1]:80") == ListenAddress(host: "::1", port: 80))
        #expect(ListenAddress("localhost:1")?.description == "localhost:1")
        #expect(ListenAddress("127.0.0.1:0")?.port == 0)
        #expect(ListenAddress("0.0.0.0:65535")?.port == 65535)
        #expect(ListenAddress(host: "::1", port: 8787).description == "[::1]:8787")
    }

    /// Each refusal says what is wrong; serve's flag and the configuration key both show it.
    @Test func refusalsSayWhy() {
        let cases: [(String, String)] = [
            ("127.0.0.1", "no :PORT"),
            ("not-an-address", "no :PORT"),
            (":80", "no host before the port"),
            ("::1:80", "an IPv6 host goes in brackets, [::1]:80"),
            ("[::1]80", "no :PORT after the ]"),
            ("[::1:80", "the [ of an IPv6 host is not closed"),
            ("[]:80", "no host before the port"),
            ("my host:80", "the host contains white space"),
            ("h:65536", "the port must be a number from 0 to 65535"),
            ("h:-1", "the port must be a number from 0 to 65535"),
            ("h:+80", "the port must be a number from 0 to 65535"),
            ("h:8a", "the port must be a number from 0 to 65535"),
            ("h:", "the port must be a number from 0 to 65535"),
            ("h:٨٠", "the port must be a number from 0 to 65535"),
        ]
        for (text, why) in cases {
            #expect(throws: ListenAddress.Invalid(description: why), "\(text)") { try ListenAddress(parsing: text) }
            #expect(ListenAddress(text) == nil, "\(text)")
        }
    }
}
