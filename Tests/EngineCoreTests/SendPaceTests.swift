import Campaigns
import Engine
import Testing

/// Whose slots a batch takes (DESIGN §13), as a value.
@Suite("Send pace")
struct SendPaceTests {
    @Test func aTenantsSlowerRateGetsAKeyOfItsOwnAndNeverTheSendersKey() {
        let slow = SendPace(senderKey: "sms:+15005550006", senderRate: 20, tenantRate: 0.05, scope: .tenant(7), channel: .sms)
        #expect(slow.sender == SendPace.Slots(key: "sms:+15005550006", rate: 20))
        #expect(slow.tenant == SendPace.Slots(key: "tenant:7/sms", rate: 0.05))
        #expect(slow.batchRate == 0.05)
        // Equal to or faster than the sender: the tenant's setting changes nothing.
        for rate in [20.0, 50.0] {
            let same = SendPace(senderKey: "sms:+15005550006", senderRate: 20, tenantRate: rate, scope: .tenant(7), channel: .sms)
            #expect(same.tenant == nil && same.batchRate == 20)
        }
        // An unlimited sender (the outbox): only the tenant's own pace.
        let own = SendPace(senderKey: "7/email", senderRate: nil, tenantRate: 2, scope: .tenant(7), channel: .email)
        #expect(own.sender == nil && own.tenant?.key == "tenant:7/email" && own.batchRate == 2)
        let none = SendPace(senderKey: "0/sms", senderRate: nil, tenantRate: nil, scope: .singleSite, channel: .sms)
        #expect(none.sender == nil && none.tenant == nil && none.batchRate == nil)
    }
}
