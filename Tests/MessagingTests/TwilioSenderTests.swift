import Campaigns
import Foundation
import Logging
import Messaging
import TestSupport
import Testing

/// The Twilio sender against a Twilio-compatible fake over real HTTP on loopback: the request
/// Twilio expects, every classification the engine relies on, and the crash-recovery lookup.
@Suite("Twilio sender", .serialized)
struct TwilioSenderTests {
    static func withSender(
        timeout: Double = 5, smsSender: String = "+15005550006", _ body: (TwilioSender, FakeTwilio) async throws -> Void
    ) async throws {
        let fake = try await FakeTwilio.start()
        let transport = CurlTransport(policy: TransportPolicy(totalTimeout: timeout, allowPlainHTTP: true), threads: 4)
        let sender = TwilioSender(
            transport: transport, apiBase: fake.baseURL,
            providers: StaticProviders(accountSID: fake.accountSID, authToken: fake.authToken, smsSender: smsSender),
            publicURL: "https://campaigns.example.com", logger: Logger(label: "test"))
        do {
            try await body(sender, fake)
        } catch {
            await transport.shutdown()
            await fake.stop()
            throw error
        }
        await transport.shutdown()
        await fake.stop()
    }

    static func message(_ to: String, channel: Channel = .sms, body: String = "Hi Ann, 20% off this week ✂️", claimedAt: Date = Date())
        -> OutgoingMessage
    {
        OutgoingMessage(
            logID: 1, campaignID: 7, scope: .singleSite, channel: channel, to: to, subject: nil, body: body,
            claimedAt: claimedAt.addingTimeInterval(-1))
    }

    @Test func sendsTheCreateRequestTwilioExpects() async throws {
        try await Self.withSender { sender, fake in
            let outcome = await sender.send(Self.message("+4915112345678"))
            guard case .sent(let sid) = outcome else {
                Issue.record("not sent: \(outcome)")
                return
            }
            let stored = try #require(fake.messages.first)
            #expect(stored.sid == sid && sid.hasPrefix("SM"))
            #expect(stored.to == "+4915112345678" && stored.from == "+15005550006")
            #expect(stored.body == "Hi Ann, 20% off this week ✂️")
            #expect(stored.statusCallback == "https://campaigns.example.com/webhooks/twilio/status")
            #expect(fake.rejections.isEmpty)
        }
    }

    @Test func whatsappUsesThePrefixAndApprovedTemplates() async throws {
        try await Self.withSender { sender, fake in
            var message = Self.message("+4915112345678", channel: .whatsapp)
            #expect(await isSent(sender.send(message)))
            message.contentSID = "HX" + String(repeating: "a", count: 32)
            message.contentVariables = ["1": "Ann", "2": "Friday"]
            #expect(await isSent(sender.send(message)))
            let stored = fake.messages
            #expect(stored.count == 2)
            #expect(stored.allSatisfy { $0.to == "whatsapp:+4915112345678" && $0.from == "whatsapp:+14155238886" })
            #expect(stored[1].contentSID == message.contentSID && stored[1].body == nil)
            #expect(stored[1].contentVariables == #"{"1":"Ann","2":"Friday"}"#)
        }
    }

    @Test func aMessagingServiceSendsAsMessagingServiceSid() async throws {
        let service = "MG" + String(repeating: "b", count: 32)
        try await Self.withSender(smsSender: service) { sender, fake in
            #expect(await isSent(sender.send(Self.message("+4915112345678"))))
            #expect(fake.messages.first?.messagingServiceSID == service && fake.messages.first?.from == nil)
            #expect(await sender.profile(scope: .singleSite, channel: .sms).defaultRate == TwilioSender.messagingServiceRate)
        }
    }

    @Test(arguments: [
        (21211, false, false), (21408, false, false), (21610, false, true), (21614, false, false), (21635, false, false),
        (30004, false, false), (30005, false, false), (30006, false, false), (30007, false, false), (21606, false, false),
        (30001, true, false), (30003, true, false), (30008, true, false),
    ])
    func classifiesTwilioErrorCodes(code: Int, retryable: Bool, suppress: Bool) async throws {
        try await Self.withSender { sender, fake in
            fake.script("+4915100000001", .error(status: 400, code: code, message: "scripted \(code)"))
            let outcome = await sender.send(Self.message("+4915100000001"))
            switch outcome {
            case .retryable(let label, _, _): #expect(retryable && label.rawValue == String(code))
            case .permanent(let label, _, let suppressed): #expect(!retryable && label.rawValue == String(code) && suppressed == suppress)
            default: Issue.record("\(code) gave \(outcome)")
            }
        }
    }

    @Test func twilioMagicNumbersAndWhatsappWindow() async throws {
        try await Self.withSender { sender, fake in
            #expect(await permanentCode(sender.send(Self.message("+15005550001"))) == "21211")
            #expect(
                await sender.send(Self.message("+15005550004")) == .permanent(code: "21610", message: "the recipient replied STOP", suppress: true),
                "Twilio's own words stay in the log")
            fake.script("+4915100000002", .error(status: 400, code: 63016, message: "outside window"))
            let outcome = await sender.send(Self.message("+4915100000002", channel: .whatsapp))
            guard case .permanent("63016", let text, false) = outcome else {
                Issue.record("\(outcome)")
                return
            }
            #expect(text.contains("24-hour window"))
        }
    }

    @Test func rateLimitsServerErrorsTimeoutsAndDroppedConnections() async throws {
        try await Self.withSender(timeout: 1) { sender, fake in
            fake.script("+4915100000003", .rateLimited(retryAfter: 42))
            #expect(await sender.send(Self.message("+4915100000003")) == .throttled(code: "20429", retryAfter: 42))
            fake.script("+4915100000004", .serverError)
            guard case .retryable("20500", _, nil) = await sender.send(Self.message("+4915100000004")) else {
                Issue.record("500")
                return
            }
            // Accepted but no answer in time, or the connection dropped: the outcome is unknown.
            fake.script("+4915100000005", .slow(seconds: 3))
            guard case .unknown = await sender.send(Self.message("+4915100000005")) else {
                Issue.record("slow")
                return
            }
            fake.script("+4915100000006", .drop)
            guard case .unknown = await sender.send(Self.message("+4915100000006")) else {
                Issue.record("drop")
                return
            }
        }
    }

    @Test func nothingListeningIsRetryableAndPlainHTTPNeedsPermission() async throws {
        let transport = CurlTransport(policy: TransportPolicy(totalTimeout: 2, allowPlainHTTP: true), threads: 1)
        let closed = TwilioSender(
            transport: transport, apiBase: "http://127.0.0.1:9", providers: StaticProviders(accountSID: "AC1", authToken: "t"),
            publicURL: nil, logger: Logger(label: "test"))
        guard case .retryable("connection", _, nil) = await closed.send(Self.message("+4915112345678")) else {
            Issue.record("connection refused should be retryable")
            return
        }
        await transport.shutdown()
        let strict = CurlTransport(policy: TransportPolicy(totalTimeout: 2, allowPlainHTTP: false), threads: 1)
        let refused = TwilioSender(
            transport: strict, apiBase: "http://127.0.0.1:9", providers: StaticProviders(accountSID: "AC1", authToken: "t"),
            publicURL: nil, logger: Logger(label: "test"))
        guard case .permanent("transport", _, false) = await refused.send(Self.message("+4915112345678")) else {
            Issue.record("plain http must be refused")
            return
        }
        await strict.shutdown()
    }

    @Test func wrongCredentialsArePermanent() async throws {
        let fake = try await FakeTwilio.start()
        let transport = CurlTransport(policy: TransportPolicy(totalTimeout: 5, allowPlainHTTP: true), threads: 1)
        let sender = TwilioSender(
            transport: transport, apiBase: fake.baseURL, providers: StaticProviders(accountSID: fake.accountSID, authToken: "wrong"),
            publicURL: nil, logger: Logger(label: "test"))
        let outcome = await sender.send(Self.message("+4915112345678"))
        await transport.shutdown()
        await fake.stop()
        guard case .permanent("20003", let text, false) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(text.contains("Auth Token"))
        #expect(fake.messages.isEmpty)
    }

    @Test func lookupFindsOnlyTheSameMessageSentAfterTheClaim() async throws {
        try await Self.withSender { sender, fake in
            let claim = Date()
            let message = Self.message("+4915112345678", claimedAt: claim)
            #expect(await sender.lookup(message) == .notFound)
            // Sent before the claim (an earlier run), or another body: not this row's message.
            fake.record(
                FakeTwilio.Message(
                    sid: "SMold", accountSID: fake.accountSID, to: message.to, from: "+15005550006", body: message.body,
                    created: claim.addingTimeInterval(-3600)))
            fake.record(
                FakeTwilio.Message(
                    sid: "SMother", accountSID: fake.accountSID, to: message.to, from: "+15005550006", body: "another text",
                    created: claim.addingTimeInterval(5)))
            #expect(await sender.lookup(message) == .notFound)
            guard case .sent(let sid) = await sender.send(message) else {
                Issue.record("not sent")
                return
            }
            #expect(await sender.lookup(message) == .found(providerID: sid))
        }
    }

    func isSent(_ outcome: SendOutcome) -> Bool {
        if case .sent = outcome { return true }
        return false
    }

    func permanentCode(_ outcome: SendOutcome) -> String? {
        if case .permanent(let code, _, _) = outcome { return code.rawValue }
        return nil
    }
}

/// `X-Twilio-Signature` against Twilio's published example.
@Suite("Twilio signature")
struct TwilioSignatureTests {
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let parameters = [
        FormField("CallSid", "CA1234567890ABCDE"), FormField("Caller", "+12349013030"), FormField("Digits", "1234"),
        FormField("From", "+12349013030"), FormField("To", "+18005551212"),
    ]

    @Test func matchesTwiliosDocumentedExample() {
        #expect(TwilioSignature.compute(authToken: "12345", url: Self.url, parameters: Self.parameters) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        // Order of the form does not matter: Twilio sorts by name.
        #expect(TwilioSignature.compute(authToken: "12345", url: Self.url, parameters: Self.parameters.reversed()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func anyChangeBreaksIt() {
        let good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        #expect(TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters, authTokens: ["other", "12345"]))
        #expect(!TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters, authTokens: ["54321"]))
        #expect(!TwilioSignature.isValid(good, url: Self.url + "&x=1", parameters: Self.parameters, authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters.dropLast(), authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid("", url: Self.url, parameters: Self.parameters, authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid(good, url: Self.url, parameters: Self.parameters, authTokens: []))
    }
}
