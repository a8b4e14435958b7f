import Foundation
import Logging
import MariaDB
import Server
import Testing

/// The OpenAPI document (`openapi.yaml`, served at GET /openapi.yaml) describes exactly the
/// routes the router registers. The `paths:` section is read line by line: path keys at 2
/// spaces (`  /api/v1/campaigns/{id}:`), methods at 4 (`    get:`), operation fields at 6.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    struct Operation: Hashable, CustomStringConvertible {
        /// Upper-case method, e.g. "GET".
        let method: String
        /// Path in router form, e.g. "/api/v1/campaigns/:id".
        let path: String
        var description: String { "\(method) \(path)" }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    static var documentURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Server/Resources/openapi.yaml").standardized
    }

    static func documentLines() throws -> [Substring] {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }

    /// `{id}` → `:id` (OpenAPI template to Hummingbird path).
    static func routerPath(_ template: Substring) -> String {
        var path = ""
        var inParameter = false
        for character in template {
            switch character {
            case "{":
                inParameter = true
                path.append(":")
            case "}": inParameter = false
            default: path.append(character)
            }
        }
        #expect(!inParameter, "unbalanced braces in \(template)")
        return path
    }

    static func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// Every operation of the `paths:` section with the lines of its body (indented ≥ 6).
    static func operations() throws -> [(operation: Operation, body: [Substring])] {
        let lines = try documentLines()
        guard let start = lines.firstIndex(of: "paths:") else {
            Issue.record("openapi.yaml has no top-level `paths:`")
            return []
        }
        var result: [(Operation, [Substring])] = []
        var currentPath: String?
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = indentation(line)
            if indent == 0 { break }  // the next top-level key ends `paths:`
            if indent == 2 {
                #expect(trimmed.hasPrefix("/") && trimmed.hasSuffix(":"), "unexpected path line: \(line)")
                currentPath = routerPath(trimmed.dropLast()[...])
            } else if indent == 4, trimmed.hasSuffix(":"), methods.contains(String(trimmed.dropLast())) {
                let path = try #require(currentPath, "method outside a path: \(line)")
                result.append((Operation(method: String(trimmed.dropLast()).uppercased(), path: path), []))
            } else if indent >= 6, !result.isEmpty {
                result[result.count - 1].1.append(line)
            } else if indent == 4 {
                #expect(
                    trimmed == "parameters:" || trimmed.hasPrefix("summary:") || trimmed.hasPrefix("description:"),
                    "unexpected path-level key: \(line)")
            }
        }
        return result
    }

    static func declaredRoutes() async throws -> [RouteDeclaration] {
        let database = MariaDBConfiguration(database: "unused", connectTimeout: 1, maxConnections: 1)
        let pool = MariaDBPool(configuration: database, logger: Logger(label: "openapi-test"))
        let deps = AppDependencies.live(
            config: ServiceConfiguration(database: database, secret: "unused-secret"), pool: pool, saas: true)
        let routes = buildRouter(deps).routes
        await pool.close()
        return routes
    }

    @Test func documentIsOpenAPI31() throws {
        let lines = try Self.documentLines()
        #expect(lines.first == "openapi: 3.1.0")
        #expect(lines.contains("paths:"))
        #expect(lines.contains("components:"))
    }

    @Test func everyRegisteredRouteIsDocumentedAndNothingElse() async throws {
        let documented = try Self.operations().map(\.operation)
        #expect(!documented.isEmpty)
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let registered = try await Self.declaredRoutes().map { Operation(method: $0.method, path: $0.path) }
        #expect(Set(registered).count == registered.count, "a route is registered twice")
        for route in registered {
            #expect(documented.contains(route), "\(route) is registered but not in openapi.yaml")
        }
        for operation in documented {
            #expect(registered.contains(operation), "\(operation) is in openapi.yaml but the server does not register it")
        }
    }

    @Test func securityAndErrorStatusesMatchTheDeclaredAccess() async throws {
        let documented = try Self.operations()
        for route in try await Self.declaredRoutes() {
            guard let body = documented.first(where: { $0.operation == Operation(method: route.method, path: route.path) })?.body
            else { continue }  // reported by the test above
            let open = body.contains("      security: []")
            let statuses = Set(
                body.compactMap { line -> String? in
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    guard Self.indentation(line) == 8, trimmed.hasPrefix("'"), trimmed.hasSuffix("':") else { return nil }
                    return String(trimmed.dropFirst().dropLast(2))
                })
            // A redirect is the success of a tracked link (`/r/{code}`, DESIGN §18).
            #expect(statuses.contains { $0.hasPrefix("2") || $0 == "302" }, "\(route.method) \(route.path) documents no success status")
            if route.access == .open {
                #expect(open, "\(route.method) \(route.path) is open: it needs `security: []`")
            } else {
                #expect(!open, "\(route.method) \(route.path) needs authentication but is documented as open")
                for status in ["401", "503"] {
                    #expect(statuses.contains(status), "\(route.method) \(route.path) does not document \(status)")
                }
            }
            if case .capability = route.access {
                #expect(statuses.contains("403"), "\(route.method) \(route.path) does not document 403")
            }
            if route.path.hasPrefix("/api/v1/") {
                #expect(statuses.contains("429"), "\(route.method) \(route.path) does not document 429 (rate limit)")
            }
            if route.path.contains(":id") {
                #expect(statuses.contains("404"), "\(route.method) \(route.path) does not document 404")
            }
        }
    }
}
