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
        next(count: 1)[0]
    }

    /// `count` ids with one atomic add, for a batch.
    func next(count: Int) -> [String] {
        let last = counter.wrappingAdd(UInt64(count), ordering: .relaxed).newValue
        return (0..<UInt64(count)).map { "p-\(prefix)-\(String(last - UInt64(count) + 1 + $0, radix: 16))" }
    }
}
