import Synchronization

/// Unique, unguessable-enough ids for predictions, so outcomes (feedback, PagerDuty incidents) can name
/// the exact prediction they confirm or refute. A random process prefix plus a counter: no collisions
/// within a process, practically none across replicas.
final class PredictionIDGenerator: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        let random = UInt64.random(in: 0...UInt64.max)
        prefix = String(random, radix: 16)
    }

    func next() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return "p-\(prefix)-\(String(value, radix: 16))"
    }
}
