import Alerting
import Testing

@Suite struct AlertmanagerNotificationTests {
    /// The reference example from sre-integrations.md §3.
    static let example = #"""
        {"version":"4","groupKey":"{}/{severity=\"page\"}:{alertname=\"HighErrorRate\", service=\"api\"}","truncatedAlerts":0,
         "status":"firing","receiver":"risk-svc","groupLabels":{"alertname":"HighErrorRate","service":"api"},
         "commonLabels":{"alertname":"HighErrorRate","service":"api","severity":"page"},"commonAnnotations":{"summary":"5xx ratio above SLO burn"},
         "externalURL":"http://alertmanager:9093","notification_reason":"first notification",
         "alerts":[{"status":"firing","labels":{"alertname":"HighErrorRate","instance":"api-0:8080","service":"api","severity":"page"},
           "annotations":{"summary":"5xx ratio above SLO burn"},"startsAt":"2026-01-02T03:04:05.123Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"http://prometheus:9090/graph?g0.expr=...","fingerprint":"3ea263f4fb0effb5"},
          {"status":"resolved","labels":{"alertname":"HighErrorRate","instance":"api-1:8080","service":"api","severity":"page"},
           "annotations":{"summary":"5xx ratio above SLO burn"},"startsAt":"2026-01-02T02:50:00Z","endsAt":"2026-01-02T03:00:00Z",
           "generatorURL":"http://prometheus:9090/graph?g0.expr=...","fingerprint":"07d7f5c1fc6ab0da"}]}
        """#

    @Test func parsesReferenceExample() throws {
        let notification = try AlertmanagerNotification(body: Array(Self.example.utf8))
        #expect(notification.status == "firing")
        #expect(notification.receiver == "risk-svc")
        #expect(notification.groupKey.hasPrefix("{}/{severity=\"page\"}:"))
        #expect(notification.commonLabels["service"] == "api")
        #expect(notification.commonAnnotations["summary"] == "5xx ratio above SLO burn")
        #expect(notification.externalURL == "http://alertmanager:9093")
        #expect(notification.alerts.count == 2)
        #expect(notification.firingAlerts.map(\.fingerprint) == ["3ea263f4fb0effb5"])
        let firing = notification.alerts[0]
        #expect(firing.endsAt == nil)
        #expect(firing.labels["instance"] == "api-0:8080")
        #expect(firing.startsAt == "2026-01-02T03:04:05.123Z")
        #expect(notification.alerts[1].endsAt == "2026-01-02T03:00:00Z")
        #expect(notification.alerts[1].status == "resolved")
    }

    @Test(arguments: ["3", "5", ""])
    func otherVersionsAreRejectedClearly(version: String) {
        let body = Self.example.replacingOccurrences(of: #""version":"4""#, with: #""version":"\#(version)""#)
        #expect(throws: AlertmanagerWebhookError.unsupportedVersion(version)) {
            try AlertmanagerNotification(body: Array(body.utf8))
        }
    }

    @Test func wrongTypeNamesThePath() {
        let body = Self.example.replacingOccurrences(
            of: #""fingerprint":"07d7f5c1fc6ab0da""#, with: #""fingerprint":7"#)
        #expect(throws: AlertmanagerWebhookError.invalidPayload("alerts[1].fingerprint: expected string, got number")) {
            try AlertmanagerNotification(body: Array(body.utf8))
        }
    }

    @Test(arguments: ["", "[]", "{}", #"{"version":4}"#, #"{"version":"4","status":"firing"}"#])
    func malformedBodiesAreRejected(body: String) {
        #expect(throws: AlertmanagerWebhookError.self) { try AlertmanagerNotification(body: Array(body.utf8)) }
    }
}
