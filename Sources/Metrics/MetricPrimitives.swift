import Synchronization

/// A monotonically increasing count (Prometheus counter), lock-free.
public final class Counter: Sendable {
    private let value = Atomic<UInt64>(0)

    init() {}

    public func increment(by amount: UInt64 = 1) {
        value.add(amount, ordering: .relaxed)
    }

    public var current: UInt64 { value.load(ordering: .relaxed) }
}

/// A value that goes up and down (Prometheus gauge), stored as the bit pattern of a `Double`.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    init() {}

    public func set(_ newValue: Double) {
        bits.store(newValue.bitPattern, ordering: .relaxed)
    }

    public func add(_ delta: Double) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + delta).bitPattern
            let (exchanged, original) = bits.compareExchange(
                expected: old, desired: new, ordering: .relaxed)
            if exchanged { return }
            old = original
        }
    }

    public func increment() { add(1) }
    public func decrement() { add(-1) }

    public var current: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

/// A distribution of observations in fixed buckets (Prometheus histogram).
///
/// Bucket counts are kept per bucket and made cumulative only when rendered, so an observation is a
/// binary search plus one locked increment.
public final class Histogram: Sendable {
    public let upperBounds: [Double]
    private let state: Mutex<State>

    struct State {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    /// A point-in-time copy: cumulative bucket counts (the last is `+Inf`), sum and count.
    public struct Snapshot: Sendable {
        public let upperBounds: [Double]
        public let cumulativeCounts: [UInt64]
        public let sum: Double
        public let count: UInt64
    }

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        state = Mutex(State(counts: [UInt64](repeating: 0, count: upperBounds.count + 1)))
    }

    public func observe(_ value: Double) {
        var low = 0
        var high = upperBounds.count
        while low < high {
            let middle = (low + high) / 2
            if value <= upperBounds[middle] { high = middle } else { low = middle + 1 }
        }
        state.withLock { state in
            state.counts[low] += 1
            state.sum += value
            state.count += 1
        }
    }

    public func snapshot() -> Snapshot {
        let (counts, sum, count) = state.withLock { ($0.counts, $0.sum, $0.count) }
        var running: UInt64 = 0
        let cumulative = counts.map {
            running += $0; return running
        }
        return Snapshot(upperBounds: upperBounds, cumulativeCounts: cumulative, sum: sum, count: count)
    }

    /// Default latency buckets in seconds, from 100 µs to 10 s, fine-grained where riskd's own requests land.
    public static let latencyBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Buckets for probabilities and other 0–1 ratios.
    public static let ratioBuckets: [Double] = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1]
}
