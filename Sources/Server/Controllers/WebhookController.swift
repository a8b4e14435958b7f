import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Messaging

/// Twilio's calls, without the API's authentication (DESIGN §7): status callbacks and inbound
/// replies (STOP and START), verified by `X-Twilio-Signature` (``TwilioWebhookVerifier``).
struct WebhookController {
    let deps: AppDependencies

    func addRoutes(to routes: inout RouteRegistrar) {
        routes.on(.post, "webhooks/twilio/status", .open, use: twilioStatus)
        routes.on(.post, "webhooks/twilio/inbound", .open, use: twilioInbound)
    }

    /// A message's delivery status.
    @Sendable func twilioStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (form, tenants) = try await TwilioWebhookVerifier(deps: deps).verifiedForm(request, context)
        let sid = form.value("MessageSid") ?? form.value("SmsSid") ?? ""
        if let status = DeliveryStatus(twilioStatus: form.value("MessageStatus") ?? ""), !sid.isEmpty, sid.utf8.count <= 64 {
            let errorCode = form.value("ErrorCode").flatMap { $0.isEmpty ? nil : String($0.prefix(16)) }
            _ = try await deps.providerEvents.applyStatus(
                sid: sid, status: status, errorCode: errorCode, tenants: Array(Set(tenants.map(\.scope))))
        }
        return Self.twiml()
    }

    /// A reply: STOP suppresses the number for every tenant that sends from the number it went
    /// to, START lifts that suppression; anything else is ignored.
    @Sendable func twilioInbound(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (form, tenants) = try await TwilioWebhookVerifier(deps: deps).verifiedForm(request, context)
        let rawTo = form.value("To") ?? ""
        let channel: Channel = rawTo.lowercased().hasPrefix("whatsapp:") ? .whatsapp : .sms
        let to = TwilioWebhookVerifier.strip(rawTo)
        guard let keyword = InboundKeyword(body: form.value("Body") ?? ""),
            let from = AddressNormalizer(defaultCountryCode: nil).normalizePhone(TwilioWebhookVerifier.strip(form.value("From") ?? ""))
        else { return Self.twiml() }
        // Every tenant that sends from the number the reply went to, on that channel.
        let scopes = Array(Set(tenants.filter { $0.channel == channel && TwilioWebhookVerifier.strip($0.account.sender) == to }.map(\.scope)))
        switch keyword {
        case .stop:
            try await deps.providerEvents.suppress(
                from, scopes: scopes, channel: channel, reason: SuppressionReason.stopReply, source: .stopReply)
        case .start:
            try await deps.providerEvents.removeStopSuppression(from, scopes: scopes, channel: channel)
        }
        return Self.twiml()
    }

    /// Twilio's empty answer.
    static func twiml() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "<Response></Response>")))
    }
}
