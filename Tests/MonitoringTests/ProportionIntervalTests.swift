import JSON
import Testing

@testable import Monitoring

@Suite struct ProportionIntervalTests {
    @Test func matchesScipyWilsonAndClopperPearson() throws {
        for vector in try Fixture.cases("slo_vectors", "intervals") {
            let good = try vector.integer("good")
            let total = try vector.integer("total")
            let confidence = try vector.number("confidence")
            let wilson = try #require(ProportionInterval.wilson(successes: good, trials: total, confidence: confidence))
            let exact = try #require(
                ProportionInterval.clopperPearson(successes: good, trials: total, confidence: confidence))
            let expectedWilson = try vector.pair("wilson")
            let expectedExact = try vector.pair("clopper_pearson")
            #expect(abs(wilson.lower - expectedWilson[0]) < 1e-10, "\(good)/\(total)")
            #expect(abs(wilson.upper - expectedWilson[1]) < 1e-10, "\(good)/\(total)")
            #expect(abs(exact.lower - expectedExact[0]) < 1e-10, "\(good)/\(total)")
            #expect(abs(exact.upper - expectedExact[1]) < 1e-10, "\(good)/\(total)")
        }
    }

    /// The worked example in reference/sre-integrations.md §7.
    @Test func referenceWorkedExample() throws {
        let wilson = try #require(ProportionInterval.wilson(successes: 48, trials: 50, confidence: 0.95))
        let exact = try #require(ProportionInterval.clopperPearson(successes: 48, trials: 50, confidence: 0.95))
        #expect(abs(wilson.lower - 0.86539909) < 1e-8 && abs(wilson.upper - 0.98896112) < 1e-8)
        #expect(abs(exact.lower - 0.86286237) < 1e-8 && abs(exact.upper - 0.99511857) < 1e-8)
    }

    @Test func rejectsInvalidArguments() {
        #expect(ProportionInterval.wilson(successes: 0, trials: 0, confidence: 0.95) == nil)
        #expect(ProportionInterval.clopperPearson(successes: 5, trials: 4, confidence: 0.95) == nil)
        #expect(ProportionInterval.clopperPearson(successes: 1, trials: 4, confidence: 1) == nil)
    }
}
