import JSON
import Testing

@testable import Monitoring

@Suite struct ShadowComparisonTests {
    @Test func accumulatesAgreementAndDifferences() throws {
        let shadow = ShadowComparison(productionVersion: "3", shadowVersion: "4")
        #expect(shadow.json()["tier_agreement_rate"] == .null)
        shadow.record(productionRisk: 0.1, shadowRisk: 0.2, productionTier: "l0", shadowTier: "l0")
        shadow.record(productionRisk: 0.5, shadowRisk: 0.25, productionTier: "l2", shadowTier: "l1")
        shadow.record(productionRisk: 0.9, shadowRisk: 0.95, productionTier: "l3", shadowTier: "l3")
        #expect(!shadow.record(productionRisk: .nan, shadowRisk: 0.1, productionTier: "l0", shadowTier: "l0"))
        let summary = shadow.summary()
        #expect(summary.count == 3)
        #expect(abs(try #require(summary.agreementRate) - 2.0 / 3) < 1e-12)
        #expect(abs(try #require(summary.meanAbsoluteDifference) - 0.4 / 3) < 1e-12)
        #expect(abs(try #require(summary.meanSignedDifference) - -0.1 / 3) < 1e-12)
        #expect(summary.maxAbsoluteDifference == 0.25)
        #expect(shadow.json()["count"] == 3)
    }
}
