/// Why a request cannot be parsed, with the status to answer before closing the connection.
public struct HTTPParseError: Error, Sendable, Equatable {
    public let status: HTTPStatus
    /// snake_case code for the error envelope.
    public let code: String
    public let message: String

    public init(_ status: HTTPStatus, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func bad(_ message: String) -> HTTPParseError {
        HTTPParseError(.badRequest, code: "bad_request", message)
    }

    /// The error envelope response for this error.
    public var response: HTTPResponse {
        .error(status, code: code, message: message)
    }
}
