/// Where a ground-truth label came from, kept so label quality can be judged per source (a PagerDuty
/// incident is stronger evidence than an Alertmanager alert that auto-resolved).
public enum OutcomeSource: String, Sendable, CaseIterable {
    case api
    case pagerduty
    case alertmanager
}
