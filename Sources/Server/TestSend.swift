import Campaigns
import Foundation
import Hummingbird
import Logging

/// One `POST /api/v1/test-send` after its input was checked (DESIGN §7, §13): it obeys what every
/// send obeys — the suppression list, the plan's SMS quota, the sender's rate — counts against
/// the tenant's daily allowance, and is written to the audit trail with its outcome. It renders
/// for "Test Customer" and is not held by quiet hours.
struct TestSend {
    let deps: AppDependencies
    let scope: TenantScope
    let user: Int?
    let input: TestSendRequest
    /// The normalized address.
    let to: String
    let logger: Logger

    /// The longest a test send waits for a slot of the sender's rate.
    static let slotPatience: TimeInterval = 10

    func run() async throws -> Response {
        let channel = input.channel
        let now = deps.clock.now()
        if try await deps.suppressions.isSuppressed(scope: scope, channel: channel, address: to) {
            throw DomainError.conflict(
                .suppressed, message: "\(to) is on the \(channel.rawValue) suppression list (they opted out): a test send would message them")
        }
        let store = deps.testSends
        if channel == .sms, let quota = try await store.smsQuota(scope: scope, now: now), quota.remaining <= 0 {
            throw DomainError.conflict(
                .quotaExhausted, message: "your plan's \(quota.limit) SMS of this month are used up; test SMS count towards them")
        }
        let day = TestSendDay(containing: now, in: try await store.timeZone(scope: scope, channel: channel))
        let entry = AuditEntry(
            at: now, scope: scope, userID: user, action: .testSend, objectType: .message, objectID: nil, channel: channel,
            detail: detail(status: "pending"))
        guard let entryID = try await store.reserve(entry, since: day.start, limit: deps.testSendsPerDay) else {
            throw DomainError.tooManyRequests(
                message: "\(deps.testSendsPerDay) test sends a day per channel are allowed; try again tomorrow",
                retryAfter: day.secondsLeft(at: now))
        }
        try await waitForSlot(store)
        let outcome = await deps.sender.send(message(claimedAt: now))
        return try await answer(outcome, entryID: entryID)
    }

    /// Takes a slot of the sender's rate, shared with the engine and every replica, and waits for it.
    private func waitForSlot(_ store: any TestSendStore) async throws {
        let profile = await deps.sender.profile(scope: scope, channel: input.channel)
        guard let rate = deps.environmentRateLimit ?? profile.defaultRate else { return }
        let now = deps.clock.now()
        guard let slot = try await store.reserveSlot(sender: profile.key, rate: rate, now: now, deadline: now.addingTimeInterval(Self.slotPatience))
        else {
            throw DomainError.tooManyRequests(
                message: "the sender is busy sending campaigns at its rate; try the test send again shortly", retryAfter: Int(Self.slotPatience))
        }
        let wait = slot.timeIntervalSince(deps.clock.now())
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
    }

    private func message(claimedAt: Date) -> OutgoingMessage {
        let fields = RecipientFields.testCustomer(address: to, channel: input.channel)
        let html = input.channel == .email && MessageRenderer.looksLikeHTML(input.body)
        return OutgoingMessage(
            logID: 0, campaignID: 0, scope: scope, channel: input.channel, to: to,
            subject: input.subject.map { MessageRenderer.renderSubject($0, for: fields, channel: input.channel) },
            body: MessageRenderer.render(input.body, for: fields, channel: input.channel, html: html), claimedAt: claimedAt,
            isHTML: html, action: input.action.map { MessageRenderer.renderAction($0, for: fields, channel: input.channel) })
    }

    /// The audit detail: the address, an excerpt of the body and the outcome.
    private func detail(status: String, code: String? = nil, providerID: String? = nil) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["to": .string(to), "body": .string(AuditEntry.excerpt(input.body)), "status": .string(status)]
        if let subject = input.subject { detail["subject"] = .string(AuditEntry.excerpt(subject)) }
        if let code { detail["code"] = .string(code) }
        if let providerID { detail["provider_message_id"] = .string(providerID) }
        return detail
    }

    /// Records the outcome and answers it. A provider's refusal reaches the tenant as its code and
    /// a short generic message; the provider's own text goes to the service's log only.
    private func answer(_ outcome: SendOutcome, entryID: Int) async throws -> Response {
        let status: String
        var code: String?
        var providerID: String?
        var failure: APIError?
        switch outcome {
        case .sent(let id):
            status = "sent"
            providerID = id
        case .permanent(let refusal, let text, _) where refusal == .providerNotConfigured:
            status = "failed"
            code = refusal.rawValue
            failure = APIError(.conflict, code: .providerNotConfigured, message: text)
        case .permanent(let refusal, let text, _), .retryable(let refusal, let text, _), .unknown(let refusal, let text):
            status = "failed"
            code = refusal.rawValue
            logger.warning("test send refused by the provider", metadata: ["code": "\(refusal)", "detail": "\(text)"])
            failure = APIError(
                .badGateway, code: .providerError, message: "the provider refused the message (\(refusal)): \(ProviderRefusal.summary(refusal))")
        case .throttled(let refusal, _):
            status = "failed"
            code = refusal.rawValue
            failure = APIError(.badGateway, code: .providerError, message: "the provider is rate limiting (\(refusal)): try again shortly")
        case .notAttempted:
            status = "failed"
            code = "settings_unavailable"
            failure = APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the provider settings cannot be read right now; try again")
        }
        try await deps.testSends.complete(id: entryID, detail: detail(status: status, code: code, providerID: providerID))
        if let failure { throw failure }
        return jsonResponse(TestSendBody(status: "sent", providerMessageId: providerID ?? ""))
    }
}
