import Foundation
import HTTPTypes
import Hummingbird

/// `GET /health`, `/ready`, `/metrics` and `/openapi.yaml`: open to anyone, outside `/api/v1`.
struct OperationsController {
    let deps: AppDependencies

    func addRoutes(to routes: inout RouteRegistrar) {
        routes.on(.get, "metrics", .open, use: metrics)
        routes.on(.get, "openapi.yaml", .open, use: openAPIDocument)
        routes.on(.get, "health", .open, use: health)
        routes.on(.get, "ready", .open, use: ready)
    }

    /// The process answers.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        jsonResponse(["status": "ok", "version": ServiceVersion.number])
    }

    /// The database is reachable, migrations are current and the worker reports (503 otherwise).
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        let state = await deps.readiness()
        return jsonResponse(
            ["status": state.ready ? "ready" : "not_ready", "detail": state.detail], status: state.ready ? .ok : .serviceUnavailable)
    }

    /// Prometheus' text format.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        await deps.metrics.recordEventStreams(deps.progressHub)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: await deps.metrics.scrape())))
    }

    /// The contract as OpenAPI 3.1, shipped in the binary's resources.
    @Sendable func openAPIDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else { throw APIError.notFound("openapi.yaml") }
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
