import Synchronization

/// Unique, unguessable-enough ids for predictions, so outcomes (feedback, PagerDuty incidents) can name
/// the exact prediction they confirm or refute. A random process prefix plus a counter: no collisions
/// within a process, practically none across replicas.
final class PredictionIDGenerator: Sendable {
    /// "p-<random hex>-", the part every id of this process shares.
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    init(random: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        prefix = Array("p-\(String(random, radix: 16))-".utf8)
    }

    func next() -> String {
        next(count: 1)[0]
    }

    /// `count` ids with one atomic add, for a batch.
    func next(count: Int) -> [String] {
        let last = counter.wrappingAdd(UInt64(count), ordering: .relaxed).newValue
        return (0..<UInt64(count)).map { id(last - UInt64(count) + 1 + $0) }
    }

    /// The prefix, then `number` in lowercase hex, written straight into the string's storage (one
    /// allocation; interpolating `String(number, radix: 16)` took three).
    private func id(_ number: UInt64) -> String {
        let digits = max(1, (UInt64.bitWidth - number.leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: prefix.count + digits) { buffer in
            _ = buffer.initialize(from: prefix)
            var rest = number
            for position in (prefix.count..<(prefix.count + digits)).reversed() {
                let digit = UInt8(truncatingIfNeeded: rest & 0xF)
                buffer[position] = digit < 10 ? 0x30 + digit : 0x57 + digit  // "0"... and "a"...
                rest >>= 4
            }
            return prefix.count + digits
        }
    }
}
