import Foundation
@testable import Lines
import Testing

@Suite("doctor")
struct DoctorTests {
    @Test("on this machine: a report through the real libraries, and a clear word when there is no hardware")
    func thisMachine() {
        let report = Doctor.examine()
        #expect(report.libraries.hasPrefix("libgpiod \(GPIOLibrary.version)"))
        let text = report.render()
        let hasChips = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).contains { $0.hasPrefix("gpiochip") }
        let hasInputs = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/input")) ?? []).contains { $0.hasPrefix("event") }
        #expect(report.chips.isEmpty == !hasChips)
        #expect(report.inputs.isEmpty == !hasInputs)
        if !hasChips && !hasInputs {
            #expect(text.contains("GPIO chips: none"))
            #expect(text.contains("Input devices: none"))
            #expect(text.contains("This machine has no GPIO chips and no input devices"))
            #expect(report.problems.isEmpty)
        }
    }

    @Test("device nodes that are not what their names say are reported as problems, not crashes")
    func fakeNodes() throws {
        let dev = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dev.appendingPathComponent("input/by-id"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dev) }
        _ = FileManager.default.createFile(atPath: dev.appendingPathComponent("gpiochip0").path, contents: Data())
        _ = FileManager.default.createFile(atPath: dev.appendingPathComponent("gpiochipX").path, contents: Data())  // not a chip name
        _ = FileManager.default.createFile(atPath: dev.appendingPathComponent("input/event3").path, contents: Data())
        try FileManager.default.createSymbolicLink(atPath: dev.appendingPathComponent("input/by-id/usb-button-event-kbd").path,
                                                   withDestinationPath: "../event3")
        let report = Doctor.examine(devDir: dev.path)
        #expect(report.chips.map(\.name) == ["gpiochip0"])
        #expect(report.chips.first?.error?.contains("cannot open GPIO chip") == true)
        #expect(report.inputs.map(\.path) == [dev.appendingPathComponent("input/event3").path])
        #expect(report.inputs.first?.links == [dev.appendingPathComponent("input/by-id/usb-button-event-kbd").path])
        #expect(report.inputs.first?.error?.contains("is not an input device") == true)
        #expect(report.problems.count == 2)
        let text = report.render()
        #expect(text.contains("To fix:"))
        #expect(!text.contains("This machine has no GPIO chips"))
    }

    @Test("rendering lists lines with their consumers and keys")
    func rendering() {
        var report = DoctorReport(libraries: "libgpiod 2.1.3 (API 2), libevdev (linked)")
        report.chips = [DoctorReport.Chip(path: "/dev/gpiochip0", name: "gpiochip0", label: "gpio-sim.0:node0", lines: [
            DoctorReport.Line(offset: 0, name: "button", consumer: "clickbridge", used: true, output: false),
            DoctorReport.Line(offset: 1, name: "", consumer: "", used: false, output: true),
        ], error: nil)]
        report.inputs = [DoctorReport.InputDevice(path: "/dev/input/event0", name: "ktier-virtual-keyboard", links: [], keys: ["KEY_A", "KEY_B"], error: nil)]
        let text = report.render()
        #expect(text.contains("gpiochip0 [gpio-sim.0:node0] /dev/gpiochip0, 2 lines"))
        #expect(text.contains("button") && text.contains("used by \"clickbridge\""))
        #expect(text.contains("(unnamed)") && text.contains("output") && text.contains("free"))
        #expect(text.contains("/dev/input/event0 \"ktier-virtual-keyboard\""))
        #expect(text.contains("keys: KEY_A KEY_B"))
        #expect(text.contains("No problems found."))
    }
}
