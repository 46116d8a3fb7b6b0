import Foundation
import OneClick
import Testing

@Suite struct LowercaseUUIDTests {
    @Test func randomUUIDsAreVersion4AndDistinct() {
        let uuids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(uuids).count == uuids.count)
        for uuid in uuids {
            #expect(uuid.uuid.6 >> 4 == 4)          // version 4
            #expect(uuid.uuid.8 >> 6 == 0b10)       // RFC 4122 variant
            #expect(UUID(uuidString: uuid.lowercasedString) == uuid)
        }
        // The other 122 bits vary: every one of them is set in some UUID and clear in another.
        var seenSet = [UInt8](repeating: 0, count: 16), seenClear = [UInt8](repeating: 0, count: 16)
        for uuid in uuids {
            withUnsafeBytes(of: uuid.uuid) { bytes in
                for i in 0..<16 {
                    seenSet[i] |= bytes[i]
                    seenClear[i] |= ~bytes[i]
                }
            }
        }
        #expect(seenSet == [255, 255, 255, 255, 255, 255, 0x4F, 255, 0xBF, 255, 255, 255, 255, 255, 255, 255])
        #expect(seenClear == [255, 255, 255, 255, 255, 255, 0xBF, 255, 0x7F, 255, 255, 255, 255, 255, 255, 255])
    }

    @Test func matchesFoundationsSpellingInLowerCase() {
        var uuids = (0..<2_000).map { _ in UUID() }
        uuids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        uuids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        uuids.append(UUID(uuidString: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9")!)
        for uuid in uuids {
            #expect(uuid.lowercasedString == uuid.uuidString.lowercased())
        }
    }
}
