import Testing

@testable import ClaimService

/// Request lines to operations, exactly as the model's `http` blocks give them.
@Suite struct RoutesTests {
    @Test func everyOperationRoutes() {
        let arn = "arn%3Aaws%3Aiot1click%3Aus-east-1%3A123456789012%3Adevices%2FG030PM0123456789"
        let decoded = "arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789"
        let cases: [(String, String, ServiceOperation)] = [
            ("PUT", "/claims/C-ABC%2FDEF%20123", .claimDevicesByClaimCode(claimCode: "C-ABC/DEF 123")),
            ("GET", "/devices/G1", .describeDevice(deviceId: "G1")),
            ("PUT", "/devices/G1/finalize-claim", .finalizeDeviceClaim(deviceId: "G1")),
            ("GET", "/devices/G1/methods", .getDeviceMethods(deviceId: "G1")),
            ("PUT", "/devices/G1/initiate-claim", .initiateDeviceClaim(deviceId: "G1")),
            ("POST", "/devices/G1/methods", .invokeDeviceMethod(deviceId: "G1")),
            ("GET", "/devices/G1/events", .listDeviceEvents(deviceId: "G1")),
            ("GET", "/devices", .listDevices),
            ("GET", "/tags/" + arn, .listTagsForResource(resourceArn: decoded)),
            ("POST", "/tags/" + arn, .tagResource(resourceArn: decoded)),
            ("PUT", "/devices/G1/unclaim", .unclaimDevice(deviceId: "G1")),
            ("DELETE", "/tags/" + arn, .untagResource(resourceArn: decoded)),
            ("PUT", "/devices/G1/state", .updateDeviceState(deviceId: "G1")),
            ("PUT", "/devices/G1/registration", .registerDevice(deviceId: "G1")),
            ("GET", "/devices/G1/registration", .describeRegistration(deviceId: "G1")),
            ("POST", "/devices/G1/events", .ingestDeviceEvent(deviceId: "G1")),
        ]
        for (method, path, op) in cases {
            #expect(Routes.match(method: method, rawPath: path, target: nil) == .operation(op), "\(method) \(path)")
        }
        #expect(Routes.match(method: "POST", rawPath: "/", target: "AlexaForBusiness.RegisterAVSDevice") == .operation(.registerAVSDevice))
        #expect(Routes.match(method: "POST", rawPath: "/", target: "AlexaForBusiness.DeleteRoom") == .unknownTarget("AlexaForBusiness.DeleteRoom"))
    }

    @Test func unknownAndMalformed() {
        #expect(Routes.match(method: "PATCH", rawPath: "/devices/G1", target: nil) == .unknown)
        #expect(Routes.match(method: "GET", rawPath: "/nothing/here/at/all", target: nil) == .unknown)
        #expect(Routes.match(method: "GET", rawPath: "/", target: nil) == .unknown)
        // An unencoded ARN has a `/` of its own: it is not the tags route.
        #expect(Routes.match(method: "GET", rawPath: "/tags/arn:aws:iot1click:us-east-1:1:devices/G1", target: nil) == .unknown)
        if case .malformedPath = Routes.match(method: "GET", rawPath: "/devices/%zz", target: nil) {} else { Issue.record("bad escape accepted") }
        if case .malformedPath = Routes.match(method: "GET", rawPath: "/devices/%ff%fe", target: nil) {} else { Issue.record("non-UTF-8 accepted") }
        #expect(Routes.match(method: "GET", rawPath: "/devices/", target: nil) == .operation(.describeDevice(deviceId: "")))
    }

    @Test func queryParsing() throws {
        let q = try QueryParameters.parse("tagKeys=a&tagKeys=b%20c&fromTimeStamp=2018-01-01T00%3A00%3A00Z&flag")
        #expect(q.all("tagKeys") == ["a", "b c"])
        #expect(q.first("fromTimeStamp") == "2018-01-01T00:00:00Z")
        #expect(q.first("flag") == "")
        #expect(throws: ServiceError.self) { try QueryParameters.parse("a=%G0") }
    }

    @Test func httpDate() {
        #expect(HTTPDate.format(second: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(second: 1_794_268_800) == "Tue, 10 Nov 2026 00:00:00 GMT")
    }
}
