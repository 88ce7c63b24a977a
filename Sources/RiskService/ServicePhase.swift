import Synchronization

/// Where the process is in its life, as the probes report it: not ready while starting, ready while
/// serving, and not ready again the moment SIGTERM arrives so load balancers stop sending traffic
/// before the listener closes.
public enum ServicePhase: UInt8, Sendable {
    case starting, serving, draining

    var name: String {
        switch self {
        case .starting: "starting"
        case .serving: "serving"
        case .draining: "draining"
        }
    }
}

final class PhaseCell: Sendable {
    private let value = Atomic<UInt8>(ServicePhase.starting.rawValue)

    var current: ServicePhase { ServicePhase(rawValue: value.load(ordering: .acquiring)) ?? .starting }

    func set(_ phase: ServicePhase) {
        value.store(phase.rawValue, ordering: .releasing)
    }
}
