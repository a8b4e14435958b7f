import Foundation

/// The probability that each variant's conversion rate is the highest (DESIGN §19): every
/// variant's rate has the posterior Beta(1 + booked customers, 1 + messaged − booked customers)
/// of a uniform prior; `draws` joint draws, seeded, count how often each variant's draw is the
/// largest (a tie counts for the earlier variant). The same seed gives the same figures.
public enum BetaPosteriors {
    public static let draws = 20_000

    public static func probabilityBest(_ outcomes: [VariantOutcome], draws: Int = Self.draws, seed: UInt64) -> [Double] {
        guard !outcomes.isEmpty, draws > 0 else { return outcomes.map { _ in 0 } }
        var random = SplitMix64(seed: seed)
        let shapes = outcomes.map { outcome -> (Double, Double) in
            let booked = min(max(outcome.bookedCustomers, 0), max(outcome.messaged, 0))
            return (1 + Double(booked), 1 + Double(max(outcome.messaged, 0) - booked))
        }
        var wins = [Int](repeating: 0, count: outcomes.count)
        for _ in 0..<draws {
            var bestIndex = 0
            var bestValue = -1.0
            for (index, shape) in shapes.enumerated() {
                let value = random.beta(shape.0, shape.1)
                if value > bestValue {
                    bestValue = value
                    bestIndex = index
                }
            }
            wins[bestIndex] += 1
        }
        return wins.map { Double($0) / Double(draws) }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator, so that the
/// same campaign always gets the same `probability_best`.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1): 53 random bits, never 0.
    mutating func unit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        sqrt(-2 * log(unit())) * cos(2 * Double.pi * unit())
    }

    /// A Gamma(shape, 1) draw for shape ≥ 1 (Marsaglia and Tsang 2000).
    mutating func gamma(_ shape: Double) -> Double {
        let d = shape - 1.0 / 3
        let c = 1 / sqrt(9 * d)
        while true {
            var x = 0.0
            var v = 0.0
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = unit()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) {
                return d * v
            }
        }
    }

    /// A Beta(a, b) draw for a, b ≥ 1: X / (X + Y) of two Gamma draws.
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(a)
        let y = gamma(b)
        return x / (x + y)
    }
}
