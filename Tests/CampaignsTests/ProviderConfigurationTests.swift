import Campaigns
import Testing

/// Which provider a tenant's channel uses, from Booknetic's settings (DESIGN §2), and the
/// message that names what to fix when it cannot send.
@Suite("Provider configuration")
struct ProviderConfigurationTests {
    static let plugins: Set<String> = [ProviderConfiguration.smsPlugin, ProviderConfiguration.whatsappPlugin]
    static let global: [String: String] = [
        "bkntc_sms_account_sid": "ACglobal", "bkntc_sms_auth_token": "global-token", "bkntc_sender_phone_number": "+15005550006",
        "bkntc_whatsapp_account_sid": "ACwa", "bkntc_whatsapp_auth_token": "wa-token",
        "bkntc_sender_phone_number_whatsapp": "whatsapp:+14155238886", "bkntc_mail_gateway": "smtp",
        "bkntc_smtp_hostname": "smtp.example.com", "bkntc_smtp_port": "465", "bkntc_smtp_secure": "ssl",
        "bkntc_smtp_username": "u", "bkntc_smtp_password": "p", "bkntc_sender_email": "salon@example.com",
    ]

    @Test func aChannelsSettingsComeAsAUnitFromTheTenantOrFromTheGlobalOptions() {
        var options = Self.global
        options["bkntc_t7_sms_account_sid"] = "ACtenant"
        options["bkntc_t7_sms_auth_token"] = "tenant-token"
        options["bkntc_t7_sender_phone_number"] = "   "  // empty: never the platform's number instead
        let tenant = ProviderConfiguration.resolve(options: options, tenant: 7, activePlugins: Self.plugins)
        #expect(tenant.sms.account == nil, "a tenant's own SID and token never send from the global number")
        #expect(tenant.problem(for: .sms)?.hasPrefix("set the sender phone number") == true)
        #expect(tenant.problem(for: .sms)?.contains("never mixed with the platform's") == true)
        options["bkntc_t7_sender_phone_number"] = "+15005550099"
        let complete = ProviderConfiguration.resolve(options: options, tenant: 7, activePlugins: Self.plugins)
        #expect(complete.sms.account == TwilioAccount(accountSID: "ACtenant", authToken: "tenant-token", sender: "+15005550099", level: .tenant))
        #expect(complete.whatsapp.account?.sender == "+14155238886", "the whatsapp: prefix is the provider's business")
        #expect(complete.whatsapp.account?.level == .global, "each channel is its own unit")
        #expect(
            complete.email.account
                == SMTPAccount(
                    host: "smtp.example.com", port: 465, security: .ssl, username: "u", password: "p", senderEmail: "salon@example.com",
                    senderName: nil))
        let other = ProviderConfiguration.resolve(options: options, tenant: 8, activePlugins: Self.plugins)
        #expect(other.sms.account?.accountSID == "ACglobal" && other.sms.account?.level == .global)
        #expect(!"\(complete.sms.account!)".contains("tenant-token"), "descriptions never print the token")
        #expect(!"\(complete.email.account!)".contains("p)"))
        // A tenant's own auth token alone does not borrow the global SID (it would validate
        // webhooks on the platform's account).
        var tokenOnly = Self.global
        tokenOnly["bkntc_t9_sms_auth_token"] = "forged"
        #expect(ProviderConfiguration.resolve(options: tokenOnly, tenant: 9, activePlugins: Self.plugins).sms.account == nil)
    }

    @Test func aTenantMayNameItselfButNotSendFromThePlatformsAddress() {
        var options = Self.global
        options["bkntc_t7_sender_name"] = "Salon Seven"
        let named = ProviderConfiguration.resolve(options: options, tenant: 7, activePlugins: Self.plugins).email.account
        #expect(named?.senderName == "Salon Seven" && named?.senderEmail == "salon@example.com" && named?.level == .global)
        options["bkntc_t7_sender_email"] = "ceo@platform.example"
        let spoofed = ProviderConfiguration.resolve(options: options, tenant: 7, activePlugins: Self.plugins)
        #expect(spoofed.email.account == nil, "a tenant's sender address never rides on the platform's SMTP account")
        #expect(spoofed.problem(for: .email)?.contains("choose SMTP as the mail gateway") == true)
        for bad in ["salon@example.com\r\nRCPT TO:<x@evil.example>", "<salon@example.com>", "not an address"] {
            var global = Self.global
            global["bkntc_sender_email"] = bad
            let refused = ProviderConfiguration.resolve(options: global, tenant: nil, activePlugins: Self.plugins)
            #expect(refused.problem(for: .email) == "the sender email in Booknetic → Settings → Email is not a valid email address", "\(bad)")
        }
    }

    @Test func eachMissingPieceNamesWhatToFix() {
        let none = ProviderConfiguration.resolve(options: Self.global, tenant: nil, activePlugins: [])
        #expect(none.problem(for: .sms)?.contains("activate the Twilio SMS add-on") == true)
        #expect(none.problem(for: .whatsapp)?.contains("activate the Twilio WhatsApp add-on") == true)
        var options = Self.global
        options["bkntc_sms_auth_token"] = ""
        options["bkntc_sender_phone_number_whatsapp"] = nil
        options["bkntc_mail_gateway"] = "wp_mail"
        let partial = ProviderConfiguration.resolve(options: options, tenant: nil, activePlugins: Self.plugins)
        #expect(partial.problem(for: .sms) == "set the Twilio Auth Token in Booknetic → Settings → SMS (Twilio)")
        #expect(partial.problem(for: .whatsapp) == "set the sender phone number in Booknetic → Settings → WhatsApp (Twilio)")
        #expect(partial.problem(for: .email)?.contains("choose SMTP as the mail gateway") == true)
        options["bkntc_mail_gateway"] = "gmail_smtp"
        #expect(
            ProviderConfiguration.resolve(options: options, tenant: nil, activePlugins: Self.plugins).problem(for: .email)?
                .contains("Gmail SMTP gateway cannot be used") == true)
        options["bkntc_mail_gateway"] = "smtp"
        options["bkntc_smtp_hostname"] = ""
        #expect(
            ProviderConfiguration.resolve(options: options, tenant: nil, activePlugins: Self.plugins).problem(for: .email)
                == "set the SMTP host in Booknetic → Settings → Email")
        let ready = ProviderConfiguration.resolve(options: Self.global, tenant: nil, activePlugins: Self.plugins)
        #expect(Channel.allCases.allSatisfy { ready.problem(for: $0) == nil })
    }

    @Test func smtpDefaultsFollowTheSecurity() {
        var options = Self.global
        options["bkntc_smtp_port"] = "not a port"
        options["bkntc_smtp_secure"] = "tls"
        #expect(ProviderConfiguration.resolve(options: options, tenant: nil, activePlugins: []).email.account?.port == 587)
        options["bkntc_smtp_secure"] = "no"
        options["bkntc_smtp_port"] = "2525"
        let plain = ProviderConfiguration.resolve(options: options, tenant: nil, activePlugins: []).email.account
        #expect(plain?.security == SMTPSecurity.none && plain?.port == 2525)
    }

    @Test func keywordsAndStatuses() {
        #expect(InboundKeyword(body: "  Stop\n") == .stop)
        #expect(InboundKeyword(body: "optout") == .stop)
        #expect(InboundKeyword(body: "unstop") == .start)
        #expect(InboundKeyword(body: "stop please") == nil)
        #expect(DeliveryStatus(twilioStatus: "failed") == .undelivered)
        #expect(DeliveryStatus(twilioStatus: "delivered") == .delivered)
        #expect(DeliveryStatus(twilioStatus: "sent") == nil && DeliveryStatus(twilioStatus: "queued") == nil)
    }
}
