import HTTPCore

/// Maps method + path to a handler through a path-template trie stored as plain arrays (`RouteTrie`).
///
/// Templates are literal segments and `{param}` segments: `/v1/models/{name}/versions/{version}/predict`.
/// A literal segment wins over a parameter at the same depth, with backtracking, so `/v1/models/list` and
/// `/v1/models/{name}` coexist. Metrics label requests by the matched template, never by the raw path.
public struct Router<Handler: Sendable>: Sendable {
    private var trie = RouteTrie()
    /// One per route, in registration order (parallel to `routes`).
    private var handlers: [Handler] = []
    public private(set) var routes: [(method: HTTPMethod, template: String)] = []

    public init() {}

    /// Registers `handler` for `method` on `template`; registering the same pair twice is a programming error.
    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: Handler) {
        trie.add(method, template, route: routes.count)
        handlers.append(handler)
        routes.append((method: method, template: template))
    }

    /// The handler for `method` on `path` (raw, not percent-decoded); HEAD falls back to the GET handler.
    public func match(_ method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        switch matchRoute(method, path: path) {
        case .found(let route, let parameters, let template):
            return .found(handlers[route], parameters: parameters, template: template)
        case .methodNotAllowed(let allowed, let template):
            return .methodNotAllowed(allowed: allowed, template: template)
        case .notFound:
            return .notFound
        }
    }

    /// As `match`, with the index in `routes` of the route that answers instead of its handler.
    func matchRoute(_ method: HTTPMethod, path: String) -> RouteMatch<Int> {
        trie.match(method, path: path)
    }

    /// The handler of route number `route` (an index in `routes`).
    func handler(ofRoute route: Int) -> Handler {
        handlers[route]
    }
}
