import JSON
import Testing

@testable import Monitoring

@Suite struct SpecialFunctionsTests {
    @Test func incompleteBetaAndInverseMatchScipy() throws {
        for vector in try Fixture.cases("slo_vectors", "incomplete_beta") {
            let x = try vector.number("x")
            let a = try vector.number("a")
            let b = try vector.number("b")
            let expected = try vector.number("value")
            let value = SpecialFunctions.regularizedIncompleteBeta(x: x, a: a, b: b)
            #expect(abs(value - expected) <= 1e-12 + 1e-10 * expected, "I_\(x)(\(a), \(b))")
            let inverse = SpecialFunctions.inverseRegularizedIncompleteBeta(p: expected, a: a, b: b)
            #expect(abs(inverse - (try vector.number("inverse_of"))) < 1e-10, "inverse at \(expected)")
        }
    }

    @Test func normalQuantileMatchesScipy() throws {
        for vector in try Fixture.cases("slo_vectors", "normal_quantiles") {
            let p = try vector.number("p")
            #expect(abs(NormalDistribution.quantile(p) - (try vector.number("z"))) < 1e-12, "p=\(p)")
        }
    }

    @Test func outOfDomainIsNaN() {
        #expect(SpecialFunctions.regularizedIncompleteBeta(x: 1.5, a: 1, b: 1).isNaN)
        #expect(SpecialFunctions.inverseRegularizedIncompleteBeta(p: 0.5, a: -1, b: 1).isNaN)
        #expect(NormalDistribution.quantile(2).isNaN)
    }
}
