import Campaigns

/// WhatsApp templates as a test fixes them: the same answer for every tenant.
public struct StaticWhatsAppTemplates: WhatsAppTemplateSource {
    public let answer: WhatsAppTemplateList

    public init(_ answer: WhatsAppTemplateList) { self.answer = answer }

    public func templates(scope: TenantScope) async -> WhatsAppTemplateList { answer }
}
