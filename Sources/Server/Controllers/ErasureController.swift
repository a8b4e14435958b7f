import Campaigns
import Foundation
import Hummingbird

/// `POST /api/v1/customers/{id}/erase` (DESIGN §20): a customer's messages in the tenant go —
/// log rows, customer history, the outbox's copies — while their suppressions stay. Only a
/// caller who may read the logs of every channel the tenant's plan includes may erase.
struct ErasureController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.post, "customers/:id/erase", .capability(.logs), use: erase)
    }

    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let capabilities = try context.caps()
        let planned = Channel.allCases.filter { capabilities.gateAllows($0) }
        guard !planned.isEmpty else {
            throw APIError(.forbidden, code: .forbidden(.tenantGate), message: "your plan does not include campaigns")
        }
        for channel in planned { try context.requireCapability(on: channel) }
        let scope = try context.scope()
        let id = try context.id()
        // The addresses the customer's row holds now, normalized as the logs store them.
        let normalizer = try await deps.normalizer(for: scope)
        let contact = try await deps.directory.customers(scope: scope, ids: [id]).first
        let addresses = [
            normalizer.normalize(contact?.phone, for: .sms), normalizer.normalize(contact?.email, for: .email),
        ].compactMap { $0 }
        let rows = try await deps.erasure.erase(
            ErasureSubject(customerID: id, addresses: addresses), scope: scope, by: context.identity?.userID, requireKnown: contact != nil)
        return jsonResponse(ErasureBody(logRows: rows))
    }
}
