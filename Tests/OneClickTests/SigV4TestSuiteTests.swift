import Foundation
import Testing
@testable import OneClick

/// Vectors of the AWS Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/
/// signature-v4-test-suite.html): credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
/// 2015-08-30T12:36:00Z, us-east-1, service "service", host example.amazonaws.com.
struct SigV4TestSuiteTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let signer = SigV4Signer(accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret, region: "us-east-1", service: "service")
    static let scopePrefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "

    @Test func amzDateOfTheSuite() {
        #expect(AmzDate(Self.date).timestamp == "20150830T123600Z")
        #expect(AmzDate(Self.date).day == "20150830")
        #expect(AmzDate(parsing: "20150830T123600Z")?.secondsSince1970 == 1_440_938_160)
    }

    @Test func getVanilla() {
        let signed = Self.signer.sign(method: "GET", host: "example.amazonaws.com", rawPath: "/", rawQuery: "",
                                      headers: [], body: [], date: Self.date)
        #expect(signed.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signed.stringToSign.hasSuffix("\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"))
        #expect(signed.authorization == Self.scopePrefix
                + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func getVanillaQueryOrderKeyCase() {
        let signed = Self.signer.sign(method: "GET", host: "example.amazonaws.com", rawPath: "/",
                                      rawQuery: "Param2=value2&Param1=value1", headers: [], body: [], date: Self.date)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "Param1=value1&Param2=value2")
        #expect(signed.authorization.hasSuffix("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
    }

    @Test func postVanilla() {
        let signed = Self.signer.sign(method: "POST", host: "example.amazonaws.com", rawPath: "/", rawQuery: "",
                                      headers: [], body: [], date: Self.date)
        #expect(signed.authorization.hasSuffix("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"))
    }

    @Test func postXWWWFormURLEncoded() {
        let signed = Self.signer.sign(method: "POST", host: "example.amazonaws.com", rawPath: "/", rawQuery: "",
                                      headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                      body: Array("Param1=value1".utf8), date: Self.date)
        #expect(signed.canonicalRequest.hasSuffix("\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"))
        #expect(signed.stringToSign.hasSuffix("\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"))
        #expect(signed.authorization == Self.scopePrefix
                + "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
    }

    @Test func getHeaderKeyDuplicateJoinsValuesInOrder() {
        let canonical = CanonicalRequest(method: "GET", rawPath: "/", rawQuery: "",
                                         headers: [("Host", "example.amazonaws.com"), ("My-Header1", "value2"),
                                                   ("My-Header1", "value2"), ("My-Header1", "value1"),
                                                   ("X-Amz-Date", "20150830T123600Z")], payload: [UInt8]())
        #expect(canonical.canonicalHeaders == "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n")
        #expect(canonical.signedHeaders == "host;my-header1;x-amz-date")
    }

    @Test func verifierAcceptsTheSuitesGetVanilla() throws {
        let request = SigV4Request(method: "GET", rawPath: "/", rawQuery: "", headers: [
            ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", Self.scopePrefix + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ], body: [])
        let principal = try SigV4Verifier().verify(request, service: "service", now: Self.date) { key in
            key == "AKIDEXAMPLE" ? SigV4Identity(principal: "example", accountId: "123456789012", secretAccessKey: Self.secret) : nil
        }
        #expect(principal == SigV4Principal(name: "example", accountId: "123456789012", accessKeyId: "AKIDEXAMPLE",
                                            region: "us-east-1", generation: .current,
                                            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                                            signedAt: 1_440_938_160))
    }
}
