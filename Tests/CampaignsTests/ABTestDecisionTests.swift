import Foundation
import Testing

@testable import Campaigns

/// DESIGN §19's A/B decision as values: the winner per messaged customer, and
/// `probability_best` from Beta posteriors checked against the closed form.
@Suite("A/B tests: the winner and the probability that it is best")
struct ABTestDecisionTests {
    /// P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB) with whole aB (Evan Miller's sum).
    static func exactProbabilityBBeatsA(aA: Double, bA: Double, aB: Int, bB: Double) -> Double {
        func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }
        var total = 0.0
        for i in 0..<aB {
            let i = Double(i)
            total += exp(logBeta(aA + i, bA + bB) - log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA))
        }
        return total
    }

    @Test func twoVariantsAgreeWithTheClosedForm() {
        let a = VariantOutcome(name: "A", messaged: 120, bookedCustomers: 9)
        let b = VariantOutcome(name: "B", messaged: 118, bookedCustomers: 16)
        let exact = Self.exactProbabilityBBeatsA(aA: 10, bA: 112, aB: 17, bB: 103)
        let drawn = BetaPosteriors.probabilityBest([a, b], seed: 42)
        // 20,000 draws: a standard error below 0.004.
        #expect(abs(drawn[1] - exact) < 0.015, "drawn \(drawn[1]), exact \(exact)")
        #expect(abs(drawn[0] + drawn[1] - 1) < 1e-9)
        #expect(exact > 0.9 && exact < 0.99)
    }

    @Test func equalVariantsShareTheProbabilityAndTheSeedFixesIt() {
        let same = (0..<3).map { VariantOutcome(name: ["A", "B", "C"][$0], messaged: 50, bookedCustomers: 5) }
        let first = BetaPosteriors.probabilityBest(same, seed: 7)
        #expect(first.allSatisfy { abs($0 - 1.0 / 3) < 0.02 }, "\(first)")
        #expect(BetaPosteriors.probabilityBest(same, seed: 7) == first)
        #expect(BetaPosteriors.probabilityBest(same, seed: 8) != first)
        // Nobody messaged yet: the uniform priors, a third each.
        let untried = (0..<3).map { VariantOutcome(name: "\($0)", messaged: 0) }
        #expect(BetaPosteriors.probabilityBest(untried, seed: 1).allSatisfy { abs($0 - 1.0 / 3) < 0.02 })
        // A clear winner among four.
        let clear = [10, 11, 40, 9].enumerated().map { VariantOutcome(name: "\($0.offset)", messaged: 200, bookedCustomers: $0.element) }
        #expect(BetaPosteriors.probabilityBest(clear, seed: 3)[2] > 0.999)
    }

    @Test func theWinnerHasTheHighestMetricPerMessagedCustomerAndTiesGoToTheEarlier() {
        let a = VariantOutcome(name: "A", messaged: 100, bookedCustomers: 8, bookings: 10, revenue: 500, clicked: 30)
        let b = VariantOutcome(name: "B", messaged: 50, bookedCustomers: 5, bookings: 6, revenue: 200, clicked: 15)
        #expect(ABDecision.winner([a, b], by: .bookings) == "B")  // 0.12 against 0.10
        #expect(ABDecision.winner([a, b], by: .revenue) == "A")  // 5.00 against 4.00
        #expect(ABDecision.winner([a, b], by: .clicks) == "A")  // 0.30 each: the earlier
        #expect(ABDecision.winner([b, a], by: .clicks) == "B")
        let silent = VariantOutcome(name: "C", messaged: 0)
        #expect(ABDecision.winner([silent, a], by: .bookings) == "A")
        #expect(ABDecision.winner([silent, VariantOutcome(name: "D", messaged: 0)], by: .bookings) == "C")
        #expect(ABDecision.winner([], by: .bookings) == nil)
        #expect(b.conversionRate == 0.1 && silent.conversionRate == 0)
    }

    @Test func theDecisionTimeFollowsTheSnapshotByFractionalHours() throws {
        let snapshot = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ABTestSettings(decideAfterHours: 0.01).decisionTime(after: snapshot) == snapshot.addingTimeInterval(36))
        #expect(ABTestSettings(decideAfterHours: 24).decisionTime(after: snapshot) == snapshot.addingTimeInterval(86_400))
        #expect(ABTestSettings.testPercentRange.contains(5) && !ABTestSettings.testPercentRange.contains(101))
    }
}
