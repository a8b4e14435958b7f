/// A small, fully specified pseudo-random generator (SplitMix64) for the demo data.
///
/// The demo must produce byte-identical rows for the same seed on every platform and Swift
/// release, so it never uses `SystemRandomNumberGenerator` or the standard library's
/// `random(in:using:)` algorithms (whose exact output is not part of their contract): every
/// draw below is defined here, in terms of `next()`.
///
/// Rows are generated from independent streams (`stream`, `index`) so that any row can be
/// produced without generating the rows before it; the generator can therefore fill tables from
/// several connections at once and still write exactly the same data.
struct SeededRandom {
    private var state: UInt64

    /// A generator for one row: `stream` names the kind of row, `index` its position.
    init(seed: UInt64, stream: Stream, index: Int) {
        let a = Self.mix(seed &+ stream.rawValue &* 0xD1B5_4A32_D192_ED03)
        state = Self.mix(a ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019))
    }

    /// A generator seeded directly (SplitMix64's own seeding; `SeededRandom(seed: 0).next()` is
    /// `0xE220A8397B1DCDAF`).
    init(seed: UInt64) { state = seed }

    /// The kinds of rows; each has its own stream of numbers.
    enum Stream: UInt64 {
        case setup = 1
        case customerPlan, customer, appointment, tenant
    }

    /// The next 64 random bits (SplitMix64).
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform integer in `0..<bound` (`bound` ≥ 1), by multiply-high (bias < 2⁻³², irrelevant here).
    mutating func int(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `0..<1` with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// An index chosen with the given (non-negative, not all zero) weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (index, weight) in weights.enumerated() {
            if x < weight { return index }
            x -= weight
        }
        return weights.count - 1
    }

    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = next()
            for _ in 0..<16 where bytes.count < count {
                bytes.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The SplitMix64 finalizer: a bijective 64-bit mixer.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
