import Foundation
import JSON
import Storage

/// One entry of the outbox log: an accepted event or the ack that retires it.
///
/// Encoded as JSON (the body as base64, since it is opaque bytes) inside a checksummed frame written by
/// `OutboxLogFile`.
enum OutboxRecord: Equatable {
    case event(OutboxEvent)
    /// The event was delivered or dead-lettered; `outcome` is "sent" or "dead_letter".
    case ack(id: String, outcome: String)

    func encoded() -> [UInt8] {
        switch self {
        case .event(let event):
            let headers = JSONObject(event.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            return JSONValue.object([
                "type": "event", "id": .string(event.id), "key": .string(event.key), "url": .string(event.url),
                "headers": .object(headers), "body_base64": .string(Data(event.body).base64EncodedString()),
                "created_at": .finite(event.createdAt),
            ]).serialized()
        case .ack(let id, let outcome):
            return JSONValue.object(["type": "ack", "id": .string(id), "outcome": .string(outcome)]).serialized()
        }
    }

    init(decoding payload: [UInt8]) throws(JSONDecodingError) {
        let root: JSONValue
        do {
            root = try JSONParser().parse(payload)
        } catch {
            throw JSONDecodingError(path: "", message: error.description)
        }
        let object = try root.object(at: "")
        let id = try object.require("id", at: "").string(at: "id")
        switch try object.require("type", at: "").string(at: "type") {
        case "ack":
            self = .ack(id: id, outcome: object.optional("outcome")?.stringValue ?? "sent")
        case "event":
            var headers: [String: String] = [:]
            for (name, value) in try object.require("headers", at: "").object(at: "headers") {
                headers[name] = try value.string(at: JSONObject.join("headers", name))
            }
            let encodedBody = try object.require("body_base64", at: "").string(at: "body_base64")
            guard let body = Data(base64Encoded: encodedBody) else {
                throw JSONDecodingError(path: "body_base64", message: "is not base64")
            }
            self = .event(
                OutboxEvent(
                    id: id, key: try object.require("key", at: "").string(at: "key"),
                    url: try object.require("url", at: "").string(at: "url"), headers: headers, body: Array(body),
                    createdAt: try object.require("created_at", at: "").double(at: "created_at")))
        case let other:
            throw JSONDecodingError(path: "type", message: "unknown record type \(other)")
        }
    }
}
