import AsyncHTTPClient
import NIOCore
import OneClick

/// POSTs callback payloads. The HTTP client is made at the first callback, so a service whose
/// devices have none never starts one, and is shut down with the deliverer.
///
/// Before each attempt the URL's host is checked (`CallbackTargetCheck`): a non-public address is
/// refused, a name is resolved and every address it has must be public, and the request then
/// goes to the checked address through a client pinned to it.
final class CallbackPoster: Sendable {
    private let client: LazyHTTPClient
    private let pinned: PinnedClients
    private let target: CallbackTargetCheck
    private let policy: CallbackPolicy

    init(policy: CallbackPolicy, target: CallbackTargetCheck) {
        self.policy = policy
        self.target = target
        client = LazyHTTPClient(connectTimeout: .milliseconds(Int64(policy.timeout * 1000)))
        pinned = PinnedClients(connectTimeout: .milliseconds(Int64(policy.timeout * 1000)))
    }

    func post(_ delivery: CallbackDelivery) async -> EventPost.Attempt {
        switch await target.check(delivery.url) {
        case .refused(let why):
            return EventPost.Attempt(verdict: .giveUp, error: why)
        case .unresolved(let why):
            if Task.isCancelled { return EventPost.Attempt(verdict: .giveUp, error: "cancelled", interrupted: true) }
            return EventPost.Attempt(verdict: policy.retry.connectionFailureVerdict, error: why)
        case .direct:
            return await post(delivery, with: client)
        case .pinned(let host, let address):
            return await pinned.with(host: host, address: address) { await post(delivery, with: $0) }
        }
    }

    private func post(_ delivery: CallbackDelivery, with client: LazyHTTPClient) async -> EventPost.Attempt {
        await EventPost.send(delivery.body, eventId: delivery.eventId, to: delivery.url,
                             timeout: .milliseconds(Int64(policy.timeout * 1000)), client: client.http, policy: policy.retry)
    }

    func shutdown() async {
        await client.shutdown()
        await pinned.shutdown()
    }
}
