import Testing
@testable import OneClick

/// The Authorization header's parts, as the parser takes them apart, and its words when a part
/// is missing or malformed.
struct SigV4AuthorizationTests {
    static let expected = SigV4Authorization(accessKeyId: "AKIAOWNER", day: "20261122", region: "us-east-1", service: "iot1click",
                                             signedHeaders: ["content-type", "host", "x-amz-date"], signature: "0f1e2d")

    @Test(arguments: [
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f1e2d",
        // botocore's form has no spaces after the commas; others put spaces and tabs anywhere.
        "AWS4-HMAC-SHA256 Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=0f1e2d",
        "  AWS4-HMAC-SHA256 \t Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request ,\tSignedHeaders=content-type;host;x-amz-date\t, Signature=0f1e2d  ",
        // Order, unknown parameters, parts without '=', empty parts, and header names in capitals.
        "AWS4-HMAC-SHA256 Signature=0f1e2d,, Extra=1, junk, SignedHeaders=Content-Type;HOST;;x-amz-date, Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request",
        // A parameter given twice counts with its last value.
        "AWS4-HMAC-SHA256 Credential=AKIAOTHER/20261122/us-east-1/iot1click/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ffff, Signature=0f1e2d, Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request",
    ])
    func parsesEveryForm(_ header: String) throws {
        #expect(try SigV4Authorization.parse(header) == Self.expected)
    }

    @Test func valuesKeepTheirEqualsSigns() throws {
        let parsed = try SigV4Authorization.parse("AWS4-HMAC-SHA256 Credential=AK=1/20261122/r/s/aws4_request, SignedHeaders=host, Signature=a=b")
        #expect(parsed.accessKeyId == "AK=1")
        #expect(parsed.signature == "a=b")
    }

    @Test(arguments: [
        ("Basic dXNlcjpwYXNz", "Unsupported Authorization type 'Basic': sign requests with AWS4-HMAC-SHA256 (AWS Signature Version 4)."),
        ("AWS4-HMAC-SHA256", "Unsupported Authorization type 'AWS4-HMAC-SHA256'"),
        ("AWS4-HMAC-SHA256x Credential=a", "Unsupported Authorization type 'AWS4-HMAC-SHA256x'"),
        ("AWS4-HMAC-SHA256 Credential=AKIAOWNER/20261122/us-east-1/iot1click/aws4_request",
         "Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential="),
        ("AWS4-HMAC-SHA256 Credential=AKIAOWNER/us-east-1/iot1click/aws4_request, SignedHeaders=host, Signature=00",
         "Credential 'AKIAOWNER/us-east-1/iot1click/aws4_request' is malformed: expected 'ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request'."),
        ("AWS4-HMAC-SHA256 Credential=AKIAOWNER//us-east-1/iot1click/aws4_request, SignedHeaders=host, Signature=00", "is malformed"),
        ("AWS4-HMAC-SHA256 Credential=A/20261122/r/s/aws5_request, SignedHeaders=host, Signature=00", "is malformed"),
        ("AWS4-HMAC-SHA256 Credential=A/20261122/r/s/aws4_request, SignedHeaders=;, Signature=00",
         "Authorization header has an empty 'SignedHeaders' or 'Signature' parameter."),
        ("AWS4-HMAC-SHA256 Credential=A/20261122/r/s/aws4_request, SignedHeaders=host, Signature=", "an empty 'SignedHeaders' or 'Signature'"),
    ])
    func refusesWithWhatIsWrong(_ header: String, _ says: String) {
        do {
            _ = try SigV4Authorization.parse(header)
            Issue.record("accepted \(header)")
        } catch {
            #expect(error.reason == .incompleteSignature)
            #expect(error.message.contains(says), "\(error.message)")
        }
    }
}
