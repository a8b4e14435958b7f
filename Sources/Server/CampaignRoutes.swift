import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIRoutes {
    static func registerCampaigns(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        let repo = deps.campaigns

        /// Loads a campaign of the caller's tenant (404 otherwise) and checks `capability` on its channel.
        @Sendable func load(_ context: AppRequestContext, _ capability: Capability) async throws -> Campaign {
            guard let campaign = try await repo.get(scope: try context.scope(), id: try context.id()) else {
                throw APIError.notFound("campaign")
            }
            try context.require(capability, on: campaign.channel)
            return campaign
        }

        /// A campaign answer with its current run's counters.
        @Sendable func answer(
            _ campaign: Campaign, _ context: AppRequestContext, warnings: [String]? = nil, status: HTTPResponse.Status = .ok
        ) async throws -> Response {
            let scope = try context.scope()
            let counters = try await repo.counters(scope: scope, campaigns: [campaign])[campaign.id]
            return jsonResponse(CampaignBody(campaign, scope: scope, counters: counters, warnings: warnings), status: status)
        }

        api.on(.get, "campaigns", .capability(.read)) { request, context in
            let channels = try context.channels(with: .read)
            let channel = try request.queryChannel()
            if let channel { try context.require(.read, on: channel) }
            var status: CampaignStatus?
            if let raw = request.queryString("status") {
                guard let parsed = CampaignStatus(rawValue: raw) else {
                    throw APIError.validation("status", "must be one of \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let page = try await repo.list(
                scope: try context.scope(),
                query: CampaignListQuery(channel: channel, status: status, search: request.queryString("q"), channels: channels),
                page: try request.pageRequest())
            let scope = try context.scope()
            let counters = try await repo.counters(scope: scope, campaigns: page.items)
            return jsonResponse(PageBody(page) { CampaignBody($0, scope: scope, counters: counters[$0.id]) })
        }
        /// A chosen template fills in a missing body (and subject for email).
        @Sendable func withTemplateDefaults(_ json: JSONValue, _ context: AppRequestContext) async throws -> JSONValue {
            guard case .object(var object) = json, let id = object["template_id"]?.integerValue else { return json }
            let missingBody = object["body"] == nil || object["body"] == .null
            let missingSubject = object["subject"] == nil || object["subject"] == .null
            guard missingBody || missingSubject,
                let template = try await deps.templates.get(scope: try context.scope(), id: id),
                template.channel.rawValue == object["channel"]?.stringValue
            else { return json }
            if missingBody { object["body"] = .string(template.body) }
            if missingSubject, let subject = template.subject { object["subject"] = .string(subject) }
            return .object(object)
        }

        api.on(.post, "campaigns", .capability(.create)) { request, context in
            var request = request
            let draft = try CampaignDraft.validated(from: try await withTemplateDefaults(try await request.jsonBody(), context), now: Date())
            try context.require(.create, on: draft.channel)
            let campaign = try await repo.create(scope: try context.scope(), draft: draft, createdBy: context.identity?.userID)
            return try await answer(campaign, context, warnings: draft.warnings, status: .created)
        }
        api.on(.get, "campaigns/:id", .capability(.read)) { _, context in
            try await answer(try await load(context, .read), context)
        }
        api.on(.put, "campaigns/:id", .capability(.create)) { request, context in
            var request = request
            let existing = try await load(context, .create)
            let draft = try CampaignDraft.validated(from: try await withTemplateDefaults(try await request.jsonBody(), context), now: Date())
            try context.require(.create, on: draft.channel)
            let campaign = try await repo.update(scope: try context.scope(), id: existing.id, draft: draft)
            return try await answer(campaign, context, warnings: draft.warnings)
        }
        api.on(.delete, "campaigns/:id", .capability(.delete)) { _, context in
            let existing = try await load(context, .delete)
            try await repo.delete(scope: try context.scope(), id: existing.id)
            return Response(status: .noContent)
        }
        api.on(.post, "campaigns/:id/send", .capability(.send)) { _, context in
            let existing = try await load(context, .send)
            return try await answer(try await repo.send(scope: try context.scope(), id: existing.id), context)
        }
        for action in [CampaignAction.pause, .resume, .cancel] {
            api.on(.post, "campaigns/:id/\(action.rawValue)", .capability(.send)) { _, context in
                let existing = try await load(context, .send)
                return try await answer(try await repo.transition(scope: try context.scope(), id: existing.id, action: action), context)
            }
        }
        api.on(.post, "campaigns/:id/duplicate", .capability(.create)) { _, context in
            let existing = try await load(context, .create)
            let copy = try await repo.duplicate(scope: try context.scope(), id: existing.id, createdBy: context.identity?.userID)
            return try await answer(copy, context, status: .created)
        }
        api.on(.get, "campaigns/:id/progress", .capability(.read)) { _, context in
            let existing = try await load(context, .read)
            return jsonResponse(ProgressBody(try await repo.progress(scope: try context.scope(), id: existing.id)))
        }
        api.on(.get, "campaigns/:id/logs", .capability(.logs)) { request, context in
            let existing = try await load(context, .logs)
            let page = try await repo.logs(
                scope: try context.scope(), id: existing.id, status: request.queryString("status"), page: try request.pageRequest())
            return jsonResponse(PageBody(page, LogRowBody.init))
        }
        api.on(.get, "campaigns/:id/logs.csv", .capability(.logs)) { request, context in
            let existing = try await load(context, .logs)
            var limit: Int? = 5000
            if let raw = request.queryString("limit") {
                if raw == "all" {
                    limit = nil
                } else if let value = Int(raw), value > 0 {
                    limit = value
                } else {
                    throw APIError.validation("limit", "must be a positive number or 'all'")
                }
            }
            let scope = try context.scope()
            let exportLimit = limit
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"campaign-\(existing.id)-logs.csv\""
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var header = ByteBuffer(string: CSVFormatter.byteOrderMark)
                header.writeString(CSVFormatter.row(CSVExport.columns))
                try await writer.write(header)
                try await repo.streamLogs(scope: scope, id: existing.id, limit: exportLimit) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeString(CSVFormatter.row(CSVExport.cells(row))) }
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            })
        }
        api.on(.get, "campaigns/:id/preview-messages", .capability(.read)) { _, context in
            let campaign = try await load(context, .read)
            let recipients = try await repo.previewRecipients(scope: try context.scope(), id: campaign.id, limit: 10)
            struct Message: Encodable {
                let customerId: Int
                let address: String
                let subject: String?
                let body: String
                let contentVariables: [String: String]?
            }
            let html = campaign.channel == .email && MessageRenderer.looksLikeHTML(campaign.body)
            let messages = recipients.map { recipient in
                let fields = recipient.fields(for: campaign.channel)
                return Message(
                    customerId: recipient.customerID, address: recipient.address,
                    subject: campaign.subject.map { MessageRenderer.renderSubject($0, for: fields, channel: campaign.channel) },
                    body: MessageRenderer.render(campaign.body, for: fields, channel: campaign.channel, html: html),
                    contentVariables: campaign.contentVariables.map {
                        MessageRenderer.renderVariables($0, for: fields, channel: campaign.channel)
                    })
            }
            struct Body: Encodable { let items: [Message] }
            return jsonResponse(Body(items: messages))
        }
    }
}

/// The columns of the logs CSV export.
enum CSVExport {
    static let columns: [String?] = [
        "id", "run", "customer_id", "address", "first_name", "last_name", "status", "attempts", "last_error",
        "provider_message_id", "sent_at", "updated_at",
    ]

    static func cells(_ row: CampaignLogRow) -> [String?] {
        [
            String(row.id), String(row.run), row.customerID.map(String.init), row.address, row.firstName, row.lastName,
            row.status, String(row.attempts), row.lastError, row.providerMessageID, row.sentAt.map(iso), iso(row.updatedAt),
        ]
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
