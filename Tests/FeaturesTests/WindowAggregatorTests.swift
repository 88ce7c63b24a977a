import Foundation
import Testing

@testable import Features

@Suite struct WindowAggregatorTests {
    // Points at t = 10, 20, 30, 40 with values 1, 4, 2, 8.
    let times: [Double] = [10, 20, 30, 40]
    let values: [Double] = [1, 4, 2, 8]

    func evaluate(_ aggregation: Aggregation, from: Double = 10, through: Double = 40) -> Double {
        WindowAggregator.evaluate(aggregation, timestamps: times, values: values, from: from, through: through)
    }

    @Test func windowExcludesItsStartAndIncludesItsEnd() {
        // (10, 40] holds t = 20, 30, 40.
        #expect(evaluate(.count) == 3)
        #expect(evaluate(.sum) == 14)
        #expect(evaluate(.mean) == 14.0 / 3)
        #expect(evaluate(.count, from: 9.999) == 4)
        #expect(evaluate(.count, through: 39.999) == 2)
    }

    @Test func simpleAggregations() {
        #expect(evaluate(.last) == 8)
        #expect(evaluate(.min) == 2)
        #expect(evaluate(.max) == 8)
        #expect(evaluate(.delta) == 8 - 4)
        // Population standard deviation of 4, 2, 8: mean 14/3.
        let mean = 14.0 / 3
        let expected = (((4 - mean) * (4 - mean) + (2 - mean) * (2 - mean) + (8 - mean) * (8 - mean)) / 3).squareRoot()
        #expect(abs(evaluate(.stddev) - expected) < 1e-12)
    }

    @Test func slopeIsLeastSquaresPerSecond() {
        // Over all four points: x̄ = 25, ȳ = 3.75; Σdx·dy = 95, Σdx² = 500.
        #expect(abs(evaluate(.slope, from: 0) - 95.0 / 500) < 1e-12)
        // Unix-scale timestamps must not lose precision.
        let base = 1_700_000_000.0
        let slope = WindowAggregator.evaluate(
            .slope, timestamps: [base, base + 60, base + 120], values: [1, 2, 3], from: base - 1, through: base + 120)
        #expect(abs(slope - 1.0 / 60) < 1e-12)
    }

    @Test func rateTreatsADropAsACounterReset() {
        // 100 → 160 (+60), reset to 20 (+20), → 50 (+30): 110 over 30 seconds.
        let rate = WindowAggregator.evaluate(
            .rate, timestamps: [0, 10, 20, 30], values: [100, 160, 20, 50], from: -1, through: 30)
        #expect(abs(rate - 110.0 / 30) < 1e-12)
    }

    @Test func emptyOrTooSmallWindowsAreMissingExceptCount() {
        for aggregation in Aggregation.allCases where aggregation != .count {
            #expect(evaluate(aggregation, from: 100, through: 200).isNaN, "\(aggregation)")
        }
        #expect(evaluate(.count, from: 100, through: 200) == 0)
        // One point has no change: delta, slope and rate are missing, never 0.
        #expect(evaluate(.delta, from: 30, through: 40).isNaN)
        #expect(evaluate(.slope, from: 30, through: 40).isNaN)
        #expect(evaluate(.rate, from: 30, through: 40).isNaN)
        #expect(evaluate(.stddev, from: 30, through: 40) == 0)
    }
}
