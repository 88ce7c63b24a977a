import HTTPCore

/// The application side of the server: turns a complete request into a response.
public protocol HTTPResponder: Sendable {
    /// Runs on an event-loop thread: must not block. Microsecond work answers `.immediate`; anything
    /// slower answers `.deferred` and fulfils the promise from a worker.
    func respond(to request: HTTPRequest, context: RequestContext) -> ResponseFuture
}
