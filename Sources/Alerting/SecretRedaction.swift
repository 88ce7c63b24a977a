import JSON

/// Removes credentials from an outbound event before it is written anywhere an operator (or a backup)
/// may read it: the PagerDuty routing key lets anyone page the team, a webhook token lets anyone call
/// the receiver. Used for the dead-letter file; the outbox log itself must keep the real event to deliver it.
enum SecretRedaction {
    static let placeholder = "[redacted]"

    /// JSON keys whose values are credentials, compared case-insensitively.
    static let secretKeys: Set<String> = [
        "routing_key", "integration_key", "service_key", "token", "access_token", "refresh_token", "api_key",
        "apikey", "secret", "client_secret", "password", "authorization",
    ]

    /// The body with every secret-named value replaced; a body that is not JSON is withheld entirely
    /// (its bytes cannot be searched for secrets reliably).
    static func body(_ bytes: [UInt8]) -> String {
        guard let value = try? JSONParser().parse(bytes) else {
            return "[withheld: \(bytes.count) bytes, not JSON]"
        }
        return String(decoding: redacted(value).serialized(), as: UTF8.self)
    }

    static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(
                    object.map { entry in
                        (
                            entry.key,
                            secretKeys.contains(entry.key.lowercased()) ? .string(placeholder) : redacted(entry.value)
                        )
                    }))
        case .array(let items): return .array(items.map(redacted))
        default: return value
        }
    }

    /// The URL without user info and with every query value replaced (tokens often travel there).
    static func url(_ text: String) -> String {
        var url = Substring(text)
        var scheme = ""
        if let range = url.range(of: "://") {
            scheme = String(url[..<range.upperBound])
            url = url[range.upperBound...]
        }
        let authorityEnd = url.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        if let at = url[..<authorityEnd].lastIndex(of: "@") {
            url = url[url.index(after: at)...]
        }
        guard let question = url.firstIndex(of: "?") else { return scheme + url }
        let fragment = url[question...].firstIndex(of: "#") ?? url.endIndex
        let query = url[url.index(after: question)..<fragment].split(separator: "&").map { pair in
            pair.split(separator: "=", maxSplits: 1).first.map { "\($0)=\(placeholder)" } ?? ""
        }
        return scheme + url[..<question] + "?" + query.joined(separator: "&")
    }
}
