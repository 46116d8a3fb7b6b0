import OneClick
import Presses
import Testing
@testable import ClaimService

/// The hand-written device bodies are byte for byte what JSONEncoder writes, on random devices
/// whose strings hold quotes, backslashes, slashes, every control character and non-ASCII text.
struct DeviceJSONTests {
    static let alphabet: [String] = ["a", "Z", "0", "-", "_", ":", "/", "\"", "\\", " ", "é", "e\u{301}", "ß", "😀", "\u{2028}", "\u{7f}"]
        + (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }

    static func text(_ rng: inout SplitMix64, maxLength: Int = 12) -> String {
        let count = Int(rng.next() % UInt64(maxLength + 1))
        return (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
    }

    static func map(_ rng: inout SplitMix64) -> [String: String] {
        var map: [String: String] = [:]
        for _ in 0..<Int(rng.next() % 5) { map[text(&rng, maxLength: 6)] = text(&rng) }
        return map
    }

    static func life(_ rng: inout SplitMix64) -> Double {
        switch rng.next() % 6 {
        case 0: return Double(rng.next() % 101)                         // whole percentages
        case 1: return Double(rng.next() % 1001) / 10                   // one decimal, as devices report
        case 2: return Double(rng.next() % (1 << 53)) / Double(1 << 53) * 100  // any double in 0...100
        case 3: return Double(rng.next() % 1000) * 1e-9                 // tiny: exponent form
        case 4: return [0, -0.0, 100, 0.1, 33.333333333333336, 1e-4, 0.0001234][Int(rng.next() % 7)]
        default: return Double(bitPattern: rng.next())                  // anything, NaN included
        }
    }

    static func device(_ rng: inout SplitMix64) -> DeviceDescription {
        func maybe<T>(_ value: T) -> T? { rng.next() % 5 == 0 ? nil : value }
        return DeviceDescription(arn: maybe(text(&rng, maxLength: 40)), attributes: maybe(map(&rng)), deviceId: maybe(text(&rng)),
                                 enabled: maybe(rng.next() % 2 == 0), remainingLife: maybe(life(&rng)), type: maybe(text(&rng)),
                                 tags: maybe(map(&rng)))
    }

    @Test func describeDeviceIsWhatTheEncoderWrites() {
        var rng = SplitMix64(seed: 0xDE5C_41BE)
        var written = 0
        for _ in 0..<5000 {
            let response = DescribeDeviceResponse(deviceDescription: rng.next() % 20 == 0 ? nil : Self.device(&rng))
            guard let bytes = DeviceJSON.describeDevice(response) else {
                // Only a number JSONEncoder spells with an exponent, or one it cannot encode, is left to it.
                let life = response.deviceDescription?.remainingLife
                #expect(life.map { !$0.isFinite || $0.description.contains("e") } == true, "\(String(describing: life))")
                continue
            }
            written += 1
            let expected = JSONWire.encode(response)
            #expect(bytes == expected, "\(String(decoding: bytes, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
        }
        #expect(written > 3500)
    }

    @Test func listDevicesIsWhatTheEncoderWrites() {
        var rng = SplitMix64(seed: 0x11575)
        for _ in 0..<1000 {
            let devices = rng.next() % 10 == 0 ? nil : (0..<Int(rng.next() % 4)).map { _ in Self.device(&rng) }
            let response = ListDevicesResponse(devices: devices, nextToken: rng.next() % 2 == 0 ? nil : Self.text(&rng, maxLength: 30))
            guard let bytes = DeviceJSON.listDevices(response) else { continue }
            #expect(bytes == JSONWire.encode(response))
        }
    }

    @Test func aRealDeviceBody() throws {
        let body = try #require(DeviceJSON.describeDevice(DescribeDeviceResponse(deviceDescription: DeviceDescription(
            arn: "arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789", attributes: [:], deviceId: "G030PM0123456789",
            enabled: true, remainingLife: 99.5, type: "button", tags: ["room": "hall", "floor": "2"]))))
        #expect(String(decoding: body, as: UTF8.self) == #"{"deviceDescription":{"arn":"arn:aws:iot1click:us-east-1:123456789012:devices/G030PM0123456789","attributes":{},"deviceId":"G030PM0123456789","enabled":true,"remainingLife":99.5,"tags":{"floor":"2","room":"hall"},"type":"button"}}"#)
    }
}
