import Foundation

/// The limits every outbound provider call obeys (HTTP to Twilio, SMTP).
public struct TransportPolicy: Sendable, Hashable {
    /// Connecting (TCP and TLS) may take at most this long.
    public var connectTimeout: TimeInterval
    /// The whole call, connect included (`BKNTC_PROVIDER_TIMEOUT`).
    public var totalTimeout: TimeInterval
    /// Larger answers are cut off and treated as a lost connection.
    public var maxResponseBytes: Int
    /// Plain `http` is allowed only for an explicitly configured local `BKNTC_TWILIO_API_BASE`.
    public var allowPlainHTTP: Bool
    /// An extra CA bundle to trust (a private SMTP server's certificate); verification stays on.
    public var caFile: String?

    public init(totalTimeout: TimeInterval, allowPlainHTTP: Bool = false, caFile: String? = nil, maxResponseBytes: Int = 1 << 20) {
        self.totalTimeout = max(0.1, totalTimeout)
        self.connectTimeout = min(10, self.totalTimeout)
        self.allowPlainHTTP = allowPlainHTTP
        self.caFile = caFile
        self.maxResponseBytes = maxResponseBytes
    }
}

/// Why an outbound call has no answer to read.
public enum TransportFailure: Error, Sendable, Hashable {
    /// The request never left (no connection, DNS, refused): sending again is safe.
    case notConnected(String)
    /// Timed out or lost the connection after sending began: the outcome is unknown.
    case interrupted(String)
    /// The URL's scheme is not allowed, or the transfer could not be set up.
    case refused(String)

    public var detail: String {
        switch self {
        case .notConnected(let text), .interrupted(let text), .refused(let text): text
        }
    }
}
