import Campaigns

/// The live provider of each channel: Twilio for SMS and WhatsApp, SMTP for email.
public struct LiveSender: MessageSender {
    let twilio: TwilioSender
    let smtp: SMTPSender

    public init(twilio: TwilioSender, smtp: SMTPSender) {
        self.twilio = twilio
        self.smtp = smtp
    }

    public func profile(scope: TenantScope, channel: Channel) async -> SenderProfile {
        channel == .email ? await smtp.profile(scope: scope, channel: channel) : await twilio.profile(scope: scope, channel: channel)
    }

    public func send(_ message: OutgoingMessage) async -> SendOutcome {
        message.channel == .email ? await smtp.send(message) : await twilio.send(message)
    }

    public func lookup(_ message: OutgoingMessage) async -> LookupOutcome {
        message.channel == .email ? await smtp.lookup(message) : await twilio.lookup(message)
    }
}
