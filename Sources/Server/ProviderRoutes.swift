import Campaigns
import Foundation
import Hummingbird

/// Test send, manual send, `GET /api/v1/me` and the Booknetic pickers (DESIGN §7, §11).
extension APIRoutes {
    static func registerProviders(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        api.on(.post, "test-send", .capability(.send), idempotent: true) { request, context in
            var request = request
            let input = try TestSendRequest.parse(try await request.jsonBody())
            try context.require(.send, on: input.channel)
            let scope = try context.scope()
            guard let to = try await deps.normalizer(for: scope).normalize(input.to, for: input.channel) else {
                throw APIError.validation("to", FieldWords.addressHint(input.channel))
            }
            if let problem = try await providerProblem(deps, scope: scope, channel: input.channel) { throw APIError(.conflict, code: .providerNotConfigured, message: problem) }
            guard let sender = deps.sender else {
                throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "the sending engine is not running")
            }
            return try await TestSend(
                deps: deps, sender: sender, scope: scope, user: context.identity?.userID, input: input, to: to, logger: context.logger
            ).run()
        }
        api.on(.post, "manual-send", .capability(.send), idempotent: true) { request, context in
            var request = request
            let input = try ManualSendRequest.parse(try await request.jsonBody(), now: deps.clock.now())
            try context.require(.send, on: input.draft.channel)
            let scope = try context.scope()
            let normalizer = try await deps.normalizer(for: scope)
            var chosen = ManualRecipients(recipients: [], duplicates: 0, invalid: [])
            if !input.customerIDs.isEmpty {
                guard let directory = deps.directory else {
                    throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "customer data is not available")
                }
                let customers = try await directory.customers(scope: scope, ids: input.customerIDs)
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
            let (view, suppressed) = try await deps.campaigns.createManual(
                scope: scope, draft: input.draft, recipients: chosen.recipients, createdBy: context.identity?.userID)
            deps.engine?.worker?.wake.signal()
            return jsonResponse(
                ManualSendBody(
                    id: view.campaign.id, status: view.campaign.status.rawValue, queued: view.progress.total, suppressed: suppressed,
                    duplicates: chosen.duplicates, invalid: chosen.invalid),
                status: .accepted)
        }
        api.on(.get, "me", .authenticated) { _, context in
            guard let identity = context.identity else { throw APIError.unauthorized }
            let capabilities = context.capabilities ?? CapabilitySet(granted: [], planChannels: [])
            var granted: [String: [String]] = [:]
            for channel in Channel.allCases {
                granted[channel.rawValue] = Capability.allCases.filter { capabilities.allows($0, on: channel) }.map { $0.name(for: channel) }
            }
            var providers: [String: ProviderStateBody] = [:]
            for channel in Channel.allCases {
                let problem = try await providerProblem(deps, scope: identity.scope, channel: channel)
                providers[channel.rawValue] = ProviderStateBody(configured: problem == nil, missing: Nullable(problem))
            }
            return jsonResponse(
                MeBody(user: identity.userID, tenant: identity.scope.tenantID, capabilities: granted, providers: providers))
        }
        api.on(.get, "services", .capability(.read)) { _, context in
            _ = try context.channels(with: .read)
            let entries = try await directory(deps).services(scope: try context.scope())
            return jsonResponse(DirectoryBody(items: entries.map(DirectoryEntryBody.init)))
        }
        api.on(.get, "locations", .capability(.read)) { _, context in
            _ = try context.channels(with: .read)
            let entries = try await directory(deps).locations(scope: try context.scope())
            return jsonResponse(DirectoryBody(items: entries.map(DirectoryEntryBody.init)))
        }
        api.on(.get, "customers", .capability(.read)) { request, context in
            _ = try context.channels(with: .read)
            let query = request.queryString("q") ?? ""
            guard query.count <= 100 else { throw APIError.validation("q", "must be at most 100 characters") }
            let limit = try request.queryInt("limit", default: 20)
            guard (1...100).contains(limit) else { throw APIError.validation("limit", "must be between 1 and 100") }
            let found = try await directory(deps).searchCustomers(scope: try context.scope(), query: query, limit: limit)
            return jsonResponse(DirectoryBody(items: found.map(CustomerContactBody.init)))
        }
    }

    /// What keeps `channel` from sending: the sender's own view (the outbox needs no provider),
    /// else Booknetic's settings; nil when it can send.
    private static func providerProblem(_ deps: AppDependencies, scope: TenantScope, channel: Channel) async throws -> String? {
        if let sender = deps.sender { return await sender.profile(scope: scope, channel: channel).problem }
        return try await deps.providers?.configuration(scope: scope).problem(for: channel)
    }

    private static func directory(_ deps: AppDependencies) throws -> any BookneticDirectory {
        guard let directory = deps.directory else {
            throw APIError(.serviceUnavailable, code: .databaseUnavailable, message: "Booknetic data is not available")
        }
        return directory
    }
}

struct TestSendBody: Encodable {
    let status: String
    let providerMessageId: String
}

struct ManualSendBody: Encodable {
    let id: Int
    let status: String
    let queued: Int
    let suppressed: Int
    let duplicates: Int
    let invalid: [String]
}

struct ProviderStateBody: Encodable {
    let configured: Bool
    let missing: Nullable<String>
}

struct MeBody: Encodable {
    let user: Int?
    let tenant: Int?
    let capabilities: [String: [String]]
    let providers: [String: ProviderStateBody]
}

struct DirectoryBody<Item: Encodable>: Encodable {
    let items: [Item]
}

struct DirectoryEntryBody: Encodable {
    let id: Int
    let name: String
    let isActive: Bool

    init(_ entry: DirectoryEntry) {
        id = entry.id
        name = entry.name
        isActive = entry.isActive
    }
}

struct CustomerContactBody: Encodable {
    let id: Int
    let firstName: String?
    let lastName: String?
    let phone: String?
    let email: String?

    init(_ contact: CustomerContact) {
        id = contact.id
        firstName = contact.firstName
        lastName = contact.lastName
        phone = contact.phone
        email = contact.email
    }
}
