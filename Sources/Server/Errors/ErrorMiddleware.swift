import Hummingbird

/// Answers every failure with the JSON error shape (``ErrorMapping``). Never a stack trace.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ErrorMapping.map(error, logger: context.logger).errorResponse()
        }
    }
}
