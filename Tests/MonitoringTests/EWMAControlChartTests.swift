import Testing

@testable import Monitoring

@Suite struct EWMAControlChartTests {
    @Test func followsTheRecurrenceAndLimits() {
        var chart = EWMAControlChart(lambda: 0.5, width: 3, mean: 0, std: 1)
        chart.observe(1)
        #expect(chart.value == 0.5)
        // After one point: 3 · √(0.5/1.5 · (1 − 0.25)) = 1.5.
        #expect(abs(chart.upperLimit - 1.5) < 1e-12)
        chart.observe(.nan)
        #expect(chart.count == 1)
    }

    @Test func sustainedSmallShiftGoesOutOfControl() {
        var chart = EWMAControlChart(lambda: 0.2, width: 3, mean: 0.03, std: 0.05)
        for _ in 0..<10 { chart.observe(0.03) }
        #expect(!chart.isOutOfControl)
        for _ in 0..<30 { chart.observe(0.12) }
        #expect(chart.isOutOfControl)
        #expect(chart.outOfControlCount > 0)
    }
}
