import Foundation
import OneClick
import Testing

@testable import ClaimService

/// Describe, list, events, methods, state and tags as the owner sees them.
@Suite struct OwnerOperationTests {
    let range = [("fromTimeStamp", "2018-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z")]

    @Test(arguments: Backend.all) func listDevicesPaginatesAndFiltersByType(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        var ids: [String] = []
        for _ in 0..<5 {
            let id = newDeviceId()
            try await h.register(id)
            try await h.claim(id)
            ids.append(id)
        }
        var seen: [String] = []
        var token: String?
        repeat {
            var query = [("maxResults", "2")]
            if let token { query.append(("nextToken", token)) }
            let page = try await h.ok(.listDevices, as: ownerA, query: query, ListDevicesResponse.self)
            #expect((page.devices ?? []).count <= 2)
            seen += (page.devices ?? []).compactMap(\.deviceId)
            token = page.nextToken
        } while token != nil
        #expect(seen == ids.sorted())
        #expect(try await h.ok(.listDevices, as: ownerA, query: [("deviceType", "button")], ListDevicesResponse.self).devices?.count == 5)
        #expect(try await h.ok(.listDevices, as: ownerA, query: [("deviceType", "lamp")], ListDevicesResponse.self).devices?.count == 0)
        #expect(try await h.ok(.listDevices, as: otherB, ListDevicesResponse.self).devices == [])
        for bad in ["0", "251", "-1", "ten", ""] {
            await h.fails(.listDevices, as: ownerA, query: [("maxResults", bad)], "InvalidRequestException", 400)
        }
        await h.fails(.listDevices, as: ownerA, query: [("nextToken", "garbage")], "RangeNotSatisfiableException", 416)
    }

    @Test(arguments: Backend.all) func listDeviceEventsFiltersOnReportedTimeAndPaginates(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)   // one event at t0
        let t0 = h.clock.now
        for i in 1...6 {
            try await h.press(id, reported: WireTimestamp(microseconds: t0 + Int64(i) * 60_000_000).formatted)
        }
        let from = WireTimestamp(microseconds: t0 + 60_000_000).formatted
        let to = WireTimestamp(microseconds: t0 + 300_000_000).formatted
        var times: [String] = []
        var token: String?
        repeat {
            var query = [("fromTimeStamp", from), ("toTimeStamp", to), ("maxResults", "2")]
            if let token { query.append(("nextToken", token)) }
            let page = try await h.ok(.listDeviceEvents(deviceId: id), as: ownerA, query: query, ListDeviceEventsResponse.self)
            times += try (page.events ?? []).map { try JSONDecoder().decode(StdEvent.self, from: Data($0.stdEvent!.utf8)).reportedTime }
            token = page.nextToken
        } while token != nil
        #expect(times == (1...5).map { WireTimestamp(microseconds: t0 + Int64($0) * 60_000_000).formatted })
        // The flat stdEvent form.
        let page = try await h.ok(.listDeviceEvents(deviceId: id), as: ownerA, query: range + [("maxResults", "1")], ListDeviceEventsResponse.self)
        let object = try JSONSerialization.jsonObject(with: Data(page.events![0].stdEvent!.utf8)) as! [String: Any]
        #expect(Set(object.keys) == ["clickType", "reportedTime", "remainingLife", "testMode"])
        #expect(object["testMode"] as? Bool == false)
        // A token of another listing (other range) is 416.
        let other = [("fromTimeStamp", "2019-01-01T00:00:00Z"), ("toTimeStamp", "2030-01-01T00:00:00Z"), ("nextToken", page.nextToken!)]
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA, query: other, "RangeNotSatisfiableException", 416)
        // from after to is 416; missing or malformed times are 400.
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA,
                      query: [("fromTimeStamp", "2030-01-01T00:00:00Z"), ("toTimeStamp", "2018-01-01T00:00:00Z")],
                      "RangeNotSatisfiableException", 416)
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA, query: [("toTimeStamp", "2018-01-01T00:00:00Z")], "InvalidRequestException", 400)
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA, query: [("fromTimeStamp", "soon"), ("toTimeStamp", "2018-01-01T00:00:00Z")], "InvalidRequestException", 400)
        await h.fails(.listDeviceEvents(deviceId: id), as: ownerA, query: range + [("maxResults", "300")], "InvalidRequestException", 400)
    }

    @Test(arguments: Backend.all) func methods(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        let methods = try await h.ok(.getDeviceMethods(deviceId: id), as: ownerA, GetDeviceMethodsResponse.self)
        #expect(methods.deviceMethods?.compactMap(\.methodName) == ButtonMethodName.allCases.map(\.rawValue))
        let health = try await h.ok(.invokeDeviceMethod(deviceId: id), as: ownerA,
                                    body: #"{"deviceMethod":{"deviceType":"device","methodName":"getDeviceHealthParameters"}}"#,
                                    InvokeDeviceMethodResponse.self)
        #expect(health.deviceMethodResponse == #"{"remainingLife":99.5}"#)
        for (set, get) in [("setOnClickCallback", "getOnClickCallback"), ("setDeviceHealthMonitorCallback", "getDeviceHealthMonitorCallback")] {
            let params = #"{\"callback\":{\"url\":\"https://example.com/\#(set)\"}}"#
            _ = try await h.ok(.invokeDeviceMethod(deviceId: id), as: ownerA,
                               body: #"{"deviceMethod":{"deviceType":"button","methodName":"\#(set)"},"deviceMethodParameters":"\#(params)"}"#,
                               InvokeDeviceMethodResponse.self)
            let got = try await h.ok(.invokeDeviceMethod(deviceId: id), as: ownerA,
                                     body: #"{"deviceMethod":{"deviceType":"button","methodName":"\#(get)"}}"#, InvokeDeviceMethodResponse.self)
            #expect(got.deviceMethodResponse == #"{"callback":{"url":"https://example.com/\#(set)"}}"#)
        }
        for bad in [
            #"{"deviceMethod":{"methodName":"SetLed"}}"#,
            #"{"deviceMethod":{}}"#,
            #"{"deviceMethod":{"methodName":"setOnClickCallback"},"deviceMethodParameters":"not json"}"#,
            #"{"deviceMethod":{"methodName":"setOnClickCallback"},"deviceMethodParameters":"{\"callback\":{\"url\":\"ftp://x\"}}"}"#,
            #"{"deviceMethod":{"methodName":"setOnClickCallback"}}"#,
            #"{"deviceMethod":{"deviceType":"lamp","methodName":"getOnClickCallback"}}"#,
        ] {
            await h.fails(.invokeDeviceMethod(deviceId: id), as: ownerA, body: bad, "InvalidRequestException", 400)
        }
        await h.fails(.getDeviceMethods(deviceId: id), as: otherB, "ResourceNotFoundException", 404)
        await h.fails(.invokeDeviceMethod(deviceId: id), as: otherB, body: #"{"deviceMethod":{"methodName":"getOnClickCallback"}}"#, "ResourceNotFoundException", 404)
    }

    @Test(arguments: Backend.all) func updateDeviceState(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        _ = try await h.ok(.updateDeviceState(deviceId: id), as: ownerA, body: #"{"enabled":false}"#, UpdateDeviceStateResponse.self)
        #expect(try await h.ok(.describeDevice(deviceId: id), as: ownerA, DescribeDeviceResponse.self).deviceDescription?.enabled == false)
        await h.fails(.updateDeviceState(deviceId: id), as: ownerA, body: "{}", "InvalidRequestException", 400)
        await h.fails(.updateDeviceState(deviceId: id), as: ownerA, body: #"{"enabled":"yes"}"#, "InvalidRequestException", 400)
        await h.fails(.updateDeviceState(deviceId: id), as: otherB, body: #"{"enabled":true}"#, "ResourceNotFoundException", 404)
    }

    @Test(arguments: Backend.all) func tags(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id, tags: #"{"tags":{"a":"1"}}"#)
        let arn = "arn:aws:iot1click:us-east-1:111122223333:devices/\(id)"
        #expect(await h.call(.tagResource(resourceArn: arn), as: ownerA, body: #"{"tags":{"b":"2","c":""}}"#) == .success(.noContent))
        #expect(try await h.ok(.listTagsForResource(resourceArn: arn), as: ownerA, ListTagsForResourceResponse.self).tags == ["a": "1", "b": "2", "c": ""])
        #expect(await h.call(.untagResource(resourceArn: arn), as: ownerA, query: [("tagKeys", "a"), ("tagKeys", "c")]) == .success(.noContent))
        #expect(try await h.ok(.listTagsForResource(resourceArn: arn), as: ownerA, ListTagsForResourceResponse.self).tags == ["b": "2"])
        // Any region in the ARN names the same device; another account's ARN does not.
        #expect(try await h.ok(.listTagsForResource(resourceArn: arn.replacingOccurrences(of: "us-east-1", with: "eu-west-1")), as: ownerA, ListTagsForResourceResponse.self).tags == ["b": "2"])
        await h.fails(.listTagsForResource(resourceArn: arn), as: otherB, "ResourceNotFoundException", 404)
        await h.fails(.tagResource(resourceArn: arn), as: otherB, body: #"{"tags":{"x":"1"}}"#, "ResourceNotFoundException", 404)
        await h.fails(.untagResource(resourceArn: arn), as: otherB, query: [("tagKeys", "b")], "ResourceNotFoundException", 404)
        await h.fails(.listTagsForResource(resourceArn: "not-an-arn"), as: ownerA, "ResourceNotFoundException", 404)
        await h.fails(.tagResource(resourceArn: "not-an-arn"), as: ownerA, body: #"{"tags":{"x":"1"}}"#, "InvalidRequestException", 400)
        // Limits.
        for bad in [#"{"tags":{"aws:name":"x"}}"#, #"{"tags":{"AWS:name":"x"}}"#, #"{"tags":{"":"x"}}"#,
                    "{\"tags\":{\"\(String(repeating: "k", count: 129))\":\"x\"}}",
                    "{\"tags\":{\"k\":\"\(String(repeating: "v", count: 257))\"}}", "{}", #"{"tags":[]}"#] {
            await h.fails(.tagResource(resourceArn: arn), as: ownerA, body: bad, "InvalidRequestException", 400)
        }
        let fortyNine = (0..<49).map { "\"t\($0)\":\"v\"" }.joined(separator: ",")
        #expect(await h.call(.tagResource(resourceArn: arn), as: ownerA, body: "{\"tags\":{\(fortyNine)}}") == .success(.noContent))
        await h.fails(.tagResource(resourceArn: arn), as: ownerA, body: #"{"tags":{"one-too-many":"v"}}"#, "InvalidRequestException", 400)
        await h.fails(.untagResource(resourceArn: arn), as: ownerA, "InvalidRequestException", 400)
        await h.fails(.untagResource(resourceArn: arn), as: ownerA, query: [("tagKeys", "aws:x")], "InvalidRequestException", 400)
    }
}
