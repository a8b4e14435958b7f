import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A campaign's runs: `GET /api/v1/campaigns/{id}/progress`, `/logs`, `/logs.csv` and
/// `/preview-messages`.
struct CampaignRunController {
    let deps: AppDependencies

    func addRoutes(to api: inout RouteRegistrar) {
        api.on(.get, "campaigns/:id/progress", .capability(.read), use: progress)
        api.on(.get, "campaigns/:id/logs", .capability(.logs), use: logs)
        api.on(.get, "campaigns/:id/logs.csv", .capability(.logs), use: logsCSV)
        api.on(.get, "campaigns/:id/preview-messages", .capability(.read), use: previewMessages)
    }

    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let view = try await deps.campaigns.progress(
            scope: try context.scope(), id: try context.id(), run: try request.runNumber(), access: try context.capabilityCheck())
        return jsonResponse(ProgressBody(view))
    }

    /// A page of a run's log rows, filtered by `?status=`.
    @Sendable func logs(_ request: Request, context: AppRequestContext) async throws -> Response {
        let status = try CampaignListRequest.logStatus(request)
        let page = try await deps.campaigns.logs(
            scope: try context.scope(), id: try context.id(), run: try request.runNumber(), status: status,
            page: try request.pageRequest(), access: try context.capabilityCheck())
        return jsonResponse(PageBody(page, LogRowBody.init))
    }

    /// The log rows as CSV, streamed (5,000 rows unless `?limit=`).
    @Sendable func logsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
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
        let access = try context.capabilityCheck()
        let repo = deps.campaigns
        // 404/403 before the 200 header goes out: the stream itself checks again on its lease.
        _ = try await repo.view(scope: scope, id: id, access: access)
        let exportLimit = limit
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"campaign-\(id)-logs.csv\""
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var header = ByteBuffer(string: CSVFormatter.byteOrderMark)
                header.writeString(CSVFormatter.row(LogRowBody.csvColumns))
                try await writer.write(header)
                try await repo.streamLogs(scope: scope, id: id, limit: exportLimit, access: access) { rows in
                    var buffer = ByteBuffer()
                    for row in rows { buffer.writeString(CSVFormatter.row(LogRowBody(row).csvCells)) }
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            })
    }

    /// The first recipients' messages as they will receive them, and the whole audience's check.
    @Sendable func previewMessages(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try context.scope()
        let (campaign, recipients) = try await deps.campaigns.previewRecipients(
            scope: scope, id: try context.id(), limit: 10, access: try context.capabilityCheck())
        let previewer = MessagePreviewer(deps: deps)
        let content = MessageContent(campaign)
        let base = content.contentVariables == nil ? try await previewer.shortLinkBase(scope: scope, channel: campaign.channel) : nil
        let messages = recipients.map {
            previewer.message(content, for: $0, scope: scope, campaignID: campaign.id, masked: false, shortLinkBase: base)
        }
        // The whole audience (or snapshot): who would read an empty shortcode, the SMS cost.
        let window = try await previewer.quietHours(scope: scope, channel: campaign.channel)
        let members = try await deps.campaigns.members(scope: scope, id: campaign.id, zones: window != nil, access: try context.capabilityCheck())
        let check = try await previewer.check(content, members: members, window: window, scope: scope)
        return jsonResponse(
            PreviewMessagesBody(
                items: messages, missing: check.missing, segments: check.segments, quietHours: check.quietHours, quota: check.quota))
    }
}
