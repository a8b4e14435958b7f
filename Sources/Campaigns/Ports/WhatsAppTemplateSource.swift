/// Lists a tenant's WhatsApp templates from its provider.
public protocol WhatsAppTemplateSource: Sendable {
    func templates(scope: TenantScope) async -> WhatsAppTemplateList
}

/// The source when the provider has no templates to list (the outbox): always an empty list, so
/// the editor asks for the Content SID instead (DESIGN §21).
public struct NoWhatsAppTemplates: WhatsAppTemplateSource {
    public init() {}

    public func templates(scope: TenantScope) async -> WhatsAppTemplateList { .listed([]) }
}
