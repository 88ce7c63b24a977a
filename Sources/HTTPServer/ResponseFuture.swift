import HTTPCore

/// A responder's answer: ready now, or promised by a background worker so the event loop never blocks.
public enum ResponseFuture: Sendable {
    case immediate(HTTPResponse)
    case deferred(ResponsePromise)
}
