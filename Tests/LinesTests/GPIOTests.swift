import Foundation
import Lines
import Testing

@Suite("GPIO source")
struct GPIOTests {
    @Test("CHIP:LINE parses chip names, labels with colons, and line names alone")
    func parsing() throws {
        let a = try GPIOLineConfig(parsing: "gpiochip0:GPIO17")
        #expect(a.chip == "gpiochip0" && a.line == "GPIO17" && a.bias == .pullUp && a.activeLow)  // active-low unless told otherwise
        let b = try GPIOLineConfig(parsing: "gpio-sim.0:node0:3", bias: .pullDown, activeLow: true)
        #expect(b.chip == "gpio-sim.0:node0" && b.line == "3" && b.bias == .pullDown && b.activeLow)
        let c = try GPIOLineConfig(parsing: "GPIO17")
        #expect(c.chip == nil && c.line == "GPIO17")
        let d = try GPIOLineConfig(parsing: "/dev/gpiochip4:17")
        #expect(d.chip == "/dev/gpiochip4" && d.line == "17")
        for bad in ["", "17", ":17", "gpiochip0:", " : "] {
            #expect(throws: LineError.self, "\(bad)") { try GPIOLineConfig(parsing: bad) }
        }
        let offsetAlone = try? GPIOLineConfig(parsing: "17")
        #expect(offsetAlone == nil)
        do { _ = try GPIOLineConfig(parsing: "17") } catch { #expect(error.message.contains("gpiochip0:17")) }
    }

    @Test("bias spellings")
    func bias() {
        #expect(GPIOBias(parsing: "pull-up") == .pullUp)
        #expect(GPIOBias(parsing: "pull_down") == .pullDown)
        #expect(GPIOBias(parsing: "disabled") == .disable)
        #expect(GPIOBias(parsing: "as-is") == .asIs)
        #expect(GPIOBias(parsing: "sideways") == nil)
    }

    @Test("the real libgpiod is linked and reports the API it was built for")
    func library() {
        #expect(GPIOLibrary.api == 1 || GPIOLibrary.api == 2)
        #expect(GPIOLibrary.version.hasPrefix("\(GPIOLibrary.api)."))
    }

    /// What this machine has, so the expectations hold here (no chips) and on a Pi alike.
    static var chips: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).filter { $0.hasPrefix("gpiochip") }
    }

    @Test("a missing chip is one line naming it and listing the chips that exist (or that there are none)")
    func missingChip() throws {
        let error = #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "gpiochip99:17")) }
        let message = try #require(error?.message)
        #expect(message.contains("gpiochip99") && message.contains("not found"))
        #expect(!message.contains("\n"))
        if Self.chips.isEmpty {
            #expect(message.contains("this machine has no GPIO chips"))
        } else {
            #expect(message.contains("chips on this machine:"))
        }
    }

    @Test("a chip given by number or label that does not exist is reported the same way")
    func missingByNumberAndLabel() {
        for spec in ["99:3", "no-such-label:3"] {
            let error = #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: spec)) }
            #expect(error?.message.contains("not found") == true, "\(spec)")
        }
    }

    @Test("a nonexistent chip path says it does not exist")
    func nonexistentPath() {
        let error = #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "/nonexistent/gpiochip7:3")) }
        #expect(error?.message.hasPrefix("GPIO chip /nonexistent/gpiochip7 does not exist") == true)
    }

    @Test("/dev/null and a regular file are not GPIO chips, and say so")
    func notAChip() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-chip-\(getpid())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        for path in ["/dev/null", file] {
            let error = #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "\(path):0")) }
            let message = error?.message ?? ""
            #expect(message.hasPrefix("cannot open GPIO chip \(path)"), "\(message)")
            #expect(message.contains("is it a GPIO chip?"))
        }
    }

    @Test("a line name looked up on every chip fails clearly when no chip has it")
    func lineNameEverywhere() {
        let error = #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "GPIO17")) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("no GPIO line named 'GPIO17' on any chip"))
        if Self.chips.isEmpty { #expect(message.contains("no GPIO chips")) }
    }

    @Test("awaited, a missing chip is waited for on an inotify descriptor")
    func waitsForChip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gpio-wait-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let chip = dir.appendingPathComponent("gpiochip5").path
        let config = try GPIOLineConfig(parsing: "\(chip):GPIO17", activeLow: true)
        let source = try GPIOSource.awaiting(config)
        #expect(!source.isPresent && !source.isFinished)
        #expect(source.buttons == ["gpiochip5:GPIO17"])
        let fd = try #require(source.descriptors.first)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 0) == 0)
        _ = FileManager.default.createFile(atPath: chip, contents: Data())  // something appears, but not a chip
        #expect(poll(&pfd, 1, 1000) == 1)
        var output = SourceOutput()
        source.drain(into: &output)
        // Not a chip: still waiting, and saying why once.
        #expect(output.edges.isEmpty && !source.isPresent)
        #expect(output.notices.count == 1 && output.notices.first?.description.contains("cannot open GPIO chip \(chip)") == true, "\(output.notices)")
        source.close()
        #expect(source.isFinished && source.descriptors.isEmpty)
    }

    @Test("opened directly a missing chip fails at once; a line name on no chip waits only when awaited")
    func noWaitByDefault() throws {
        #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "gpiochip77:3")) }
        #expect(throws: LineError.self) { try GPIOSource(GPIOLineConfig(parsing: "GPIO_NOWHERE")) }
        let source = try GPIOSource.awaiting(GPIOLineConfig(parsing: "GPIO_NOWHERE"))
        #expect(source.buttons == ["GPIO_NOWHERE"])
        #expect(source.descriptors.count == 1)
        source.close()
    }
}
