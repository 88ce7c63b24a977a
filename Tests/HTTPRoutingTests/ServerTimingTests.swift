import Testing

@testable import HTTPRouting

@Suite struct ServerTimingTests {
    /// The hand-written digits must read exactly as the Double formatting they replace.
    @Test func rendersMillisecondsAsDoubleDescriptionDoes() {
        var generator = SystemRandomNumberGenerator()
        let exact = (0...20_000).map { Double($0) / 1e6 }
        let large = [0.099_999_5, 0.1, 1.0, 12.345_678, 123_456.789_012, 9e8]
        let random = (0..<5_000).map { _ in Double.random(in: 0..<3, using: &generator) }
        let mismatches = (exact + large + random).filter { seconds in
            ServerTiming.value(seconds: seconds) != "app;dur=\((seconds * 1e6).rounded() / 1e3)"
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
}
