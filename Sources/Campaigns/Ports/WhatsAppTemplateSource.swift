/// Lists a tenant's WhatsApp templates from its provider.
public protocol WhatsAppTemplateSource: Sendable {
    func templates(scope: TenantScope) async -> WhatsAppTemplateList
}
