import JSON
import Testing

@testable import Monitoring

@Suite struct AvailabilityTestTests {
    @Test func pValuesMatchScipyBinomtest() throws {
        for vector in try Fixture.cases("slo_vectors", "binomial_tests") {
            let good = try vector.integer("good")
            let total = try vector.integer("total")
            let test = try #require(AvailabilityTest(good: good, total: total, target: try vector.number("target")))
            let less = try vector.number("p_less")
            let twoSided = try vector.number("p_two_sided")
            #expect(abs(test.oneSidedPValue - less) <= 1e-12 + 1e-8 * less, "\(good)/\(total)")
            #expect(abs(test.twoSidedPValue - twoSided) <= 1e-12 + 1e-8 * twoSided, "\(good)/\(total)")
        }
    }

    /// reference/sre-integrations.md §7: 99.95% over 10,000 requests is NOT significantly above 99.9%.
    @Test func referenceExampleIsNotSignificant() throws {
        let test = try #require(AvailabilityTest(good: 9995, total: 10000, target: 0.999))
        #expect(abs(test.oneSidedPValue - 0.0669914) < 1e-7)
        #expect(abs(test.zScore - -1.581930) < 1e-6)
        #expect(abs(test.normalOneSidedPValue - 0.0568328) < 1e-7)
        #expect(!test.isSignificantlyAboveTarget(alpha: 0.05))
        let large = try #require(AvailabilityTest(good: 99950, total: 100_000, target: 0.999))
        #expect(large.isSignificantlyAboveTarget(alpha: 0.05))
    }

    @Test func rejectsInvalidInput() {
        #expect(AvailabilityTest(good: 11, total: 10, target: 0.999) == nil)
        #expect(AvailabilityTest(good: 0, total: 0, target: 0.999) == nil)
        #expect(AvailabilityTest(good: 5, total: 10, target: 1) == nil)
    }
}
