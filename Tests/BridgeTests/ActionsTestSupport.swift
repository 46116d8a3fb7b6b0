import Bridge
import Foundation
import Presses
import TestSupport

/// A fresh directory in the tests' scratch directory, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() throws {
        path = testScratch.appendingPathComponent("clickbridge-actions-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func sampleEvent(_ id: String = "6f1c1f0e-3a51-4a0a-9a53-1b1e3d5e7a01", click: ClickType = .single,
                 device: String = "G030PM0123456789", button: String = "porch") -> ActionEvent {
    ActionEvent(eventId: id, deviceId: device, button: button, clickType: click, reportedTime: "2026-11-22T01:02:03.456Z")
}
