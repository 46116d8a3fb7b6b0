import Foundation
import Lines
import Testing
@testable import Bridge

@Suite struct SourcePresenceTests {
    private static func gpio(_ chip: String?) -> ButtonSource {
        .gpio(GPIOLineConfig(chip: chip, line: "GPIO17"))
    }

    @Test func aChipIsLookedForWhereTheSourcesLookForIt() throws {
        let dev = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dev) }
        _ = FileManager.default.createFile(atPath: dev + "/gpiochip0", contents: Data())
        for chip in ["gpiochip0", "0", dev + "/gpiochip0"] {
            #expect(SourcePresence.path(of: Self.gpio(chip), devDir: dev) == dev + "/gpiochip0")
            #expect(SourcePresence.isPresent(Self.gpio(chip), devDir: dev))
        }
        #expect(!SourcePresence.isPresent(Self.gpio("gpiochip1"), devDir: dev))
        #expect(!SourcePresence.isPresent(Self.gpio("1"), devDir: dev))
        // A line looked up by name on every chip has no one node to miss.
        #expect(SourcePresence.isPresent(Self.gpio(nil), devDir: dev))
    }

    @Test func aLabelIsALabelOfAChipNotAFileName() throws {
        let dev = try makeTemporaryDirectory()
        defer { removeTemporaryDirectory(dev) }
        // Before the chip resolver was shared, a label was taken for a node under /dev: a file of
        // that name made it "present", and a real chip with that label was MISSING.
        _ = FileManager.default.createFile(atPath: dev + "/pinctrl-bcm2835", contents: Data())
        _ = FileManager.default.createFile(atPath: dev + "/gpiochip0", contents: Data())  // not a chip: no label
        #expect(SourcePresence.path(of: Self.gpio("pinctrl-bcm2835"), devDir: dev) == nil)
        #expect(!SourcePresence.isPresent(Self.gpio("pinctrl-bcm2835"), devDir: dev))
    }
}
