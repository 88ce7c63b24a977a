import JSON
import Testing

@testable import Monitoring

@Suite struct DriftStatisticsTests {
    @Test func psiAndKSMatchNumpyAndScipy() throws {
        for vector in try Fixture.cases("drift_vectors", "cases") {
            let label = try vector.require("label", at: "").string(at: "label")
            let reference = try vector.pair("reference").sorted()
            let current = try vector.pair("current")
            let proportions = DriftStatistics.binProportions(current, edges: try vector.pair("edges"))
            let psi = DriftStatistics.psi(reference: try vector.pair("proportions"), current: proportions)
            #expect(abs(psi - (try vector.number("psi"))) < 1e-10, "\(label)")
            let d = DriftStatistics.ksStatistic(sortedA: reference, sortedB: current.sorted())
            #expect(abs(d - (try vector.number("ks_statistic"))) < 1e-12, "\(label)")
            let p = DriftStatistics.ksPValue(statistic: d, sizeA: reference.count, sizeB: current.count)
            #expect(abs(p - (try vector.number("ks_p_asymptotic"))) < 1e-9, "\(label)")
        }
    }

    @Test func binningClipsOutOfRangeAndClosesLastBin() {
        let proportions = DriftStatistics.binProportions([-5, 0, 1, 2, 3, 99, .nan], edges: [0, 1, 2, 3])
        // -5 and 0 → bin 0; 1 → bin 1; 2, 3 (closed) and 99 → bin 2; NaN ignored.
        let expected: [Double] = [2, 1, 3].map { $0 / 6 }
        #expect(proportions == expected)
    }

    @Test func emptyBinsGiveFinitePSI() {
        let psi = DriftStatistics.psi(reference: [0.5, 0.5, 0], current: [0, 0, 1])
        #expect(psi.isFinite && psi > 1)
        #expect(DriftStatistics.psi(reference: [0.25, 0.75], current: [0.25, 0.75]) == 0)
    }
}
