import Foundation
import OneClick
import Synchronization
import TestSupport
import Testing

@testable import ClaimService

/// Click callbacks go to public addresses only, unless the service's operator allows private
/// ones: refused when the callback is set (an address in the URL) and when its host resolves at
/// delivery (a name), and the delivery goes to the address that was checked.
@Suite("Callback addresses")
struct CallbackAddressTests {
    static let refusedHosts: [(host: String, kind: String)] = [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.20", "private"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "this network"),
        ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "reserved"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("192.0.2.1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("192.0.0.8", "protocol assignment"),
        // IPv4 forms the resolver reads as 127.0.0.1.
        ("2130706433", "loopback"),
        ("0x7f000001", "loopback"),
        ("127.1", "loopback"),
        ("0177.0.0.1", "loopback"),
        ("[::1]", "loopback"),
        ("[::]", "unspecified"),
        ("[::ffff:127.0.0.1]", "IPv4-mapped address of 127.0.0.1, a loopback"),
        ("[::ffff:169.254.169.254]", "IPv4-mapped address of 169.254.169.254, a link-local"),
        ("[::ffff:10.0.0.1]", "IPv4-mapped address of 10.0.0.1, a private"),
        ("[64:ff9b::7f00:1]", "NAT64 address of 127.0.0.1"),
        ("[2002:7f00:1::1]", "6to4 address of 127.0.0.1"),
        ("[::127.0.0.1]", "IPv4-compatible"),
        ("[fc00::1]", "unique local"),
        ("[fd12:3456:789a::1]", "unique local"),
        ("[fe80::1]", "link-local"),
        ("[fe80::1%25eth0]", "link-local"),
        ("[fec0::1]", "site-local"),
        ("[ff02::1]", "multicast"),
        ("[2001:db8::1]", "documentation"),
        ("[2001::1]", "protocol assignment"),
        ("[100::1]", "discard-only"),
        ("[4000::1]", "outside 2000::/3"),
    ]

    static let publicHosts = ["93.184.215.14", "1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1", "192.169.0.1",
                              "[2606:4700:4700::1111]", "[2a00:1450:4001:80b::200e]", "[::ffff:93.184.215.14]", "[64:ff9b::808:808]",
                              "[2002:808:808::1]"]

    @Test("non-public addresses are refused, whatever their spelling", arguments: refusedHosts)
    func refusedAddresses(_ host: String, _ kind: String) throws {
        let address = try #require(IPAddress.literal(host), "\(host) is an address")
        let why = try #require(CallbackAddressPolicy.refusal(address), "\(host) must be refused")
        #expect(why.contains(kind), "\(host): \(why)")
    }

    @Test("public addresses are allowed", arguments: publicHosts)
    func publicAddresses(_ host: String) throws {
        let address = try #require(IPAddress.literal(host), "\(host) is an address")
        #expect(CallbackAddressPolicy.refusal(address) == nil, "\(host)")
    }

    @Test("a host name is not an address literal: it is judged when it resolves")
    func namesAreNotLiterals() {
        for name in ["localhost", "example.com", "homeassistant.local", "1.2.3.4.nip.io", "x127.0.0.1"] {
            #expect(IPAddress.literal(name) == nil, "\(name)")
        }
    }

    // MARK: set time

    @Test("setOnClickCallback refuses a URL whose host is a non-public address: 400 InvalidRequestException saying how to allow it",
          arguments: refusedHosts.map(\.host))
    func refusedWhenSet(_ host: String) async throws {
        let h = try Harness()
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        for method in ["setOnClickCallback", "setDeviceHealthMonitorCallback"] {
            let message = await h.fails(.invokeDeviceMethod(deviceId: id), as: ownerA,
                                        body: Self.setBody(method, url: "http://\(host):8123/api/webhook/porch"),
                                        "InvalidRequestException", 400)
            #expect(message.contains("refused"), "\(message)")
            #expect(message.contains("--allow-private-callbacks") && message.contains("allowPrivateCallbacks: true"), "\(message)")
        }
        // Nothing was stored.
        let got = try await h.ok(.invokeDeviceMethod(deviceId: id), as: ownerA,
                                 body: #"{"deviceMethod":{"methodName":"getOnClickCallback"}}"#, InvokeDeviceMethodResponse.self)
        #expect(got.deviceMethodResponse == "{}")
    }

    @Test("a public address or a host name is accepted when set", arguments: Backend.all)
    func acceptedWhenSet(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        for host in Self.publicHosts + ["example.com", "localhost", "hooks.example.org"] {
            try await h.setCallback(id, url: "https://\(host)/hook")
        }
    }

    @Test("with allowPrivateCallbacks, loopback and private addresses are accepted when set", arguments: Backend.all)
    func allowedWhenSet(_ backend: Backend) async throws {
        let h = try await Harness.make(backend) { $0.allowPrivateCallbacks = true }
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        for (host, _) in Self.refusedHosts {
            try await h.setCallback(id, url: "http://\(host):8123/hook")
        }
    }

    // MARK: delivery time

    @Test("a host name that resolves to loopback (localhost) is refused at delivery: dead at once with the reason, nothing sent", arguments: Backend.all)
    func nameRefusedAtDelivery(_ backend: Backend) async throws {
        let receiver = HTTPReceiver(path: "/callback")
        let url = try await receiver.start().replacingOccurrences(of: "127.0.0.1", with: "localhost")
        defer { receiver.stop() }
        let (h, id) = try await CallbackDeliveryTests.claimedWithCallback(url, backend: backend, allowPrivate: false)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let first = UUID().uuidString, second = UUID().uuidString
        try await h.press(id, eventId: first)
        try await h.press(id, eventId: second)
        let settled = try await delivery.next(2)
        #expect(settled.map(\.eventId) == [first, second])
        for report in settled {
            guard case .dead(_, 1, let error) = report else {
                Issue.record("expected dead on the first attempt, got \(report)")
                continue
            }
            #expect(error.contains("callback host localhost resolves to"), "\(error)")
            #expect(error.contains("a loopback address"), "\(error)")
            #expect(error.contains("--allow-private-callbacks"), "\(error)")
        }
        let record = try #require(try await h.core.store.callbackDelivery(eventId: first))
        #expect(record.state == .dead)
        #expect(record.lastStatus == nil)
        #expect(record.lastError?.contains("loopback") == true)
        #expect(receiver.deliveries.isEmpty)
    }

    @Test("with allowPrivateCallbacks, the same name is delivered", arguments: Backend.all)
    func nameAllowedAtDelivery(_ backend: Backend) async throws {
        let receiver = HTTPReceiver(path: "/callback")
        let url = try await receiver.start().replacingOccurrences(of: "127.0.0.1", with: "localhost")
        defer { receiver.stop() }
        let (h, id) = try await CallbackDeliveryTests.claimedWithCallback(url, backend: backend)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let eventId = UUID().uuidString
        try await h.press(id, eventId: eventId)
        #expect(try await delivery.next(1) == [.delivered(eventId: eventId, attempts: 1, status: 200)])
        #expect(receiver.deliveries.count == 1)
    }

    @Test("a private callback stored while allowed is refused at delivery once the allowance is gone")
    func storedThenDisallowed() async throws {
        let (receiver, url) = try await HTTPReceiver.started(path: "/callback")
        defer { receiver.stop() }
        let directory = temporaryDirectory()
        let id = newDeviceId()
        do {
            let h = try Harness(directory: directory, configure: CallbackDeliveryTests.loopback)
            try await h.register(id)
            try await h.claim(id)
            try await h.setCallback(id, url: url)
        }
        let h = try Harness(directory: directory) { $0.callbackPolicy = CallbackDeliveryTests.quick }
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let eventId = UUID().uuidString
        try await h.press(id, eventId: eventId)
        let settled = try await delivery.next(1)
        guard case .dead(eventId, 1, let error)? = settled.first else {
            Issue.record("expected dead on the first attempt, got \(settled)")
            return
        }
        #expect(error.hasPrefix("callback host 127.0.0.1 is a loopback address: refused"), "\(error)")
        #expect(receiver.deliveries.isEmpty)
    }

    @Test("a redirect is not followed, even to an allowed address: the delivery is dead with the 302", arguments: Backend.all)
    func redirectRefused(_ backend: Backend) async throws {
        let (target, targetURL) = try await HTTPReceiver.started(path: "/callback")
        defer { target.stop() }
        let (redirecting, url) = try await HTTPReceiver.started(path: "/callback", answers: [.redirect(targetURL)])
        defer { redirecting.stop() }
        let (h, id) = try await CallbackDeliveryTests.claimedWithCallback(url, backend: backend)
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let eventId = UUID().uuidString
        try await h.press(id, eventId: eventId)
        #expect(try await delivery.next(1) == [.dead(eventId: eventId, attempts: 1, error: "HTTP 302 Found")])
        #expect(redirecting.deliveries.count == 1)
        #expect(target.deliveries.isEmpty)
    }

    @Test("the request goes to the address that was checked: the name is looked up once per attempt, never again by the HTTP client", arguments: Backend.all)
    func deliveryPinnedToCheckedAddress(_ backend: Backend) async throws {
        let receiver = HTTPReceiver(path: "/callback")
        let port = try #require(URL(string: try await receiver.start())?.port)
        defer { receiver.stop() }
        // A name no resolver knows; this test's resolver says it is 127.0.0.1, and its policy
        // takes 127.0.0.1 for a public address. Were the client to look the name up itself, the
        // connection would fail.
        let lookups = Mutex<[String]>([])
        let check = CallbackTargetCheck(allowPrivate: false, resolve: { host in
            lookups.withLock { $0.append(host) }
            return .success([IPAddress.literal("127.0.0.1")!])
        }, refusal: { _ in nil })
        let h = try await Harness.make(backend) {
            $0.callbackPolicy = CallbackDeliveryTests.quick
            $0.callbackTargetCheck = check
        }
        let id = newDeviceId()
        try await h.register(id)
        try await h.claim(id)
        try await h.setCallback(id, url: "http://callbacks.clickbridge.invalid:\(port)/callback")
        let delivery = h.startDeliverer()
        defer { delivery.stop() }
        let events = [UUID().uuidString, UUID().uuidString]
        for e in events { try await h.press(id, eventId: e) }
        #expect(try await delivery.next(2) == events.map { .delivered(eventId: $0, attempts: 1, status: 200) })
        #expect(lookups.withLock { $0 } == ["callbacks.clickbridge.invalid", "callbacks.clickbridge.invalid"])
        // The Host header still names the host, as a virtual-hosted receiver needs.
        #expect(receiver.deliveries.map { $0.headers["host"] } == Array(repeating: "callbacks.clickbridge.invalid:\(port)", count: 2))
    }

    @Test("a name with any non-public address among its addresses is refused; one that does not resolve is retried")
    func resolvedAddressesJudged() async {
        func check(_ answer: Result<[IPAddress], CallbackTargetCheck.ResolveFailure>) -> CallbackTargetCheck {
            CallbackTargetCheck(allowPrivate: false, resolve: { _ in answer })
        }
        let mixed = check(.success([IPAddress.literal("93.184.215.14")!, IPAddress.literal("10.0.0.7")!]))
        guard case .refused(let why) = await mixed.check("https://hooks.example.org/x") else {
            Issue.record("a name that also resolves to 10.0.0.7 must be refused")
            return
        }
        #expect(why.contains("resolves to 10.0.0.7, a private address"), "\(why)")
        let good = check(.success([IPAddress.literal("93.184.215.14")!, IPAddress.literal("2606:2800:21f:cb07:6820:80da:af6b:8b2c")!]))
        #expect(await good.check("https://hooks.example.org/x") == .pinned(host: "hooks.example.org", address: IPAddress.literal("93.184.215.14")!))
        let none = check(.failure(.init(reason: "Name or service not known")))
        #expect(await none.check("https://hooks.example.org/x") == .unresolved("cannot resolve callback host hooks.example.org: Name or service not known"))
        // With the allowance nothing is looked up.
        let allowed = CallbackTargetCheck(allowPrivate: true, resolve: { _ in
            Issue.record("no lookup with the allowance")
            return .success([])
        })
        #expect(await allowed.check("http://localhost:1/x") == .direct)
    }

    static func setBody(_ method: String, url: String) -> String {
        let parameters = String(data: try! JSONSerialization.data(withJSONObject: ["callback": ["url": url]]), encoding: .utf8)!
        return String(data: try! JSONSerialization.data(withJSONObject: [
            "deviceMethod": ["deviceType": "button", "methodName": method],
            "deviceMethodParameters": parameters,
        ]), encoding: .utf8)!
    }
}
