import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reverse proxies in front of the service (`BKNTC_TRUSTED_PROXIES`, DESIGN §13): IPv4 and
/// IPv6 ranges in CIDR notation (a bare address is a range of one). A request from one of them
/// comes from the right-most `X-Forwarded-For` entry that is not itself a trusted proxy; from
/// anyone else `X-Forwarded-For` means nothing, since anybody can write it.
public struct TrustedProxies: Sendable, Hashable {
    /// One range: the first `prefixLength` bits of `network`.
    struct Range: Sendable, Hashable {
        let network: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            let whole = prefixLength / 8
            guard address.prefix(whole) == network.prefix(whole) else { return false }
            let rest = prefixLength % 8
            guard rest > 0 else { return true }
            let mask = UInt8(0xFF) << (8 - rest)
            return address[whole] & mask == network[whole] & mask
        }
    }

    let ranges: [Range]

    /// Nobody is trusted: every client address is the peer's.
    public static let none = TrustedProxies(ranges: [])

    private init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Reads comma-separated CIDRs, e.g. `10.0.0.0/8, 2001:db8::/32, 192.0.2.7`; empty text is
    /// nobody. Nil when an entry is not an IP address or range.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            self = .none
            return
        }
        var ranges: [Range] = []
        for entry in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let network = IPAddress.bytes(of: parts[0]) else { return nil }
            let bits = network.count * 8
            var length = bits
            if parts.count == 2 {
                guard let given = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), (0...bits).contains(given)
                else { return nil }
                length = given
            }
            ranges.append(Range(network: network, prefixLength: length))
        }
        self.init(ranges: ranges)
    }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` is inside one of the ranges.
    public func contains(_ address: String) -> Bool {
        IPAddress.bytes(of: address[...]).map(contains) ?? false
    }

    private func contains(_ bytes: [UInt8]) -> Bool {
        ranges.contains { $0.contains(bytes) }
    }

    /// The client's address for a request from `peer` carrying these `X-Forwarded-For` values
    /// (in the order they came): the peer itself unless it is trusted; otherwise the right-most
    /// entry that is not trusted (or, when all are, the left-most), in canonical form. An entry
    /// a trusted proxy wrote that is no address ends the walk at the hop before it.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard let peerBytes = IPAddress.bytes(of: peer[...]) else { return peer }
        var client = IPAddress.text(of: peerBytes)
        guard contains(peerBytes) else { return client }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in entries.reversed() where !entry.isEmpty {
            // Nonsense from a proxy: the last hop that made sense is all that is known.
            guard let bytes = IPAddress.bytes(of: IPAddress.withoutPort(entry)) else { return client }
            client = IPAddress.text(of: bytes)
            if !contains(bytes) { return client }
        }
        return client
    }
}

/// IPv4 and IPv6 addresses as bytes and back (IPv4-mapped IPv6 addresses are their IPv4 address).
enum IPAddress {
    static func bytes(of text: Substring) -> [UInt8]? {
        let text = String(text)
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes.suffix(4)) }
        return bytes
    }

    /// The canonical text of an address, so each has one key in the limiter.
    static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard written != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `[2001:db8::1]:443` → `2001:db8::1`, `192.0.2.1:8080` → `192.0.2.1` (some proxies add the port).
    static func withoutPort(_ entry: String) -> Substring {
        if entry.hasPrefix("["), let end = entry.firstIndex(of: "]") {
            return entry[entry.index(after: entry.startIndex)..<end]
        }
        if entry.filter({ $0 == ":" }).count == 1, let colon = entry.firstIndex(of: ":") {
            return entry[..<colon]
        }
        return entry[...]
    }
}
