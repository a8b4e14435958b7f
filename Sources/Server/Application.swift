import CampaignStore
import Campaigns
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MariaDB
import ServiceLifecycle

/// Builds the router: operations routes, the public pages and the admin UI, then `/api/v1`
/// behind authentication, each resource's routes from its controller. Returns the router and
/// the declared access of every route.
public func buildRouter(_ deps: AppDependencies) -> (router: Router<AppRequestContext>, routes: [RouteDeclaration]) {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ClientAddressMiddleware(trustedProxies: deps.trustedProxies))
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsRecorder(metrics: deps.metrics))
    router.add(middleware: ErrorMiddleware())
    var root = RouteRegistrar(group: router.group(), prefix: "")
    OperationsController(deps: deps).addRoutes(to: &root)
    WebhookController(deps: deps).addRoutes(to: &root)
    UnsubscribeController(deps: deps).addRoutes(to: &root)
    EngagementController(deps: deps).addRoutes(to: &root)
    AdminUIController(deps: deps).addRoutes(to: &root)
    let group = router.group("api/v1")
        .add(
            middleware: AuthMiddleware(
                authenticator: deps.authenticator, capabilities: deps.capabilities, installation: deps.installation, limiter: deps.rateLimiter,
                clock: deps.clock))
    var api = RouteRegistrar(group: group, prefix: "/api/v1", idempotency: IdempotencyGuard(store: deps.idempotency, clock: deps.clock))
    SessionController(deps: deps).addRoutes(to: &api)
    SegmentController(deps: deps).addRoutes(to: &api)
    TemplateController(deps: deps).addRoutes(to: &api)
    AudienceController(deps: deps).addRoutes(to: &api)
    SuppressionController(deps: deps).addRoutes(to: &api)
    CampaignController(deps: deps).addRoutes(to: &api)
    CampaignRunController(deps: deps).addRoutes(to: &api)
    EventsController(deps: deps).addRoutes(to: &api)
    BroadcastController(deps: deps).addRoutes(to: &api)
    CronController(deps: deps).addRoutes(to: &api)
    SettingsController(deps: deps).addRoutes(to: &api)
    ReportingController(deps: deps).addRoutes(to: &api)
    ResultsController(deps: deps).addRoutes(to: &api)
    SendController(deps: deps).addRoutes(to: &api)
    DirectoryController(deps: deps).addRoutes(to: &api)
    WhatsAppTemplateController(deps: deps).addRoutes(to: &api)
    ErasureController(deps: deps).addRoutes(to: &api)
    AuditController(deps: deps).addRoutes(to: &api)
    return (router, root.declarations + api.declarations)
}

/// Builds the whole service: database pool, SaaS detection, router and HTTP server, as one
/// ServiceGroup with graceful shutdown on SIGTERM/SIGINT.
public func buildApplication(_ config: ServiceConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    let pool = MariaDBPool(configuration: config.database, logger: logger)
    let installation = Installation.mode(configured: config.saas, pool: pool, prefix: config.prefix)
    // Detected now if the database answers; otherwise on the first request that needs it, and
    // until then the service is not ready (never assumed single-site, DESIGN §13).
    let saas = try? await installation.isSaaS()
    logger.info(
        "starting",
        metadata: [
            "listen": "\(config.listenHost):\(config.listenPort)", "saas": "\(saas.map(String.init) ?? "not detected yet")",
            "prefix": "\(config.prefix)",
        ])
    let clock = SystemClock()
    let engine = EngineAssembly(config: config, apiPool: pool, installation: installation, clock: clock, logger: logger)
    let deps = AppDependencies.live(config: config, pool: pool, installation: installation, clock: clock, engine: engine)
    let (router, _) = buildRouter(deps)
    // The ServiceGroup stops services in reverse order: the HTTP server first, then the
    // worker (in-flight sends finish), then the provider threads, then the sender's and the
    // engine's pools, then the API's.
    var services: [any Service] = [pool, engine.pool, engine.senderPool]
    if let transport = engine.transport { services.append(TransportService(transport: transport)) }
    if let worker = engine.worker { services.append(worker) }
    if config.logRetentionDays > 0 {
        services.append(
            RetentionService(
                retention: LogRetention(pool: engine.pool, prefix: config.prefix, clock: clock, days: config.logRetentionDays), logger: logger))
    }
    return Application(
        router: router,
        server: .closingHTTP1(configuration: .init(idleTimeout: .seconds(Int64(config.httpIdleTimeout)))),
        configuration: .init(address: .hostname(config.listenHost, port: config.listenPort), serverName: "bkntc-campaigns"),
        services: services,
        logger: logger)
}

/// Echoes or assigns `X-Request-Id` and logs one line per request (tokens in paths cut short).
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[Self.header].flatMap { $0.count <= 128 && $0.allSatisfy { $0.isASCII && !$0.isWhitespace } ? $0 : nil }
        let id = given ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = "\(id)"
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = id
        let elapsed = ContinuousClock.now - started
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(LoggedPath.redacting(request.uri.path))", "status": "\(response.status.code)",
                "ms": "\(elapsed.components.attoseconds / 1_000_000_000_000_000 + elapsed.components.seconds * 1000)",
            ])
        return response
    }
}
