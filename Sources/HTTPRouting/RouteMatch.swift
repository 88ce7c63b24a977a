import HTTPCore

/// The outcome of routing a request: a handler with its decoded parameters, a 405 with the allowed
/// methods, or a 404.
public enum RouteMatch<Handler: Sendable>: Sendable {
    case found(Handler, parameters: RouteParameters, template: String)
    case methodNotAllowed(allowed: [HTTPMethod], template: String)
    case notFound
}
