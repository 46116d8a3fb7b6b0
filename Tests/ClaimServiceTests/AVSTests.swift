import Foundation
import OneClick
import Testing

@testable import ClaimService

/// RegisterAVSDevice: validation of every field, and when each modeled error happens.
@Suite struct AVSTests {
    static let room = "arn:aws:a4b:us-east-1:111122223333:room/kitchen"

    func body(_ over: [String: Any?] = [:]) -> String {
        var base: [String: Any] = ["ClientId": "amzn1.application-oa2-client.0123", "UserCode": "ABC123", "ProductId": "my_product",
                                   "DeviceSerialNumber": "SN0123456789", "AmazonId": "A1B2C3D4E5"]
        for (k, v) in over {
            if let v { base[k] = v } else { base.removeValue(forKey: k) }
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: base), as: UTF8.self)
    }

    @Test(arguments: Backend.all) func registersAndRepeatsIdempotently(_ backend: Backend) async throws {
        let h = try await Harness.make(backend) { $0.rooms = [Self.room] }
        let first = try await h.ok(.registerAVSDevice, as: ownerA, body: body(["RoomArn": Self.room, "Tags": [["Key": "k", "Value": "v"]]]), RegisterAVSDeviceResponse.self)
        let arn = try #require(first.DeviceArn)
        #expect(arn.hasPrefix("arn:aws:a4b:us-east-1:111122223333:device/"))
        #expect(AVSValidation.isArn(arn))
        let again = try await h.ok(.registerAVSDevice, as: ownerA, body: body(["RoomArn": Self.room, "Tags": [["Key": "k", "Value": "v"]]]), RegisterAVSDeviceResponse.self)
        #expect(again.DeviceArn == arn)
        // Another account registering the same serial gets its own device.
        let other = try await h.ok(.registerAVSDevice, as: otherB, body: body(), RegisterAVSDeviceResponse.self)
        #expect(other.DeviceArn != arn)
        #expect(try await h.ok(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": nil]), RegisterAVSDeviceResponse.self).DeviceArn != nil)
    }

    @Test(arguments: Backend.all) func modeledErrors(_ backend: Backend) async throws {
        let h = try await Harness.make(backend) { $0.rooms = [Self.room]; $0.avsDevicesPerAccount = 2 }
        await h.fails(.registerAVSDevice, as: ownerA, body: body(["RoomArn": "arn:aws:a4b:us-east-1:111122223333:room/attic"]), "NotFoundException", 400)
        _ = try await h.ok(.registerAVSDevice, as: ownerA, body: body(), RegisterAVSDeviceResponse.self)
        await h.fails(.registerAVSDevice, as: ownerA, body: body(["ProductId": "another_product"]), "InvalidDeviceException", 400)
        _ = try await h.ok(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": "SN2"]), RegisterAVSDeviceResponse.self)
        await h.fails(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": "SN3"]), "LimitExceededException", 400)
        // A repeat of a registered device is not a new one: no limit.
        _ = try await h.ok(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": "SN2"]), RegisterAVSDeviceResponse.self)
        // While a registration of the same device is being written, another is refused.
        #expect(h.core.avsGuard.begin("111122223333|serial:SN2"))
        await h.fails(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": "SN2"]), "ConcurrentModificationException", 400)
        h.core.avsGuard.end("111122223333|serial:SN2")
        _ = try await h.ok(.registerAVSDevice, as: ownerA, body: body(["DeviceSerialNumber": "SN2"]), RegisterAVSDeviceResponse.self)
    }

    /// Each is a JSON patch over a valid request; `null` removes the member.
    @Test(arguments: [
        #"{"ClientId":"has space"}"#, #"{"ClientId":""}"#, "{\"ClientId\":\"\(String(repeating: "x", count: 257))\"}", #"{"ClientId":"a\tb"}"#,
        #"{"UserCode":""}"#, "{\"UserCode\":\"\(String(repeating: "u", count: 129))\"}",
        #"{"ProductId":"my-product"}"#, #"{"ProductId":""}"#, "{\"ProductId\":\"\(String(repeating: "p", count: 257))\"}",
        #"{"DeviceSerialNumber":"SN-1"}"#, "{\"DeviceSerialNumber\":\"\(String(repeating: "S", count: 51))\"}", #"{"DeviceSerialNumber":""}"#,
        "{\"AmazonId\":\"\(String(repeating: "A", count: 19))\"}", #"{"AmazonId":"A1-B2"}"#, #"{"AmazonId":""}"#,
        #"{"RoomArn":"room-1"}"#, #"{"RoomArn":"arn:aws:a4b:us-east-1:111122223333:/room/x"}"#,
        #"{"Tags":[{"Key":"bad!","Value":"v"}]}"#, #"{"Tags":[{"Key":"","Value":"v"}]}"#,
        "{\"Tags\":[{\"Key\":\"\(String(repeating: "k", count: 129))\",\"Value\":\"v\"}]}",
        "{\"Tags\":[{\"Key\":\"k\",\"Value\":\"\(String(repeating: "v", count: 257))\"}]}",
        #"{"Tags":[{"Key":"k","Value":"v!"}]}"#, #"{"Tags":[{"Value":"v"}]}"#, #"{"Tags":"k=v"}"#,
        #"{"ClientId":null}"#, #"{"UserCode":null}"#, #"{"ProductId":null}"#, #"{"AmazonId":null}"#, #"{"ClientId":5}"#,
    ])
    func fieldValidation(patch: String) async throws {
        let h = try Harness()
        let over = try JSONSerialization.jsonObject(with: Data(patch.utf8)) as! [String: Any]
        var merged = try JSONSerialization.jsonObject(with: Data(body().utf8)) as! [String: Any]
        for (k, v) in over { if v is NSNull { merged.removeValue(forKey: k) } else { merged[k] = v } }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: merged), as: UTF8.self)
        await h.fails(.registerAVSDevice, as: ownerA, body: text, "ValidationException", 400)
    }

    @Test func tagTextAllowsUnicodeLettersAndSpaces() {
        #expect(AVSValidation.isTagText("Küche 2 _.:/=+-@"))
        #expect(!AVSValidation.isTagText("a!"))
    }
}
