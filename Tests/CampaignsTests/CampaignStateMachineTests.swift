import Campaigns
import Foundation
import Testing

@Suite("Campaign lifecycle (state machine as a value)")
struct CampaignStateMachineTests {
    @Test func everyActionFromEveryStatus() throws {
        // Expected outcome per (status, action): a target status or the refusal code.
        let expectations: [CampaignStatus: [CampaignAction: String]] = [
            .draft: [
                .edit: "draft", .delete: "draft", .send: "queued", .pause: "invalid_transition", .resume: "invalid_transition",
                .cancel: "invalid_transition",
            ],
            .scheduled: [
                .edit: "draft", .delete: "scheduled", .send: "campaign_already_sent", .pause: "invalid_transition", .resume: "invalid_transition",
                .cancel: "cancelled",
            ],
            .queued: [
                .edit: "campaign_locked", .delete: "campaign_locked", .send: "campaign_already_sent", .pause: "paused", .resume: "invalid_transition",
                .cancel: "cancelled",
            ],
            .sending: [
                .edit: "campaign_locked", .delete: "campaign_locked", .send: "campaign_already_sent", .pause: "paused", .resume: "invalid_transition",
                .cancel: "cancelled",
            ],
            .paused: [
                .edit: "draft", .delete: "paused", .send: "invalid_transition", .pause: "invalid_transition", .resume: "queued", .cancel: "cancelled",
            ],
            .completed: [
                .edit: "campaign_has_sends", .delete: "completed", .send: "campaign_completed", .pause: "invalid_transition",
                .resume: "invalid_transition", .cancel: "campaign_completed",
            ],
            .failed: [
                .edit: "draft", .delete: "failed", .send: "invalid_transition", .pause: "invalid_transition", .resume: "invalid_transition",
                .cancel: "invalid_transition",
            ],
            .cancelled: [
                .edit: "draft", .delete: "cancelled", .send: "invalid_transition", .pause: "invalid_transition", .resume: "invalid_transition",
                .cancel: "invalid_transition",
            ],
        ]
        for status in CampaignStatus.allCases {
            for action in [CampaignAction.edit, .delete, .send, .pause, .resume, .cancel] {
                let outcome: String
                do {
                    outcome = try CampaignLifecycle(status: status, attemptedRows: 0).apply(action).rawValue
                } catch {
                    guard case .conflict(let code, _) = error else { throw error }
                    outcome = code.rawValue
                }
                #expect(outcome == expectations[status]?[action], "\(status) + \(action)")
            }
        }
    }

    @Test func editsAfterAttemptsAreRefused() {
        for status in [CampaignStatus.paused, .failed, .cancelled] {
            #expect(
                throws: DomainError.conflict(
                    .campaignHasSends, message: "messages of this campaign were already sent; duplicate it to send again to the same people")
            ) {
                try CampaignLifecycle(status: status, attemptedRows: 1).apply(.edit)
            }
            #expect((try? CampaignLifecycle(status: status, attemptedRows: 0).apply(.edit)) == .draft)
        }
    }
}
