import Testing

@testable import PrometheusSource

/// Joining feature vectors into one row per entity by the entity label.
@Suite struct FeatureRowsTests {
    static func vector(_ samples: [([String: String], Double)]) -> InstantVector {
        InstantVector(samples: samples.map { .init(labels: $0.0, timestamp: 100, value: $0.1) })
    }

    /// NaN-aware comparison of one row.
    static func row(_ rows: FeatureRows, _ entity: String) -> [Double?] {
        guard let index = rows.entities.firstIndex(of: entity) else { return [] }
        let width = rows.columns.count
        return rows.values[(index * width)..<((index + 1) * width)].map { $0.isNaN ? nil : $0 }
    }

    @Test func seriesJoinByTheEntityLabelAndAbsentFeaturesAreMissing() {
        let rows = FeatureRows(
            joining: [
                "reallocated": Self.vector([(["device": "sda", "job": "smart"], 8), (["device": "sdb"], 0)]),
                "temperature": Self.vector([(["device": "sdb"], 35), (["device": "sdc"], 41)]),
                "ignored": Self.vector([(["device": "sda"], 1)]),
            ], entityLabel: "device", columns: ["reallocated", "temperature", "undeclared"])
        #expect(rows.entities == ["sda", "sdb", "sdc"])
        #expect(Self.row(rows, "sda") == [8, nil, nil])
        #expect(Self.row(rows, "sdb") == [0, 35, nil])
        #expect(Self.row(rows, "sdc") == [nil, 41, nil])
        #expect(rows.labels[0] == ["device": "sda", "job": "smart"])
        #expect(rows.ambiguous.isEmpty)
        #expect(rows.unlabeled == 0)
    }

    @Test func twoSeriesForOneEntityMakeItsValueMissingAndAreReported() {
        let rows = FeatureRows(
            joining: [
                "temp": Self.vector([
                    (["instance": "h1", "disk": "a"], 30), (["instance": "h1", "disk": "b"], 50),
                    (["instance": "h2", "disk": "a"], 40), (["instance": "h1", "disk": "c"], 45),
                ])
            ], entityLabel: "instance", columns: ["temp"])
        #expect(Self.row(rows, "h1") == [nil])
        #expect(Self.row(rows, "h2") == [40])
        #expect(rows.ambiguous == ["temp": 1])
    }

    @Test func seriesWithoutTheEntityLabelAreSkippedAndCounted() {
        let rows = FeatureRows(
            joining: ["x": Self.vector([([:], 1), (["instance": ""], 2), (["instance": "h"], 3)])],
            entityLabel: "instance", columns: ["x"])
        #expect(rows.entities == ["h"])
        #expect(rows.unlabeled == 2)
    }

    @Test func nonFiniteValuesAreMissing() {
        let rows = FeatureRows(
            joining: [
                "a": Self.vector([(["e": "x"], .nan)]), "b": Self.vector([(["e": "x"], .infinity)]),
                "c": Self.vector([(["e": "x"], -.infinity)]), "d": Self.vector([(["e": "x"], -2.5)]),
            ], entityLabel: "e", columns: ["a", "b", "c", "d"])
        #expect(Self.row(rows, "x") == [nil, nil, nil, -2.5])
    }
}
