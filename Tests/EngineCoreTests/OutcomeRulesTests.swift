import Campaigns
import Engine
import Foundation
import Testing

/// What a provider's answer, or recovery's lookup, makes of a row (DESIGN §6), as values.
@Suite("Outcome rules (values)")
struct OutcomeRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let rules = OutcomeRules(retry: RetryPolicy(delays: [120, 240]), throttleRetries: 2)

    static func row(_ id: Int = 1, channel: Channel = .sms, attempts: Int = 0, throttles: Int = 0) -> ClaimedRow {
        ClaimedRow(
            id: id, campaignID: 1, run: 1, scope: .tenant(7), channel: channel, customerID: 10,
            address: channel == .email ? "ann@example.com" : "+447700900001", firstName: nil, lastName: nil, attempts: attempts,
            claimedAt: now, claimToken: "w/1", throttles: throttles)
    }

    @Test func aCallThatNeverStartedIsReleasedAndASentOneKeepsItsProviderID() {
        #expect(Self.rules.resolve(Self.row(), nil, now: Self.now)?.row == .released(id: 1))
        #expect(Self.rules.resolve(Self.row(), .sent(providerID: "SM1"), now: Self.now)?.row == .sent(id: 1, providerID: "SM1"))
    }

    @Test func retryableFailuresFollowThePolicyThenFailWithCodeAndMessage() {
        let outcome = SendOutcome.retryable(code: "30003", message: "unreachable", retryAfter: nil)
        let error = RowFailure.provider(code: "30003", message: "unreachable")
        #expect(Self.rules.resolve(Self.row(), outcome, now: Self.now)?.row == .retry(id: 1, at: Self.now + 120, error: error))
        #expect(Self.rules.resolve(Self.row(attempts: 1), outcome, now: Self.now)?.row == .retry(id: 1, at: Self.now + 240, error: error))
        #expect(Self.rules.resolve(Self.row(attempts: 2), outcome, now: Self.now)?.row == .failed(id: 1, error: error))
        // A provider's Retry-After longer than the policy's delay wins.
        let later = SendOutcome.retryable(code: "http_503", message: "busy", retryAfter: 600)
        #expect(
            Self.rules.resolve(Self.row(), later, now: Self.now)?.row
                == .retry(id: 1, at: Self.now + 600, error: .provider(code: "http_503", message: "busy")))
        #expect(error.storedText == "30003: unreachable")
    }

    @Test func throttlesAreFreeABoundedNumberOfTimesThenFailLikeA500() {
        let outcome = SendOutcome.throttled(code: "20429", retryAfter: 0.2)
        #expect(Self.rules.resolve(Self.row(throttles: 1), outcome, now: Self.now)?.row == .throttled(id: 1, until: Self.now + 1))
        let kept = Self.rules.resolve(Self.row(throttles: 2), outcome, now: Self.now)?.row
        #expect(kept == .retry(id: 1, at: Self.now + 120, error: .keptThrottling(code: "20429")))
        #expect(RowFailure.keptThrottling(code: "20429").storedText == "20429: the provider kept asking to slow down")
    }

    @Test func permanentRefusalsFailAndAStopReplySuppressesTheAddress() {
        let stop = Self.rules.resolve(Self.row(), .permanent(code: "21610", message: "the recipient replied STOP", suppress: true), now: Self.now)
        #expect(stop?.row == .failed(id: 1, error: .provider(code: "21610", message: "the recipient replied STOP")))
        #expect(stop?.suppress == SuppressionRequest(scope: .tenant(7), channel: .sms, address: "+447700900001", reason: "STOP reply"))
        let missing = Self.rules.resolve(
            Self.row(), .permanent(code: "provider_not_configured", message: "set the SID", suppress: false), now: Self.now)
        #expect(missing?.row == .failed(id: 1, error: .providerNotConfigured) && missing?.suppress == nil)
        #expect(RowFailure.providerNotConfigured.storedText == "provider_not_configured")
    }

    @Test func anUnknownOutcomeFailsEmailInterruptedAndLeavesOtherRowsToRecovery() {
        let unknown = SendOutcome.unknown(code: "timeout", message: "no answer")
        #expect(Self.rules.resolve(Self.row(channel: .email), unknown, now: Self.now)?.row == .failed(id: 1, error: .interrupted))
        #expect(Self.rules.resolve(Self.row(), unknown, now: Self.now) == nil)
        #expect(RowFailure.interrupted.storedText == "interrupted")
        #expect(Self.rules.resolve(Self.row(), .notAttempted(retryAfter: 5), now: Self.now)?.row == .deferred(id: 1, until: Self.now + 5))
    }

    @Test func theLookupAfterAnUnknownAnswerDecidesWhatItWas() {
        let unknown = SendOutcome.unknown(code: "timeout", message: "no answer")
        #expect(OutcomeRules.afterLookup(unknown, .found(providerID: "SM9")) == .sent(providerID: "SM9"))
        #expect(
            OutcomeRules.afterLookup(unknown, .notFound)
                == .retryable(code: "unknown_outcome", message: "no answer; not found by lookup", retryAfter: nil))
        #expect(OutcomeRules.afterLookup(unknown, .unsupported) == unknown && OutcomeRules.afterLookup(unknown, .failed("503")) == unknown)
        #expect(RowFailure.unknownOutcome.storedText == "unknown_outcome: no answer; not found by lookup")
    }

    @Test func recoveryResolvesAnExpiredLeaseByItsLookupNeverByAResend() {
        #expect(OutcomeRules.recovered(Self.row(), .found(providerID: "SM1")) == .sent(id: 1, providerID: "SM1"))
        #expect(OutcomeRules.recovered(Self.row(), .notFound) == .released(id: 1))
        #expect(OutcomeRules.recovered(Self.row(), .unsupported) == .failed(id: 1, error: .interrupted))
        #expect(OutcomeRules.recovered(Self.row(), .failed("timeout")) == nil)
    }

    @Test func aTallyCountsWhatItRecordsAndCollectsTheSuppressions() {
        let tally = Self.rules.tally(
            [
                (Self.row(1), .sent(providerID: "SM1")), (Self.row(2), .permanent(code: "21610", message: "STOP", suppress: true)),
                (Self.row(3), .retryable(code: "30003", message: "unreachable", retryAfter: nil)),
                (Self.row(4), .unknown(code: "timeout", message: "")),
                (Self.row(5), nil),
            ], now: Self.now)
        #expect(tally.results.map(\.id) == [1, 2, 3, 5])
        #expect(tally.counts.sent == 1 && tally.counts.failed == 1 && tally.counts.retrying == 1 && tally.counts.skipped == 0)
        #expect(tally.suppress.map(\.address) == ["+447700900001"])
    }
}
