import Campaigns

/// Provider settings fixed by a test (the MariaDB source reads Booknetic's options).
public struct StaticProviders: ProviderConfigurationSource {
    public var configuration: ProviderConfiguration

    public init(configuration: ProviderConfiguration) { self.configuration = configuration }

    /// SMS and WhatsApp through `accountSID`/`authToken`, email through an SMTP account.
    public init(
        accountSID: String, authToken: String, smsSender: String = "+15005550006", whatsappSender: String = "+14155238886", smtp: SMTPAccount? = nil
    ) {
        configuration = ProviderConfiguration(
            sms: .configured(TwilioAccount(accountSID: accountSID, authToken: authToken, sender: smsSender)),
            whatsapp: .configured(TwilioAccount(accountSID: accountSID, authToken: authToken, sender: whatsappSender)),
            email: smtp.map { .configured($0) } ?? .missing("set the SMTP host in Booknetic → Settings → Email"))
    }

    public func configuration(scope: TenantScope) async throws -> ProviderConfiguration { configuration }

    public func twilioTenants(accountSID: String) async throws -> [TwilioTenant] {
        var tenants: [TwilioTenant] = []
        if let sms = configuration.sms.account, sms.accountSID == accountSID {
            tenants.append(TwilioTenant(scope: .singleSite, channel: .sms, account: sms))
        }
        if let whatsapp = configuration.whatsapp.account, whatsapp.accountSID == accountSID {
            tenants.append(TwilioTenant(scope: .singleSite, channel: .whatsapp, account: whatsapp))
        }
        return tenants
    }
}
