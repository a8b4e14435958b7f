/// Why a row failed, or failed for now and waits for a retry: the engine decides one of these,
/// and the store writes its `storedText` to the row's `last_error` (DESIGN §6). The text is what
/// the contract, the API and the CSV exports show; nothing reads state back out of it.
public enum RowFailure: Sendable, Hashable {
    /// The provider refused or failed the message: stored as `code: message`.
    case provider(code: ProviderCode, message: String)
    /// No provider is configured for the channel: stored as the bare reason, which the
    /// campaign's `status_reason` follows when nothing was sent.
    case providerNotConfigured
    /// The call may have reached the provider and nothing can tell whether it did (email has no
    /// lookup): the row fails instead of risking a second message.
    case interrupted

    /// No answer from the provider, and its lookup did not find the message.
    public static let unknownOutcome = RowFailure.provider(code: .unknownOutcome, message: unknownOutcomeMessage)
    /// The message of ``unknownOutcome``.
    public static let unknownOutcomeMessage = "no answer; not found by lookup"

    /// The provider answered 429 more often than the row may wait for.
    public static func keptThrottling(code: ProviderCode) -> RowFailure {
        .provider(code: code, message: "the provider kept asking to slow down")
    }

    /// A provider's refusal, typed: `provider_not_configured` is the reason of its own.
    public static func refusal(code: ProviderCode, message: String) -> RowFailure {
        code == .providerNotConfigured ? .providerNotConfigured : .provider(code: code, message: message)
    }

    /// The text of `last_error`.
    public var storedText: String {
        switch self {
        case .provider(let code, let message): "\(code.rawValue): \(message)"
        case .providerNotConfigured: StatusReason.providerNotConfigured.rawValue
        case .interrupted: "interrupted"
        }
    }
}
