import JSON

/// One alert inside an Alertmanager webhook notification.
public struct AlertmanagerAlert: Sendable, Equatable {
    /// "firing" or "resolved".
    public let status: String
    public let labels: [String: String]
    public let annotations: [String: String]
    /// RFC 3339.
    public let startsAt: String
    /// RFC 3339; `nil` for a firing alert (Alertmanager sends the zero time `0001-01-01T00:00:00Z`).
    public let endsAt: String?
    public let fingerprint: String
    public let generatorURL: String?

    public var isFiring: Bool { status == "firing" }

    init(json value: JSONValue, path: String) throws(JSONDecodingError) {
        let object = try value.object(at: path)
        status = try object.require("status", at: path).string(at: JSONObject.join(path, "status"))
        labels = try Self.stringMap(object.optional("labels"), at: JSONObject.join(path, "labels"))
        annotations = try Self.stringMap(object.optional("annotations"), at: JSONObject.join(path, "annotations"))
        startsAt = try object.require("startsAt", at: path).string(at: JSONObject.join(path, "startsAt"))
        let ends = try object.optional("endsAt")?.string(at: JSONObject.join(path, "endsAt"))
        endsAt = ends.flatMap { $0.hasPrefix("0001-01-01") ? nil : $0 }
        fingerprint = try object.require("fingerprint", at: path).string(at: JSONObject.join(path, "fingerprint"))
        generatorURL = object.optional("generatorURL")?.stringValue
    }

    /// A label or annotation object (string values only); absent or null is empty.
    static func stringMap(_ value: JSONValue?, at path: String) throws(JSONDecodingError) -> [String: String] {
        guard let value else { return [:] }
        var map: [String: String] = [:]
        for (key, element) in try value.object(at: path) {
            map[key] = try element.string(at: JSONObject.join(path, key))
        }
        return map
    }
}
