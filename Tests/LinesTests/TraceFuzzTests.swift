import Foundation
import Lines
import Presses
import Testing

/// Thousands of random and mutated inputs, seeded so a failure reproduces: every one is either
/// a trace (which then replays) or a clean `TraceError` naming a line of the input. A crash
/// fails the whole test process, which is the point.
@Suite struct TraceFuzzTests {
    static var seeds: [String] {
        var texts = TraceFiles.names.compactMap { name -> String? in
            guard let bytes = try? TraceFilesRaw.bytes(name) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        texts.append(NativeTraceWriter.document(SimulatedButton(name: "b").doubleClick(bounce: 2).wait(.seconds(1)).hold().trace))
        texts.append("clickbridge-trace 1\nbutton a\nbutton b initial=1\n1.5 a 1\n1.6 b 0\n")
        return texts
    }

    static let alphabet: [UInt8] = Array("0123456789.:# \t\n\r\"-EINPBALSaeflnrstvxz[]=_ROFGDGIEVMUclickbridge-trace".utf8)

    @discardableResult
    static func check(_ bytes: [UInt8], format: TraceFormat?) -> Bool {
        let lineCount = bytes.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        do {
            let trace = try TraceReader.read(bytes, options: .init(format: format, activeLow: bytes.count % 2 == 0))
            // Whatever parsed must also replay.
            let presses = TraceReplay.presses(of: trace)
            for p in presses {
                #expect(p.decidedAt >= p.pressedAt)
                _ = TracePressText.json(p, digits: trace.timestampDigits)
            }
            for i in trace.edges.indices.dropFirst() {
                #expect(trace.edges[i - 1].edge.time <= trace.edges[i].edge.time)
            }
            return true
        } catch {
            #expect(error.line >= 1 && error.line <= lineCount, "line \(error.line) of \(lineCount): \(error.message)")
            #expect(!error.message.isEmpty)
            #expect(!error.message.contains("\n"))
            return false
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix64(seed: 0xC11C_B21D)
        for round in 0..<3_000 {
            let count = Int(rng.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<count {
                // Mostly characters that occur in traces, so the parsers get past their first bytes.
                bytes.append(rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))])
            }
            Self.check(bytes, format: [nil, .native, .gpiomon, .evemu][round % 4])
        }
    }

    @Test func mutatedTraces() {
        var rng = SplitMix64(seed: 42)
        let seeds = Self.seeds.map { Array($0.utf8) }
        #expect(seeds.count >= 12)
        var parsed = 0
        for round in 0..<6_000 {
            var bytes = seeds[round % seeds.count]
            let mutations = 1 + Int(rng.next() % 6)
            for _ in 0..<mutations { Self.mutate(&bytes, &rng) }
            parsed += Self.check(bytes, format: round % 3 == 0 ? nil : [TraceFormat.native, .gpiomon, .evemu][Int(rng.next() % 3)]) ? 1 : 0
        }
        // Both outcomes are explored: mutants that still parse (and replay) and ones that fail.
        #expect(parsed > 300 && parsed < 5_700, "\(parsed) of 6000 parsed")
    }

    static func mutate(_ b: inout [UInt8], _ rng: inout SplitMix64) {
        func pos() -> Int { b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count)) }
        switch rng.next() % 9 {
        case 0: if !b.isEmpty { b[pos()] = UInt8(truncatingIfNeeded: rng.next()) }
        case 1: b.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: pos())
        case 2: if !b.isEmpty { let p = pos(); b.removeSubrange(p..<min(b.count, p + 1 + Int(rng.next() % 20))) }
        case 3: b = Array(b.prefix(pos())) // truncate
        case 4: // huge number
            b.insert(contentsOf: Array(String(rng.next()).utf8) + Array(String(rng.next()).utf8), at: pos())
        case 5: // duplicate a line somewhere else (time order, declarations)
            let lines = b.split(separator: 10, omittingEmptySubsequences: false)
            guard lines.count > 1 else { return }
            var l = Array(lines)
            let from = Int(rng.next() % UInt64(l.count)), to = Int(rng.next() % UInt64(l.count))
            l.insert(l[from], at: to)
            b = Array(l.joined(separator: [10]))
        case 6: // swap two lines (non-monotonic timestamps)
            var l = Array(b.split(separator: 10, omittingEmptySubsequences: false))
            guard l.count > 1 else { return }
            let i = Int(rng.next() % UInt64(l.count)), j = Int(rng.next() % UInt64(l.count))
            l.swapAt(i, j)
            b = Array(l.joined(separator: [10]))
        case 7: // a digit run inside a number (more decimals, longer seconds)
            b.insert(contentsOf: Array(repeating: UInt8(ascii: "9"), count: 1 + Int(rng.next() % 12)), at: pos())
        default: // NUL and invalid UTF-8
            b.insert(contentsOf: [0, 0xff, 0xc3], at: pos())
        }
    }

    @Test func binaryGarbage() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let bytes = (0..<Int(rng.next() % 4096)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            Self.check(bytes, format: nil)
        }
    }
}

enum TraceFilesRaw {
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try String(contentsOfFile: TraceFiles.path(name), encoding: .utf8).utf8)
    }
}
