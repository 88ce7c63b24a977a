/// The four severities PagerDuty Events v2 accepts in `payload.severity`.
public enum PagerDutySeverity: String, Sendable, CaseIterable {
    case critical, error, warning, info
}
