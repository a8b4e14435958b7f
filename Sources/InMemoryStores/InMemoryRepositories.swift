import Campaigns
import Foundation
import Synchronization

/// An audience that is the same fixed list of recipients for every definition.
public struct InMemoryAudienceRepository: AudienceRepository {
    public let recipients: [Recipient]
    public init(recipients: [Recipient]) { self.recipients = recipients }

    public func preview(_ audience: AudienceDefinition, sampleSize: Int) async throws -> AudiencePreview {
        AudiencePreview(count: recipients.count, sample: Array(recipients.prefix(sampleSize)))
    }

    public func members(_ audience: AudienceDefinition, zones: Bool) async throws -> AudienceMembers {
        AudienceMembers(recipients: recipients)
    }
}

/// Templates in memory (no built-ins).
public final class InMemoryTemplateRepository: TemplateRepository {
    private let templates = Mutex<[Int: (TenantScope, MessageTemplate)]>([:])
    private let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    public func list(scope: TenantScope, channels: Set<Channel>, search: String?, page: PageRequest) async throws -> Page<MessageTemplate> {
        let items = templates.withLock { $0.values.filter { $0.0 == scope && channels.contains($0.1.channel) }.map(\.1) }
            .sorted { $0.id < $1.id }
        return Page(items: items, total: items.count, page: page.page, perPage: page.perPage)
    }

    public func get(scope: TenantScope, id: Int) async throws -> MessageTemplate? {
        templates.withLock { $0[id].flatMap { $0.0 == scope ? $0.1 : nil } }
    }

    public func create(scope: TenantScope, draft: TemplateDraft, by user: Int?) async throws -> MessageTemplate {
        let now = clock.now()
        return templates.withLock { templates in
            let template = MessageTemplate(
                id: templates.count + 1, channel: draft.channel, name: draft.name, subject: draft.subject, body: draft.body,
                isBuiltin: false, createdAt: now, updatedAt: now, localized: draft.localized)
            templates[template.id] = (scope, template)
            return template
        }
    }

    public func update(scope: TenantScope, id: Int, draft: TemplateDraft, access: AccessCheck, by user: Int?) async throws
        -> MessageTemplate
    {
        try templates.withLock { templates in
            guard var template = templates[id].flatMap({ $0.0 == scope ? $0.1 : nil }) else { throw DomainError.notFound("template") }
            try access.check(template.channel)
            try access.check(draft.channel)
            template.channel = draft.channel
            template.name = draft.name
            template.subject = draft.subject
            template.body = draft.body
            template.localized = draft.localized
            templates[id] = (scope, template)
            return template
        }
    }

    public func delete(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws {
        try templates.withLock { templates in
            guard let template = templates[id].flatMap({ $0.0 == scope ? $0.1 : nil }) else { throw DomainError.notFound("template") }
            try access.check(template.channel)
            templates[id] = nil
        }
    }
}

/// A suppression list in memory.
public final class InMemorySuppressionRepository: SuppressionRepository {
    private let entries = Mutex<[Suppression]>([])
    private let scopes = Mutex<[Int: TenantScope]>([:])
    private let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    public func add(
        scope: TenantScope, channel: Channel, address: String, reason: String?, source: SuppressionSource, by user: Int?
    ) async throws -> (suppression: Suppression, created: Bool) {
        let now = clock.now()
        return entries.withLock { entries in
            if let existing = entries.first(where: { scopes.withLock { $0 }[$0.id] == scope && $0.channel == channel && $0.address == address }) {
                return (existing, false)
            }
            let entry = Suppression(
                id: (entries.map(\.id).max() ?? 0) + 1, channel: channel, address: address, reason: reason, source: source, createdAt: now)
            entries.append(entry)
            scopes.withLock { $0[entry.id] = scope }
            return (entry, true)
        }
    }

    public func importAddresses(
        scope: TenantScope, channel: Channel, addresses: [String], reason: String?, source: SuppressionSource, invalid: Int,
        by user: Int?
    ) async throws -> (accepted: Int, duplicates: Int) {
        var accepted = 0
        for address in addresses
        where try await add(scope: scope, channel: channel, address: address, reason: reason, source: source, by: user).created {
            accepted += 1
        }
        return (accepted, addresses.count - accepted)
    }

    public func remove(scope: TenantScope, id: Int, access: AccessCheck, by user: Int?) async throws -> Bool {
        guard let entry = try await get(scope: scope, id: id) else { return false }
        try access.check(entry.channel)
        entries.withLock { $0.removeAll { $0.id == id } }
        return true
    }

    public func get(scope: TenantScope, id: Int) async throws -> Suppression? {
        let owner = scopes.withLock { $0[id] }
        return owner == scope ? entries.withLock { $0.first { $0.id == id } } : nil
    }

    public func list(scope: TenantScope, channel: Channel?, search: String?, page: PageRequest) async throws -> Page<Suppression> {
        let owners = scopes.withLock { $0 }
        let items = entries.withLock { $0 }.filter { owners[$0.id] == scope && (channel == nil || $0.channel == channel) }
        return Page(items: items, total: items.count, page: page.page, perPage: page.perPage)
    }

    /// Removes the tenant's entry for `address` on `channel` when it was added for `reason`.
    public func remove(address: String, scope: TenantScope, channel: Channel, reason: String) {
        let owners = scopes.withLock { $0 }
        entries.withLock { $0.removeAll { owners[$0.id] == scope && $0.channel == channel && $0.address == address && $0.reason == reason } }
    }

    public func isSuppressed(scope: TenantScope, channel: Channel, address: String) async throws -> Bool {
        try await list(scope: scope, channel: channel, search: nil, page: PageRequest(perPage: 100)).items.contains { $0.address == address }
    }
}

/// Capabilities from a fixed table: user id → capability set.
public struct InMemoryCapabilityResolver: CapabilityResolving {
    public let users: [Int: CapabilitySet]
    public init(users: [Int: CapabilitySet]) { self.users = users }

    public func capabilities(userID: Int, scope: TenantScope) async throws -> CapabilitySet {
        users[userID] ?? CapabilitySet(granted: [], planChannels: nil)
    }

    public func isAdministrator(userID: Int) async throws -> Bool { false }
}

/// One-time values in memory.
public final class InMemoryNonceStore: NonceStore {
    private let used = Mutex<Set<String>>([])
    public init() {}
    public func consume(_ nonce: String, expiresAt: Date) async throws -> Bool { used.withLock { $0.insert(nonce).inserted } }
}

/// Idempotency keys in memory, with the MariaDB store's rules: one claim per scope, the same
/// body replays, another body is a reuse, expired or abandoned claims are taken over.
public final class InMemoryIdempotencyStore: IdempotencyStore {
    private struct Entry {
        var requestHash: String
        var answer: IdempotentAnswer?
        var createdAt: Date
        var expiresAt: Date
    }
    private let entries = Mutex<[IdempotencyScope: Entry]>([:])
    private let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    /// How many keys are stored (running or done).
    public var count: Int { entries.withLock { $0.count } }

    public func claim(
        _ scope: IdempotencyScope, requestHash: String, expiresAt: Date, staleAfter: TimeInterval
    ) async throws -> IdempotencyClaim {
        let now = clock.now()
        return entries.withLock { entries in
            if let entry = entries[scope], entry.expiresAt > now,
                entry.answer != nil || entry.createdAt.addingTimeInterval(staleAfter) > now
            {
                if entry.requestHash != requestHash { return .reused }
                return entry.answer.map { .replay($0) } ?? .inProgress
            }
            entries[scope] = Entry(requestHash: requestHash, answer: nil, createdAt: now, expiresAt: expiresAt)
            return .claimed
        }
    }

    public func complete(_ scope: IdempotencyScope, answer: IdempotentAnswer) async throws {
        entries.withLock { entries in
            if entries[scope]?.answer == nil { entries[scope]?.answer = answer }
        }
    }

    public func release(_ scope: IdempotencyScope) async throws {
        entries.withLock { entries in
            if entries[scope]?.answer == nil { entries[scope] = nil }
        }
    }
}

/// Browser sessions in memory.
public final class InMemorySessionStore: SessionStore {
    private let sessions = Mutex<[String: (StoredSession, Date, Bool)]>([:])
    private let clock: any WallClock
    public init(clock: any WallClock) { self.clock = clock }

    public func create(_ session: StoredSession, expiresAt: Date) async throws {
        sessions.withLock { $0[session.id] = (session, expiresAt, false) }
    }

    public func find(id: String) async throws -> StoredSession? {
        let now = clock.now()
        return sessions.withLock { $0[id].flatMap { !$0.2 && $0.1 > now ? $0.0 : nil } }
    }

    public func revoke(id: String) async throws {
        sessions.withLock { $0[id]?.2 = true }
    }
}

/// Site settings with one country code for everyone.
public struct FixedSiteSettings: SiteSettings {
    public let countryCode: String?
    public init(countryCode: String?) { self.countryCode = countryCode }
    public func defaultCountryCode(scope: TenantScope) async throws -> String? { countryCode }
}
