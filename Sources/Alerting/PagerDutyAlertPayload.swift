import JSON

/// The `payload` object of a PagerDuty Events v2 trigger: what responders see on the incident.
public struct PagerDutyAlertPayload: Sendable, Equatable {
    /// PagerDuty rejects summaries longer than this many characters.
    public static let maxSummaryLength = 1024

    public var summary: String
    public var source: String
    public var severity: PagerDutySeverity
    /// ISO 8601 / RFC 3339 time of the detection.
    public var timestamp: String?
    public var component: String?
    public var group: String?
    public var eventClass: String?
    public var customDetails: JSONObject?

    public init(
        summary: String, source: String, severity: PagerDutySeverity, timestamp: String? = nil,
        component: String? = nil, group: String? = nil, eventClass: String? = nil, customDetails: JSONObject? = nil
    ) {
        self.summary = summary
        self.source = source
        self.severity = severity
        self.timestamp = timestamp
        self.component = component
        self.group = group
        self.eventClass = eventClass
        self.customDetails = customDetails
    }

    /// The JSON object, with the summary cut to 1024 Unicode scalars (never inside a UTF-8 sequence;
    /// a cut summary ends in "…", as Alertmanager's notifier does).
    public var json: JSONObject {
        var object: JSONObject = [
            "summary": .string(Self.truncated(summary)), "source": .string(source),
            "severity": .string(severity.rawValue),
        ]
        let optionals: [(String, String?)] = [
            ("timestamp", timestamp), ("component", component), ("group", group), ("class", eventClass),
        ]
        for (key, value) in optionals {
            if let value { object.append(key, .string(value)) }
        }
        if let customDetails { object.append("custom_details", .object(customDetails)) }
        return object
    }

    static func truncated(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > maxSummaryLength else { return text }
        var cut = String.UnicodeScalarView(scalars.prefix(maxSummaryLength - 1))
        cut.append("…")
        return String(cut)
    }
}
