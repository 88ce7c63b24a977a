import HTTPCore

/// An error a handler answers with: status plus the `{"error": {"code", "message"}}` envelope.
/// Handlers throw it so request validation reads top to bottom without nested response building.
public struct HTTPResponseError: Error, Sendable {
    public let status: HTTPStatus
    public let code: String
    public let message: String

    public init(_ status: HTTPStatus, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var response: HTTPResponse {
        .error(status, code: code, message: message)
    }

    static func badRequest(_ message: String) -> Self { Self(.badRequest, "invalid_request", message) }
    static func notFound(_ code: String, _ message: String) -> Self { Self(.notFound, code, message) }
}
