import Campaigns
import Foundation
import Hummingbird

/// `POST /api/v1/test-send` (one message to the caller's own address) and `POST /manual-send`
/// (a one-off campaign to chosen customers or pasted addresses) (DESIGN §7, §11).
struct SendController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.post, "test-send", .capability(.send), idempotent: true, use: testSend)
        api.on(.post, "manual-send", .capability(.send), idempotent: true, use: manualSend)
    }

    @Sendable func testSend(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try TestSendRequest.parse(try await request.jsonBody())
        try context.requireCapability(on: input.channel)
        let scope = try context.scope()
        guard let to = try await deps.normalizer(for: scope).normalize(input.to, for: input.channel) else {
            throw APIError.validation("to", FieldWords.addressHint(input.channel))
        }
        if let problem = await deps.providerProblem(scope: scope, channel: input.channel) {
            throw APIError(.conflict, code: .providerNotConfigured, message: problem)
        }
        return try await TestSend(
            deps: deps, scope: scope, user: context.identity?.userID, input: input, to: to, logger: context.logger
        ).run()
    }

    /// Queues a manual campaign (202); the worker looks at once.
    @Sendable func manualSend(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let input = try ManualSendRequest.parse(try await request.jsonBody(), now: deps.clock.now())
        try context.requireCapability(on: input.draft.channel)
        let scope = try context.scope()
        let chosen = try await recipients(input, scope: scope)
        let (view, suppressed) = try await deps.campaigns.createManual(
            scope: scope, draft: input.draft, recipients: chosen.recipients, createdBy: context.identity?.userID)
        deps.workNotifier.workArrived()
        return jsonResponse(
            ManualSendBody(
                id: view.campaign.id, status: view.campaign.status.rawValue, queued: view.progress.total, suppressed: suppressed,
                duplicates: chosen.duplicates, invalid: chosen.invalid),
            status: .accepted)
    }

    /// The chosen customers' addresses, then the pasted ones not already chosen.
    private func recipients(_ input: ManualSendRequest, scope: TenantScope) async throws -> ManualRecipients {
        let normalizer = try await deps.normalizer(for: scope)
        var chosen = ManualRecipients(recipients: [], duplicates: 0, invalid: [])
        if !input.customerIDs.isEmpty {
            let customers = try await deps.directory.customers(scope: scope, ids: input.customerIDs)
            chosen = ManualRecipients.customers(customers, requested: input.customerIDs, channel: input.draft.channel, normalizer: normalizer)
        }
        if let text = input.addresses {
            let pasted = ManualRecipients.parse(text, channel: input.draft.channel, normalizer: normalizer)
            var seen = Set(chosen.recipients.map { $0.address.lowercased() })
            for recipient in pasted.recipients {
                if seen.insert(recipient.address.lowercased()).inserted { chosen.recipients.append(recipient) } else { chosen.duplicates += 1 }
            }
            chosen.duplicates += pasted.duplicates
            chosen.invalid += pasted.invalid
        }
        guard chosen.recipients.count <= ManualRecipients.limit else {
            throw APIError.validation(
                "addresses", "A manual send can reach at most \(ManualRecipients.limit) recipients. Split the list into smaller sends.")
        }
        return chosen
    }
}
