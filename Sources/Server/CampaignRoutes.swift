import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension APIRoutes {
    static func registerCampaigns(_ api: inout DeclaringRouter, _ deps: AppDependencies) {
        let repo = deps.campaigns

        /// A campaign answer with its current run's counters.
        @Sendable func answer(
            _ view: CampaignView, _ context: AppRequestContext, warnings: [String]? = nil, status: HTTPResponse.Status = .ok
        ) throws -> Response {
            jsonResponse(CampaignBody(view, scope: try context.scope(), warnings: warnings), status: status)
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
            var kind: CampaignKind?
            if let raw = request.queryString("kind") {
                guard let parsed = CampaignKind(rawValue: raw) else {
                    throw APIError.validation("kind", "must be one of \(CampaignKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                kind = parsed
            }
            let scope = try context.scope()
            let page = try await repo.list(
                scope: scope,
                query: CampaignListQuery(
                    channel: channel, status: status, search: request.queryString("q"), channels: channels, kind: kind),
                page: try request.pageRequest())
            var withFigures = page
            withFigures.items = await withResults(page.items, context, deps)
            return jsonResponse(PageBody(withFigures) { CampaignBody($0, scope: scope) })
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
        @Sendable func draft(_ request: Request, _ context: AppRequestContext) async throws -> CampaignDraft {
            var request = request
            return try CampaignDraft.validated(
                from: try await withTemplateDefaults(try await request.jsonBody(), context), now: deps.clock.now())
        }

        api.on(.post, "campaigns", .capability(.create), idempotent: true) { request, context in
            let draft = try await draft(request, context)
            try context.require(.create, on: draft.channel)
            let view = try await repo.create(scope: try context.scope(), draft: draft, createdBy: context.identity?.userID)
            return try answer(view, context, warnings: draft.warnings, status: .created)
        }
        api.on(.get, "campaigns/:id", .capability(.read)) { _, context in
            try answer(try await repo.view(scope: try context.scope(), id: try context.id(), access: try context.access(.read)), context)
        }
        api.on(.put, "campaigns/:id", .capability(.create)) { request, context in
            let id = try context.id()
            let draft = try await draft(request, context)
            let view = try await repo.update(
                scope: try context.scope(), id: id, draft: draft, access: try context.access(.create), by: context.identity?.userID)
            return try answer(view, context, warnings: draft.warnings)
        }
        api.on(.delete, "campaigns/:id", .capability(.delete)) { _, context in
            try await repo.delete(
                scope: try context.scope(), id: try context.id(), access: try context.access(.delete), by: context.identity?.userID)
            return Response(status: .noContent)
        }
        api.on(.post, "campaigns/:id/send", .capability(.send), idempotent: true) { _, context in
            let view = try await repo.send(
                scope: try context.scope(), id: try context.id(), access: try context.access(.send), by: context.identity?.userID)
            deps.engine?.worker?.wake.signal()
            return try answer(view, context)
        }
        for control in RunControl.allCases {
            api.on(.post, "campaigns/:id/\(control.rawValue)", .capability(.send)) { _, context in
                let view = try await repo.control(
                    scope: try context.scope(), id: try context.id(), control, access: try context.access(.send),
                    by: context.identity?.userID)
                if control == .resume { deps.engine?.worker?.wake.signal() }
                return try answer(view, context)
            }
        }
        api.on(.post, "campaigns/:id/duplicate", .capability(.create), idempotent: true) { _, context in
            let copy = try await repo.duplicate(
                scope: try context.scope(), id: try context.id(), createdBy: context.identity?.userID, access: try context.access(.create))
            return try answer(copy, context, status: .created)
        }
        api.on(.get, "campaigns/:id/progress", .capability(.read)) { request, context in
            let view = try await repo.progress(
                scope: try context.scope(), id: try context.id(), run: try request.runNumber(), access: try context.access(.read))
            return jsonResponse(ProgressBody(view))
        }
        api.on(.get, "campaigns/:id/logs", .capability(.logs)) { request, context in
            var status: LogStatus?
            if let raw = request.queryString("status") {
                guard let parsed = LogStatus(rawValue: raw) else {
                    throw APIError.validation("status", "must be one of \(LogStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            let page = try await repo.logs(
                scope: try context.scope(), id: try context.id(), run: try request.runNumber(), status: status,
                page: try request.pageRequest(), access: try context.access(.logs))
            return jsonResponse(PageBody(page, LogRowBody.init))
        }
        api.on(.get, "campaigns/:id/logs.csv", .capability(.logs)) { request, context in
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
            let id = try context.id()
            let access = try context.access(.logs)
            // 404/403 before the 200 header goes out: the stream itself checks again on its lease.
            _ = try await repo.view(scope: scope, id: id, access: access)
            let exportLimit = limit
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"campaign-\(id)-logs.csv\""
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var header = ByteBuffer(string: CSVFormatter.byteOrderMark)
                header.writeString(CSVFormatter.row(CSVExport.columns))
                try await writer.write(header)
                try await repo.streamLogs(scope: scope, id: id, limit: exportLimit, access: access) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeString(CSVFormatter.row(CSVExport.cells(row))) }
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            })
        }
        api.on(.get, "campaigns/:id/preview-messages", .capability(.read)) { _, context in
            let scope = try context.scope()
            let (campaign, recipients) = try await repo.previewRecipients(
                scope: scope, id: try context.id(), limit: 10, access: try context.access(.read))
            let previewer = MessagePreviewer(deps: deps)
            let content = MessageContent(campaign)
            let messages = recipients.map { previewer.message(content, for: $0, scope: scope, campaignID: campaign.id, masked: false) }
            // The whole audience (or snapshot): who would read an empty shortcode, the SMS cost.
            let window = try await previewer.quietHours(scope: scope, channel: campaign.channel)
            let members = try await repo.members(scope: scope, id: campaign.id, zones: window != nil, access: try context.access(.read))
            let check = try await previewer.check(content, members: members, window: window, scope: scope)
            struct Body: Encodable {
                let items: [PreviewMessageBody]
                let missing: [String: Int]
                let segments: SegmentTotals?
                let quietHours: MessageCheckBody.HeldBody?
                let quota: MessageCheckBody.QuotaBody?
            }
            return jsonResponse(
                Body(items: messages, missing: check.missing, segments: check.segments, quietHours: check.quietHours, quota: check.quota))
        }
    }
}

/// The columns of the logs CSV export.
enum CSVExport {
    static let columns: [String?] = [
        "id", "run", "customer_id", "address", "first_name", "last_name", "status", "attempts", "last_error",
        "provider_message_id", "sent_at", "updated_at", "held_until",
    ]

    static func cells(_ row: CampaignLogRow) -> [String?] {
        [
            String(row.id), String(row.run), row.customerID.map(String.init), row.address, row.firstName, row.lastName,
            row.status.rawValue, String(row.attempts), row.lastError, row.providerMessageID, row.sentAt.map(iso), iso(row.updatedAt),
            row.heldUntil.map(iso),
        ]
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
