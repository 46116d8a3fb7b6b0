import Testing
@testable import OneClick

struct CanonicalRequestTests {
    @Test func pathIsEncodedOnceMoreAsBotocoreDoes() {
        // As botocore signs: %3A in the wire path becomes %253A in the canonical URI.
        #expect(CanonicalRequest.canonicalURI(rawPath: "/tags/arn%3Aaws%3Aiot1click%3Aus-east-1%3A123456789012%3Adevices%2FG030PM0123456789")
                == "/tags/arn%253Aaws%253Aiot1click%253Aus-east-1%253A123456789012%253Adevices%252FG030PM0123456789")
        #expect(CanonicalRequest.canonicalURI(rawPath: "/claims/C-ABC%2FDEF%20123") == "/claims/C-ABC%252FDEF%2520123")
        #expect(CanonicalRequest.canonicalURI(rawPath: "/devices/G030PM0123456789/finalize-claim") == "/devices/G030PM0123456789/finalize-claim")
    }

    @Test func pathNormalization() {
        #expect(CanonicalRequest.canonicalURI(rawPath: "") == "/")
        #expect(CanonicalRequest.canonicalURI(rawPath: "/") == "/")
        #expect(CanonicalRequest.canonicalURI(rawPath: "/devices/") == "/devices/")
        #expect(CanonicalRequest.canonicalURI(rawPath: "//devices//x") == "/devices/x")
        #expect(CanonicalRequest.canonicalURI(rawPath: "/a/./b/../c") == "/a/c")
        #expect(CanonicalRequest.normalizePath("/a/b/..") == "/a")
        #expect(CanonicalRequest.normalizePath("/a/b/../") == "/a/")
        #expect(CanonicalRequest.normalizePath("/../..") == "/")
        #expect(CanonicalRequest.normalizePath("/./") == "/")
        #expect(CanonicalRequest.normalizePath("a/b") == "a/b")
        #expect(CanonicalRequest.normalizePath("/..a/.b./...") == "/..a/.b./...")
        #expect(CanonicalRequest.normalizePath("/d%C3%A9j%C3%A0//vu/") == "/d%C3%A9j%C3%A0/vu/")
    }

    @Test func queryIsSortedByKeyThenValueAndReencoded() {
        #expect(CanonicalRequest.canonicalQuery(rawQuery: "tagKeys=b&tagKeys=a&maxResults=5") == "maxResults=5&tagKeys=a&tagKeys=b")
        #expect(CanonicalRequest.canonicalQuery(rawQuery: "fromTimeStamp=2018-01-01T00:00:00Z") == "fromTimeStamp=2018-01-01T00%3A00%3A00Z")
        #expect(CanonicalRequest.canonicalQuery(rawQuery: "a=x+y&b&c=%7e") == "a=x%2By&b=&c=~")
        #expect(CanonicalRequest.canonicalQuery(rawQuery: "") == "")
    }

    @Test func headerValuesAreTrimmedAndCollapsed() {
        #expect(CanonicalRequest.normalizeHeaderValue("  a   b\tc  ") == "a b c")
        #expect(CanonicalRequest.normalizeHeaderValue("") == "")
        #expect(CanonicalRequest.normalizeHeaderValue(" \t ") == "")
        #expect(CanonicalRequest.normalizeHeaderValue("application/x-amz-json-1.1") == "application/x-amz-json-1.1")
        #expect(CanonicalRequest.normalizeHeaderValue("a\t\t b  é ") == "a b é")
    }

    @Test func percentEncoding() {
        #expect(AWSPercentEncoding.encode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(AWSPercentEncoding.encode("a b/c:ሴ") == "a%20b%2Fc%3A%E1%88%B4")
        #expect(AWSPercentEncoding.encode("/a b/", keepSlash: true) == "/a%20b/")
        #expect(AWSPercentEncoding.decode("a%20b%2fc%zz%") == "a b/c%zz%")
    }

    @Test func amzDateParsingRejectsGarbage() {
        #expect(AmzDate(parsing: "20150830T123600") == nil)
        #expect(AmzDate(parsing: "2015-08-30T12:36:00Z") == nil)
        #expect(AmzDate(parsing: "20151330T123600Z") == nil)
        #expect(AmzDate(parsing: "20000229T000000Z")?.timestamp == "20000229T000000Z")
        #expect(AmzDate(secondsSince1970: -1).timestamp == "19691231T235959Z")
    }

    /// Every string of up to `length` symbols from `alphabet`.
    static func allStrings(of alphabet: [String], upTo length: Int) -> [String] {
        var all = [""], last = [""]
        for _ in 0..<length {
            last = last.flatMap { prefix in alphabet.map { prefix + $0 } }
            all += last
        }
        return all
    }

    // The quick checks let most paths and header values through unchanged; on every short string
    // they must agree exactly with the long way round.
    @Test func pathQuickCheckAgreesWithTheLongWay() {
        for path in Self.allStrings(of: ["/", ".", "a"], upTo: 7) where !path.isEmpty {
            #expect(CanonicalRequest.isNormalized(path) == (CanonicalRequest.rebuiltPath(path) == path), "\(path)")
        }
    }

    @Test func headerValueQuickCheckAgreesWithTheLongWay() {
        for value in Self.allStrings(of: [" ", "\t", "\r", "\n", "a"], upTo: 6) {
            #expect(CanonicalRequest.isNormalizedHeaderValue(value) == (CanonicalRequest.collapsedWhitespace(value) == value), "\(value.debugDescription)")
        }
    }

    @Test func amzDateFormatsLikeItsParts() {
        // The digit-by-digit formatter against padded parts, across leap days, month ends and
        // years of fewer than four digits; beyond four digits both take the long way.
        for seconds in stride(from: Int64(-62_167_219_200), through: 253_402_300_799, by: 86_400 * 37 + 3_661) {
            let date = AmzDate(secondsSince1970: seconds)
            let text = date.timestamp
            #expect(text.count == 16 && date.day == String(text.prefix(8)))
            #expect(AmzDate(parsing: text) == date, "\(seconds) \(text)")
        }
    }

    @Test func constantTimeEquals() {
        #expect(SigV4Crypto.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!SigV4Crypto.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!SigV4Crypto.constantTimeEquals([1, 2, 3], [1, 2]))
    }
}
