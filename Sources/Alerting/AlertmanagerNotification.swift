import JSON

/// A parsed Alertmanager webhook (`webhook_config`) notification, payload version "4".
///
/// riskd receives these to correlate its risk alerts with what Prometheus already fires. Parsing is
/// lenient about fields added in later Alertmanager versions (`notification_reason`, `routeLabels`)
/// and strict about the version, so a future incompatible format fails loudly.
public struct AlertmanagerNotification: Sendable, Equatable {
    public let version: String
    public let groupKey: String
    /// "firing" or "resolved" (resolved only when every alert is resolved).
    public let status: String
    public let receiver: String
    public let groupLabels: [String: String]
    public let commonLabels: [String: String]
    public let commonAnnotations: [String: String]
    public let externalURL: String?
    public let truncatedAlerts: Int
    public let alerts: [AlertmanagerAlert]

    public init(body: [UInt8]) throws(AlertmanagerWebhookError) {
        let root: JSONValue
        do {
            root = try JSONParser().parse(body)
        } catch {
            throw .invalidPayload(error.description)
        }
        guard let object = root.objectValue else { throw .invalidPayload("expected an object") }
        guard let version = object["version"]?.stringValue else { throw .invalidPayload("version is required") }
        guard version == "4" else { throw .unsupportedVersion(version) }
        do {
            try self.init(object: object, version: version)
        } catch {
            throw .invalidPayload(error.description)
        }
    }

    private init(object: JSONObject, version: String) throws(JSONDecodingError) {
        self.version = version
        groupKey = try object.require("groupKey", at: "").string(at: "groupKey")
        status = try object.require("status", at: "").string(at: "status")
        receiver = try object.require("receiver", at: "").string(at: "receiver")
        groupLabels = try AlertmanagerAlert.stringMap(object.optional("groupLabels"), at: "groupLabels")
        commonLabels = try AlertmanagerAlert.stringMap(object.optional("commonLabels"), at: "commonLabels")
        commonAnnotations = try AlertmanagerAlert.stringMap(
            object.optional("commonAnnotations"), at: "commonAnnotations")
        externalURL = object.optional("externalURL")?.stringValue
        truncatedAlerts = try object.optional("truncatedAlerts")?.int(at: "truncatedAlerts") ?? 0
        var alerts: [AlertmanagerAlert] = []
        for (index, alert) in try object.require("alerts", at: "").array(at: "alerts").enumerated() {
            alerts.append(try AlertmanagerAlert(json: alert, path: "alerts[\(index)]"))
        }
        self.alerts = alerts
    }

    public var firingAlerts: [AlertmanagerAlert] { alerts.filter(\.isFiring) }
}
