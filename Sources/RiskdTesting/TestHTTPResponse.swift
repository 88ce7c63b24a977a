import Foundation
import JSON

/// A response as the test client read it off the wire.
public struct TestHTTPResponse: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json() throws -> JSONValue {
        try JSONParser().parse(body)
    }

    /// `error.code` of the riskd error envelope, or nil if the body is not one.
    public var errorCode: String? {
        guard case .object(let root)? = try? json(), case .object(let error)? = root["error"],
            case .string(let code)? = error["code"]
        else { return nil }
        return code
    }
}
