import Foundation

/// Reads a tenant's provider configuration (cached briefly, at most 60 s).
public protocol ProviderConfigurationSource: Sendable {
    func configuration(scope: TenantScope) async throws -> ProviderConfiguration
    /// The tenants whose SMS or WhatsApp provider uses the Twilio account `accountSID` (webhooks).
    func twilioTenants(accountSID: String) async throws -> [TwilioTenant]
}
