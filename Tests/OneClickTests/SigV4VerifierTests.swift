import Foundation
import Testing
@testable import OneClick

/// Signer and verifier against each other: what the signer makes, the verifier accepts, and any
/// change to what was signed is refused with the right AWS code.
struct SigV4VerifierTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let owner = SigV4Identity(principal: "owner", accountId: "123456789012", secretAccessKey: "s3cr3t/+KEYKEYKEYKEYKEYKEYKEYKEYKEYKEY00")
    static func lookup(_ key: String) -> SigV4Identity? { key == "AKIAOWNER" ? owner : nil }

    /// A FinalizeDeviceClaim-shaped request, as the client sends it.
    static func signed(method: String = "PUT", path: String = "/devices/G030PM0123456789/finalize-claim", query: String = "",
                       body: String = #"{"tags": {"k": "v"}}"#, service: String = "iot1click", region: String = "us-east-1",
                       secret: String = owner.secretAccessKey, date: Date = now) -> SigV4Request {
        let signer = SigV4Signer(accessKeyId: "AKIAOWNER", secretAccessKey: secret, region: region, service: service)
        let headers: [(name: String, value: String)] = body.isEmpty ? [] : [("Content-Type", "application/json")]
        let signature = signer.sign(method: method, host: "127.0.0.1:8787", rawPath: path, rawQuery: query,
                                    headers: headers, body: Array(body.utf8), date: date)
        return SigV4Request(method: method, rawPath: path, rawQuery: query,
                            headers: signature.headers + [("User-Agent", "test"), ("Content-Length", "\(body.utf8.count)")],
                            body: Array(body.utf8))
    }

    func verify(_ request: SigV4Request, service: String = "iot1click", now: Date = now) throws(SigV4Failure) -> SigV4Principal {
        try SigV4Verifier().verify(request, service: service, now: now, lookup: Self.lookup)
    }

    func failure(_ request: SigV4Request, service: String = "iot1click", now: Date = now) -> SigV4Failure? {
        do {
            _ = try verify(request, service: service, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func roundTripReportsPrincipalAccountAndRegion() throws {
        let request = Self.signed(region: "eu-west-1")
        let principal = try verify(request)
        let given = try #require(request.lowercasedHeaders.values(of: "authorization").first?.components(separatedBy: "Signature=").last)
        #expect(principal == SigV4Principal(name: "owner", accountId: "123456789012", accessKeyId: "AKIAOWNER",
                                            region: "eu-west-1", generation: .current,
                                            signature: given, signedAt: 1_795_000_000))
    }

    /// The signature the service spends is the verifier's own: a replay that spells the hex
    /// signature in capitals, or lays the header out otherwise, still names the same request.
    @Test func signatureIsReportedInOneSpellingWhateverTheHeaderSays() throws {
        let request = Self.signed()
        let plain = try verify(request)
        var shouted = request
        let i = try #require(shouted.headers.firstIndex { $0.name.lowercased() == "authorization" })
        let header = shouted.headers[i].value
        let parts = header.components(separatedBy: "Signature=")
        shouted.headers[i].value = parts[0].replacingOccurrences(of: ", ", with: ",") + "Signature=" + parts[1].uppercased()
        #expect(shouted.headers[i].value != header)
        let loud = try verify(shouted)
        #expect(loud.signature == plain.signature)
        #expect(plain.signature == plain.signature.lowercased() && plain.signature.count == 64)
    }

    @Test func roundTripWithEncodedPathAndQuery() throws {
        let arn = AWSPercentEncoding.encode("arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789")
        _ = try verify(Self.signed(method: "DELETE", path: "/tags/\(arn)", query: "tagKeys=a&tagKeys=b%20c", body: ""))
        _ = try verify(Self.signed(method: "GET", path: "/devices/G1/events",
                                   query: "toTimeStamp=2018-01-02T00%3A00%3A00Z&fromTimeStamp=2018-01-01T00%3A00%3A00Z&maxResults=10", body: ""))
    }

    @Test func a4bRouteNeedsA4bScope() throws {
        _ = try verify(Self.signed(method: "POST", path: "/", service: "a4b"), service: "a4b")
        let wrong = failure(Self.signed(method: "POST", path: "/", service: "iot1click"), service: "a4b")
        #expect(wrong?.code == "InvalidSignatureException")
        #expect(wrong?.reason == .invalidScope)
        #expect(wrong?.message.contains("'a4b'") == true)
    }

    @Test func missingAuthorization() {
        var request = Self.signed()
        request.headers.removeAll { $0.name == "Authorization" }
        let f = failure(request)
        #expect(f?.code == "MissingAuthenticationTokenException")
        #expect(f?.httpStatus == 403)
    }

    @Test func unknownAccessKey() {
        var request = Self.signed()
        request.headers = request.headers.map {
            $0.name == "Authorization" ? ($0.name, $0.value.replacingOccurrences(of: "AKIAOWNER", with: "AKIASTRANGER")) : $0
        }
        let f = failure(request)
        #expect(f?.code == "UnrecognizedClientException")
        #expect(f?.message.contains("AKIASTRANGER") == true)
    }

    @Test func wrongSecretIsASignatureMismatch() {
        let f = failure(Self.signed(secret: "not-the-secret"))
        #expect(f?.code == "InvalidSignatureException")
        #expect(f?.reason == .signatureMismatch)
        #expect(f?.message.hasPrefix("The request signature we calculated does not match the signature you provided.") == true)
        #expect(f?.canonicalRequest?.hasPrefix("PUT\n/devices/G030PM0123456789/finalize-claim\n") == true)
    }

    @Test(arguments: ["body", "path", "query", "method", "host", "content-type", "date-header", "signature"])
    func tamperingIsRefused(_ part: String) {
        var request = Self.signed(query: "a=1")
        switch part {
        case "body": request.body = Array(#"{"tags": {"k": "w"}}"#.utf8)
        case "path": request.rawPath = "/devices/G030PM0123456780/finalize-claim"
        case "query": request.rawQuery = "a=2"
        case "method": request.method = "POST"
        case "host": request.headers = request.headers.map { $0.name == "Host" ? ($0.name, "127.0.0.1:8788") : $0 }
        case "content-type": request.headers = request.headers.map { $0.name == "Content-Type" ? ($0.name, "text/plain") : $0 }
        case "date-header":
            // One second later, same day: the scope still fits, the signature does not.
            request.headers = request.headers.map { $0.name == "X-Amz-Date" ? ($0.name, AmzDate(Self.now.addingTimeInterval(1)).timestamp) : $0 }
        case "signature":
            request.headers = request.headers.map {
                guard $0.name == "Authorization" else { return $0 }
                var value = $0.value
                let last = value.removeLast()
                return ($0.name, value + (last == "0" ? "1" : "0"))
            }
        default: Issue.record("unknown part \(part)")
        }
        let f = failure(request)
        #expect(f?.code == "InvalidSignatureException", "tampered \(part)")
        #expect(f?.reason == .signatureMismatch, "tampered \(part)")
    }

    @Test func unsignedExtraHeadersDoNotMatter() throws {
        var request = Self.signed()
        request.headers.append(("X-Forwarded-For", "10.0.0.1"))
        _ = try verify(request)
    }

    @Test func clockSkewUpToFiveMinutesIsAccepted() throws {
        _ = try verify(Self.signed(date: Self.now.addingTimeInterval(-300)))
        _ = try verify(Self.signed(date: Self.now.addingTimeInterval(300)))
    }

    @Test func clockSkewOverFiveMinutesIsRefusedWithTheSkew() {
        let behind = failure(Self.signed(date: Self.now.addingTimeInterval(-301)))
        #expect(behind?.code == "InvalidSignatureException")
        #expect(behind?.reason == .clockSkew(seconds: -301))
        #expect(behind?.message.contains("301 s behind") == true)
        let ahead = failure(Self.signed(date: Self.now.addingTimeInterval(3600)))
        #expect(ahead?.reason == .clockSkew(seconds: 3600))
        #expect(ahead?.message.contains("3600 s ahead of") == true)
    }

    @Test func scopeDateMustBeTheRequestDay() {
        var request = Self.signed()
        let day = AmzDate(Self.now).day
        request.headers = request.headers.map {
            $0.name == "Authorization" ? ($0.name, $0.value.replacingOccurrences(of: "/\(day)/", with: "/20200101/")) : $0
        }
        #expect(failure(request)?.reason == .invalidScope)
    }

    @Test(arguments: [
        "Basic dXNlcjpwYXNz",
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/us-east-1/iot1click/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws5_request, SignedHeaders=host;x-amz-date, Signature=00",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
    ])
    func malformedAuthorizationIsIncomplete(_ header: String) {
        var request = Self.signed()
        request.headers = request.headers.map { $0.name == "Authorization" ? ($0.name, header) : $0 }
        let f = failure(request)
        #expect(f?.code == "InvalidSignatureException")
        #expect(f?.reason == .incompleteSignature)
        #expect(f?.httpStatus == 403)
    }

    @Test func missingAmzDateIsIncomplete() {
        var request = Self.signed()
        request.headers.removeAll { $0.name == "X-Amz-Date" }
        #expect(failure(request)?.reason == .incompleteSignature)
    }

    @Test func hostMustBeSigned() {
        var request = Self.signed()
        request.headers = request.headers.map {
            $0.name == "Authorization" ? ($0.name, $0.value.replacingOccurrences(of: "content-type;host;x-amz-date", with: "content-type;x-amz-date")) : $0
        }
        #expect(failure(request)?.reason == .invalidScope)
    }

    @Test func cachedSigningKeysFollowTheSecret() throws {
        let verifier = SigV4Verifier()
        let request = Self.signed()
        _ = try verifier.verify(request, service: "iot1click", now: Self.now, lookup: Self.lookup)
        _ = try verifier.verify(request, service: "iot1click", now: Self.now, lookup: Self.lookup)
        // Same access key id, another secret (the file changed): the cached key must not be used.
        do {
            _ = try verifier.verify(request, service: "iot1click", now: Self.now) { _ in
                SigV4Identity(principal: "owner", accountId: "123456789012", secretAccessKey: "changed")
            }
            Issue.record("accepted with a changed secret")
        } catch {
            #expect(error.reason == .signatureMismatch)
        }
    }

    @Test func previousKeyGenerationIsReported() throws {
        let request = Self.signed()
        let principal = try SigV4Verifier().verify(request, service: "iot1click", now: Self.now) { _ in
            SigV4Identity(principal: "owner", accountId: "123456789012", secretAccessKey: Self.owner.secretAccessKey, generation: .previous)
        }
        #expect(principal.generation == .previous)
    }
}
