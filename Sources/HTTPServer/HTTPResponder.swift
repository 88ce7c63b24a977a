import HTTPCore

/// The application side of the server: turns a complete request into a response.
public protocol HTTPResponder: Sendable {
    /// Runs on an event-loop thread: must not block. Microsecond work answers `.immediate`; anything
    /// slower answers `.deferred` and fulfils the promise from a worker.
    func respond(to request: HTTPRequest, context: RequestContext) -> ResponseFuture
}

/// Chooses the body of an error answer from its problem and the request's path (nil when the request
/// line was never parsed); returns nil to keep the default envelope. Runs on an event loop: it must be
/// quick. The one place where a server with several route families (riskd's own API, the Open Inference
/// Protocol) decides which error shape a path gets, for errors from handlers and the server alike.
public typealias HTTPErrorRenderer = @Sendable (_ problem: HTTPProblem, _ path: Substring?) -> [UInt8]?
