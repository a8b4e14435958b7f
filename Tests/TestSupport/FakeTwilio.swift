import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A Twilio-compatible Messages API on loopback, over real HTTP, for tests: it checks Basic
/// auth, form encoding, the required fields and the `whatsapp:` pairing as Twilio does, keeps
/// what it accepted (listable like Twilio's Messages list), and answers scripted errors, 429s
/// with Retry-After, 500s, slow answers and dropped connections per recipient number.
public final class FakeTwilio: Sendable {
    /// What the fake does for a given `To`.
    public enum Behaviour: Sendable, Hashable {
        /// Twilio's error answer: `{"code","message","status"}`.
        case error(status: Int, code: Int, message: String)
        case rateLimited(retryAfter: Int)
        case serverError
        /// Accepts the message, but answers only after `seconds` (the client times out first).
        case slow(seconds: Double)
        /// Accepts the message, then closes the connection without an answer.
        case drop
    }

    /// A message the fake accepted.
    public struct Message: Sendable, Hashable {
        public var sid: String
        public var accountSID: String
        public var to: String
        public var from: String?
        public var messagingServiceSID: String?
        public var body: String?
        public var contentSID: String?
        public var contentVariables: String?
        public var statusCallback: String?
        public var created: Date

        public init(
            sid: String, accountSID: String, to: String, from: String?, messagingServiceSID: String? = nil, body: String?,
            contentSID: String? = nil, contentVariables: String? = nil, statusCallback: String? = nil, created: Date
        ) {
            self.sid = sid
            self.accountSID = accountSID
            self.to = to
            self.from = from
            self.messagingServiceSID = messagingServiceSID
            self.body = body
            self.contentSID = contentSID
            self.contentVariables = contentVariables
            self.statusCallback = statusCallback
            self.created = created
        }
    }

    /// Faults for message creates, by their running count (deterministic, so a failing run
    /// can be replayed): `serverErrorPercent` of creates answer 500 without sending,
    /// `slowPercent` are accepted but answered after `slowSeconds` (the client times out and
    /// must look the message up), and every `burstEvery` creates the next `burstLength`
    /// answer 429 with `Retry-After`.
    public struct Faults: Sendable, Hashable {
        public var serverErrorPercent: Int
        public var slowPercent: Int
        public var slowSeconds: Double
        public var burstEvery: Int
        public var burstLength: Int
        public var retryAfter: Int

        public init(
            serverErrorPercent: Int = 10, slowPercent: Int = 1, slowSeconds: Double = 3, burstEvery: Int = 1000, burstLength: Int = 20,
            retryAfter: Int = 1
        ) {
            self.serverErrorPercent = serverErrorPercent
            self.slowPercent = slowPercent
            self.slowSeconds = slowSeconds
            self.burstEvery = burstEvery
            self.burstLength = burstLength
            self.retryAfter = retryAfter
        }

        func behaviour(forCreate n: Int) -> Behaviour? {
            if burstEvery > 0, n % burstEvery >= burstEvery - burstLength { return .rateLimited(retryAfter: retryAfter) }
            let slot = (n &* 37) % 100  // spread the faults over the run
            if slot < serverErrorPercent { return .serverError }
            if slot >= 100 - slowPercent { return .slow(seconds: slowSeconds) }
            return nil
        }
    }

    struct State {
        var messages: [Message] = []
        /// Indexes into `messages` by `To`, so a lookup costs what Twilio's filtered list does,
        /// not a scan of every message (which, on the fake's event loop, would slow every create).
        var byRecipient: [String: [Int]] = [:]

        mutating func append(_ message: Message) {
            byRecipient[message.to, default: []].append(messages.count)
            messages.append(message)
        }
        var behaviours: [String: Behaviour] = [:]
        /// Content API templates, as `ContentAndApprovals` items (JSON objects).
        var contents: [String] = []
        var requests = 0
        var rejected: [String] = []
        var faults: Faults?
        var creates = 0
        var answered: [String: Int] = [:]
        var attempts: [Attempt] = []
    }

    /// One create while faults were injected: to whom, when it arrived, and what it was answered
    /// (`500`, `429`, `slow` or `ok`), so a test can check the retry delays.
    public struct Attempt: Sendable, Hashable {
        public var to: String
        public var at: Date
        public var answer: String
    }

    /// Every create while faults were injected, in arrival order.
    public var attempts: [Attempt] { state.withLock { $0.attempts } }

    /// Injects (or, with nil, stops) faults for every create.
    public func inject(_ faults: Faults?) { state.withLock { $0.faults = faults } }

    /// Answers per kind (`500`, `429`, `slow`) while faults were injected.
    public var faultCounts: [String: Int] { state.withLock { $0.answered } }

    public let accountSID: String
    public let authToken: String
    let state = Mutex(State())
    private let group: MultiThreadedEventLoopGroup
    private let channel: NIOLockedChannel

    /// The base URL to give `BKNTC_TWILIO_API_BASE`.
    public let baseURL: String

    private init(accountSID: String, authToken: String, group: MultiThreadedEventLoopGroup, channel: Channel) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.group = group
        self.channel = NIOLockedChannel(channel)
        self.baseURL = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)"
    }

    /// Starts the fake on a free loopback port.
    public static func start(accountSID: String = "AC" + String(repeating: "1", count: 32), authToken: String = "fake-auth-token")
        async throws -> FakeTwilio
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = Mutex<FakeTwilio?>(nil)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(FakeTwilioHandler(fake: { box.withLock { $0 } }))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        let fake = FakeTwilio(accountSID: accountSID, authToken: authToken, group: group, channel: channel)
        box.withLock { $0 = fake }
        return fake
    }

    public func stop() async {
        try? await channel.value.close()
        try? await group.shutdownGracefully()
    }

    /// Scripts the answer for messages to `to` (E.164, without `whatsapp:`).
    public func script(_ to: String, _ behaviour: Behaviour?) {
        state.withLock { $0.behaviours[to] = behaviour }
    }

    public var messages: [Message] { state.withLock { $0.messages } }
    public var requestCount: Int { state.withLock { $0.requests } }
    /// Why requests were refused (auth, encoding, missing fields), in order.
    public var rejections: [String] { state.withLock { $0.rejected } }

    /// Adds a message as if it had been sent earlier (for lookups).
    public func record(_ message: Message) { state.withLock { $0.append(message) } }

    /// Adds a template to the account's Content API (`GET /v1/ContentAndApprovals`), as Twilio
    /// lists it: a text type with `{{n}}` placeholders, sample variables and a WhatsApp approval.
    public func addContentTemplate(
        sid: String, name: String, language: String = "en", body: String, variables: [String: String], status: String? = "approved"
    ) {
        let item: [String: Any] = [
            "sid": sid, "account_sid": accountSID, "friendly_name": name, "language": language, "variables": variables,
            "types": ["twilio/text": ["body": body]],
            "approval_requests": status.map {
                ["name": name, "category": "MARKETING", "content_type": "twilio/text", "status": $0, "rejection_reason": ""]
            }
                ?? [String: Any](),
            "date_created": Self.rfc2822(Date()), "url": "https://content.twilio.com/v1/Content/\(sid)",
        ]
        let json = (try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        state.withLock { $0.contents.append(json) }
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// The answer to one request: status, headers, JSON body; nil body = drop the connection.
    func answer(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: String) -> (
        status: Int, headers: [(String, String)], body: String?, delay: Double
    ) {
        state.withLock { $0.requests += 1 }
        func error(_ status: Int, _ code: Int, _ message: String) -> (Int, [(String, String)], String?, Double) {
            state.withLock { $0.rejected.append("\(code): \(message)") }
            let json =
                "{\"code\":\(code),\"message\":\"\(message)\",\"more_info\":\"https://www.twilio.com/docs/errors/\(code)\",\"status\":\(status)}"
            return (status, [], json, 0)
        }
        let expected = "Basic " + Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
        guard headers.first(name: "Authorization") == expected else { return error(401, 20003, "Authenticate") }
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        if path == "/v1/ContentAndApprovals" {
            guard method == .GET else { return error(405, 20004, "Method not allowed") }
            let items = state.withLock { $0.contents }
            let meta = "{\"page\":0,\"page_size\":50,\"first_page_url\":null,\"previous_page_url\":null,\"next_page_url\":null,\"key\":\"contents\"}"
            return (200, [], "{\"contents\":[\(items.joined(separator: ","))],\"meta\":\(meta)}", 0)
        }
        guard path == "/2010-04-01/Accounts/\(accountSID)/Messages.json" else { return error(404, 20404, "The requested resource was not found") }
        if method == .GET { return list(query: uri.contains("?") ? String(uri.split(separator: "?", maxSplits: 1)[1]) : "") }
        guard method == .POST else { return error(405, 20004, "Method not allowed") }
        guard headers.first(name: "Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return error(400, 21600, "Content-Type must be application/x-www-form-urlencoded")
        }
        guard let form = Self.decodeForm(body) else { return error(400, 21600, "The body is not valid form encoding") }
        func field(_ name: String) -> String? { form.first { $0.0 == name }?.1 }
        guard let to = field("To"), !to.isEmpty else { return error(400, 21604, "A 'To' phone number is required.") }
        let from = field("From")
        let service = field("MessagingServiceSid")
        guard from?.isEmpty == false || service?.isEmpty == false else { return error(400, 21603, "A 'From' phone number is required.") }
        guard field("Body")?.isEmpty == false || field("ContentSid")?.isEmpty == false else {
            return error(400, 21602, "Message body is required.")
        }
        if let from, from.hasPrefix("whatsapp:") != to.hasPrefix("whatsapp:") {
            return error(400, 21910, "Invalid From and To pair. From and To should be of the same channel")
        }
        if field("ContentVariables").map({ (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] == nil }) == true {
            return error(400, 21658, "ContentVariables must be a JSON object")
        }
        let number = to.hasPrefix("whatsapp:") ? String(to.dropFirst("whatsapp:".count)) : to
        guard number.first == "+", (9...16).contains(number.count), number.dropFirst().allSatisfy(\.isNumber) else {
            return error(400, 21211, "Invalid 'To' Phone Number: \(number)")
        }
        // Twilio's magic test numbers.
        switch number {
        case "+15005550001": return error(400, 21211, "Invalid 'To' Phone Number")
        case "+15005550003": return error(400, 21408, "Permission to send an SMS has not been enabled for the region")
        case "+15005550004": return error(400, 21610, "Attempt to send to unsubscribed recipient")
        case "+15005550009": return error(400, 21614, "'To' number is not a valid mobile number")
        default: break
        }
        let behaviour = state.withLock { state -> Behaviour? in
            if let scripted = state.behaviours[number] { return scripted }
            guard let faults = state.faults else { return nil }
            state.creates += 1
            let fault = faults.behaviour(forCreate: state.creates)
            switch fault {
            case .serverError?: state.answered["500", default: 0] += 1
            case .rateLimited?: state.answered["429", default: 0] += 1
            case .slow?: state.answered["slow", default: 0] += 1
            default: break
            }
            let answer =
                switch fault {
                case .serverError?: "500"
                case .rateLimited?: "429"
                case .slow?: "slow"
                default: "ok"
                }
            state.attempts.append(Attempt(to: to, at: Date(), answer: answer))
            return fault
        }
        switch behaviour {
        case .error(let status, let code, let message)?: return error(status, code, message)
        case .rateLimited(let seconds)?:
            state.withLock { $0.rejected.append("20429: Too Many Requests") }
            return (429, [("Retry-After", String(seconds))], "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", 0)
        case .serverError?:
            return (500, [], "{\"code\":20500,\"message\":\"An internal server error has occurred\",\"status\":500}", 0)
        default: break
        }
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let message = Message(
            sid: sid, accountSID: accountSID, to: to, from: from, messagingServiceSID: service, body: field("Body"),
            contentSID: field("ContentSid"), contentVariables: field("ContentVariables"), statusCallback: field("StatusCallback"),
            created: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        state.withLock { $0.append(message) }
        let json = "{\"sid\":\"\(sid)\",\"status\":\"queued\",\"to\":\(Self.quoted(to)),\"date_created\":\"\(Self.rfc2822(message.created))\"}"
        switch behaviour {
        case .slow(let seconds)?: return (201, [], json, seconds)
        case .drop?: return (201, [], nil, 0)
        default: return (201, [], json, 0)
        }
    }

    private func list(query: String) -> (Int, [(String, String)], String?, Double) {
        let parameters = Self.decodeForm(query) ?? []
        func value(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }
        let candidates = state.withLock { state in
            value("To").map { to in (state.byRecipient[to] ?? []).map { state.messages[$0] } } ?? state.messages
        }
        let matching = candidates.filter { message in
            (value("To").map { $0 == message.to } ?? true) && (value("From").map { $0 == message.from } ?? true)
        }.sorted { $0.created > $1.created }
        let items = matching.prefix(Int(value("PageSize") ?? "50") ?? 50).map { message in
            "{\"sid\":\"\(message.sid)\",\"to\":\(Self.quoted(message.to)),\"from\":\(Self.quoted(message.from ?? "")),"
                + "\"body\":\(Self.quoted(message.body ?? "")),\"status\":\"sent\",\"date_created\":\"\(Self.rfc2822(message.created))\"}"
        }
        return (200, [], "{\"messages\":[\(items.joined(separator: ","))],\"next_page_uri\":null}", 0)
    }

    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    static func decodeForm(_ body: String) -> [(String, String)]? {
        var fields: [(String, String)] = []
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                let value = (parts.count > 1 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { return nil }
            fields.append((name, value))
        }
        return fields
    }
}
