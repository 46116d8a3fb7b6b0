import Foundation
@testable import Lines
import Testing

@Suite("GPIO chip resolver")
struct GPIOChipResolverTests {
    @Test("a path, a name or a number names the node; a label does not")
    func nodePaths() {
        #expect(GPIOChipResolver.nodePath(of: "/dev/gpiochip4") == "/dev/gpiochip4")
        #expect(GPIOChipResolver.nodePath(of: "gpiochip0") == "/dev/gpiochip0")
        #expect(GPIOChipResolver.nodePath(of: "2", devDir: "/x") == "/x/gpiochip2")
        #expect(GPIOChipResolver.nodePath(of: "pinctrl-bcm2835") == nil)
        #expect(GPIOChipResolver.nodePath(of: "gpio-sim.0:node0") == nil)
    }

    @Test("what to wait for: the node when known, else any new chip")
    func awaitedPaths() {
        #expect(GPIOChipResolver.awaitedPath(of: "gpiochip1") == "/dev/gpiochip1")
        #expect(GPIOChipResolver.awaitedPath(of: "/dev/gpiochip7") == "/dev/gpiochip7")
        #expect(GPIOChipResolver.awaitedPath(of: "pinctrl-rp1") == "/dev/gpiochip")
        #expect(GPIOChipResolver.awaitedPath(of: nil) == "/dev/gpiochip")
    }

    @Test("a chip given by label is found among the chips by the label each reports")
    func labels() throws {
        let dev = FileManager.default.temporaryDirectory.appendingPathComponent("chips-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dev, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dev) }
        for name in ["gpiochip0", "gpiochip10", "gpiochip2", "gpiochipX"] {
            _ = FileManager.default.createFile(atPath: dev + "/" + name, contents: Data())
        }
        #expect(GPIOChipResolver.devicePaths(in: dev) == ["0", "2", "10"].map { "\(dev)/gpiochip\($0)" })
        // The labels the chips would report (libgpiod's chip info, which needs real chips).
        let labels = ["\(dev)/gpiochip0": "pinctrl-bcm2835", "\(dev)/gpiochip2": "raspberrypi-exp-gpio"]
        let asked = { (spec: String) in GPIOChipResolver.path(of: spec, devDir: dev, labelOf: { labels[$0] }) }
        #expect(asked("raspberrypi-exp-gpio") == dev + "/gpiochip2")
        #expect(asked("pinctrl-bcm2835") == dev + "/gpiochip0")
        #expect(asked("pinctrl-rp1") == nil)
        #expect(asked("10") == dev + "/gpiochip10")
        #expect(asked("gpiochip2") == dev + "/gpiochip2")
        #expect(asked("gpiochip3") == nil)
        #expect(asked(dev + "/gpiochip0") == dev + "/gpiochip0")
        // Through libgpiod, files that are not chips have no label.
        #expect(GPIOChipResolver.path(of: "pinctrl-bcm2835", devDir: dev) == nil)
    }
}
