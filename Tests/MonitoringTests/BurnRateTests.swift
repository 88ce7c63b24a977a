import JSON
import Testing

@testable import Monitoring

@Suite struct BurnRateTests {
    /// reference/sre-integrations.md §6 vectors (SLO 0.999).
    @Test func burnRateFromErrorRatio() throws {
        #expect(abs(try #require(BurnRate.of(good: 9856, total: 10000, target: 0.999)) - 14.4) < 1e-9)
        #expect(abs(try #require(BurnRate.of(good: 994, total: 1000, target: 0.999)) - 6) < 1e-9)
        #expect(BurnRate.of(good: 0, total: 0, target: 0.999) == nil)
    }

    private func windows(_ errorRatios: [String: Double]) -> [String: BurnRate.WindowCounts] {
        errorRatios.mapValues { BurnRate.WindowCounts(good: 100_000 - Int(($0 * 100_000).rounded()), total: 100_000) }
    }

    @Test func pagesOnlyWhenLongAndShortWindowsBothBurn() {
        let fast = BurnRate.alertState(windows: windows(["1h": 0.02, "5m": 0.02]), target: 0.999)
        #expect(fast.severity == .page)
        let recovered = BurnRate.alertState(windows: windows(["1h": 0.02, "5m": 0.0001]), target: 0.999)
        #expect(recovered.severity == .none)
        #expect(recovered.rules[0].status == "ok")
        #expect(recovered.rules[1].status == "insufficient_data")
    }

    @Test func ticketForSlowBurnAndPageWinsOverTicket() {
        let slow = windows(["3d": 0.0015, "6h": 0.0015, "30m": 0.0015, "1h": 0.0015, "5m": 0.0015])
        #expect(BurnRate.alertState(windows: slow, target: 0.999).severity == .ticket)
        let both = windows(["3d": 0.002, "6h": 0.007, "30m": 0.007, "1h": 0.0015, "5m": 0.0015])
        let state = BurnRate.alertState(windows: both, target: 0.999)
        #expect(state.severity == .page)
        #expect(state.rules.map(\.firing) == [false, true, true])
    }

    @Test func thresholdIsExclusive() {
        // Exactly 14.4× on both windows does not exceed the threshold.
        let exact = windows(["1h": 0.0144, "5m": 0.0144])
        #expect(BurnRate.alertState(windows: exact, target: 0.999).severity == .none)
    }
}
