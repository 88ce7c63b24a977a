/// A response a responder hands to the server; framing headers (Content-Length, Date, Connection) are
/// added by `HTTPResponseSerializer`, so handlers only say what they mean.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Set by `error(_:code:message:)`: what went wrong, kept beside the rendered body so a server can
    /// render it in another envelope for some paths (see `HTTPServer`'s `errorRenderer`).
    public var problem: HTTPProblem?

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body with `Content-Type: application/json`.
    public static func json(_ status: HTTPStatus, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }

    /// The riskd error envelope: `{"error":{"code":code,"message":message}}`.
    public static func error(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        var body: [UInt8] = Array(#"{"error":{"code":""#.utf8)
        appendJSONEscaped(code, to: &body)
        body += Array(#"","message":""#.utf8)
        appendJSONEscaped(message, to: &body)
        body += Array(#""}}"#.utf8)
        var response = json(status, body)
        response.problem = HTTPProblem(code: code, message: message)
        return response
    }

    /// A text body, `text/plain; charset=utf-8` unless told otherwise.
    public static func text(
        _ status: HTTPStatus, _ text: String, contentType: String = "text/plain; charset=utf-8"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(text.utf8))
    }

    /// RFC 8259 string escaping; HTTPCore stays free of the JSON module, and this is all it needs.
    private static func appendJSONEscaped(_ text: String, to output: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case ASCII.lf: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case ASCII.cr: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case ASCII.tab: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                output += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
    }
}

/// An error answer as data: a snake_case code and a human message. Responses carry it so that the
/// envelope can be chosen once, where the response is written, rather than by each code path that fails.
public struct HTTPProblem: Sendable, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
