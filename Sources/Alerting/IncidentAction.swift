/// What `IncidentLifecycle` decided for one observation.
public enum IncidentAction: Sendable, Equatable {
    /// Nothing to send.
    case none
    /// Page (or re-page at a higher tier).
    case trigger(AlertTier)
    /// The risk stayed low long enough: close the incident.
    case resolve
}
