import JSON
import Testing

@testable import Monitoring

@Suite struct SampleSizeTests {
    @Test func matchesNumpyFormula() throws {
        for vector in try Fixture.cases("slo_vectors", "sample_sizes") {
            let size = try #require(
                SampleSize(
                    availabilityA: try vector.number("availability_a"),
                    availabilityB: try vector.number("availability_b"),
                    alpha: try vector.number("alpha"), power: try vector.number("power")))
            let oneSided = try vector.number("n_one_sided")
            let twoSided = try vector.number("n_two_sided")
            #expect(abs(size.exactOneSided - oneSided) < 1e-6 * oneSided)
            #expect(abs(size.exactTwoSided - twoSided) < 1e-6 * twoSided)
        }
    }

    /// reference/sre-integrations.md §7 worked examples.
    @Test func referenceExamples() throws {
        #expect(SampleSize(availabilityA: 0.999, availabilityB: 0.9995, alpha: 0.05, power: 0.8)?.oneSided == 20053)
        #expect(SampleSize(availabilityA: 0.999, availabilityB: 0.9995, alpha: 0.05, power: 0.9)?.oneSided == 26010)
        #expect(SampleSize(availabilityA: 0.999, availabilityB: 0.9995, alpha: 0.025, power: 0.8)?.oneSided == 26091)
        #expect(SampleSize(availabilityA: 0.99, availabilityB: 0.995, alpha: 0.05, power: 0.8)?.oneSided == 1990)
        // Two-sided at alpha equals one-sided at alpha / 2.
        #expect(SampleSize(availabilityA: 0.999, availabilityB: 0.9995, alpha: 0.05, power: 0.8)?.twoSided == 26091)
    }

    @Test func rejectsEqualAvailabilities() {
        #expect(SampleSize(availabilityA: 0.999, availabilityB: 0.999, alpha: 0.05, power: 0.8) == nil)
    }
}
