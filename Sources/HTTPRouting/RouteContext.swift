import HTTPServer

/// What a route handler knows besides the request: connection facts and the matched route.
public struct RouteContext: Sendable {
    public let request: RequestContext
    /// Percent-decoded `{param}` values.
    public let parameters: RouteParameters
    /// The matched route template, e.g. "/v1/models/{name}/predict".
    public let template: String

    public init(request: RequestContext, parameters: RouteParameters, template: String) {
        self.request = request
        self.parameters = parameters
        self.template = template
    }
}
