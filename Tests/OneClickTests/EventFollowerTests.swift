import Foundation
import Testing
@testable import OneClick

/// `events --follow` against a real claim service on loopback.
@Suite struct EventFollowerTests {
    @Test("following shows each new event once, in order, including one that arrives late; not the ones before it began")
    func followsNewEvents() async throws {
        let service = try await LiveClaimService.start()
        let bridge = try service.client("bridge")
        let owner = try service.client("owner")
        let device = LiveClaimService.newDeviceId()
        _ = try await bridge.registerDevice(deviceId: device)
        _ = try await owner.initiateDeviceClaim(deviceId: device)
        let claimPress = LiveClaimService.press("SINGLE")
        _ = try await bridge.publishEvent(deviceId: device, claimPress)
        #expect(try await owner.finalizeWhenPressed(deviceId: device, timeout: .seconds(20), interval: .milliseconds(50)).state == "CLAIMED")
        let before = LiveClaimService.press("LONG")
        _ = try await bridge.publishEvent(deviceId: device, before)

        let (lines, input) = AsyncStream.makeStream(of: StdEvent.self)
        let follower = DeviceEventFollower(client: owner, deviceId: device, interval: .milliseconds(100))
        let following = Task {
            try await follower.follow { event in
                if let text = event.stdEvent, let std = try? JSONDecoder().decode(StdEvent.self, from: Data(text.utf8)) {
                    input.yield(std)
                }
            }
        }
        var seen = lines.makeAsyncIterator()
        // Let the first poll take its baseline (the two events above), then press.
        try await Task.sleep(for: .milliseconds(500))
        let double = LiveClaimService.press("DOUBLE")
        _ = try await bridge.publishEvent(deviceId: device, double)
        let first = await seen.next()
        #expect(first?.clickType == "DOUBLE")
        #expect(first?.reportedTime == double.reportedTime)
        // An event decided five minutes ago that reaches the service only now (an outbox
        // catching up) still shows, once; a duplicate delivery adds nothing.
        let late = LiveClaimService.press("LONG", at: Date().addingTimeInterval(-300))
        _ = try await bridge.publishEvent(deviceId: device, late)
        _ = try await bridge.publishEvent(deviceId: device, late)
        let single = LiveClaimService.press("SINGLE")
        _ = try await bridge.publishEvent(deviceId: device, single)
        var next: [StdEvent] = []
        while next.count < 2, let e = await seen.next() { next.append(e) }
        #expect(Set(next.map(\.reportedTime)) == [late.reportedTime, single.reportedTime])
        following.cancel()
        _ = await following.result
        input.finish()
        // Nothing else came: not the events from before following began, nor a repeat.
        var rest: [StdEvent] = []
        while let e = await seen.next() { rest.append(e) }
        #expect(rest.isEmpty)
        await service.shutdown()
    }
}
