import JSON

/// Quality of a model version measured on predictions whose outcomes are known. Produced by
/// `VersionOutcomes.statistics(labeled:pending:)` from the state store's labelled predictions.
///
/// - Precision/recall per tier: a prediction counts as positive at a tier when risk ≥ the tier's threshold.
/// - Brier score: mean (risk − label)².
/// - Expected calibration error: 10 equal-width risk bins [0, 0.1), …, [0.9, 1]; Σ_b (n_b/N)·|mean label_b −
///   mean risk_b|.
/// - False positives / negatives: judged at the LOWEST tier threshold (the alerting threshold): label 0
///   with risk ≥ it, label 1 with risk below it. Counts are complete; id lists are bounded (oldest first).
public struct OutcomeStatistics: Sendable, Equatable {
    /// Precision and recall at one tier threshold; nil when undefined (no predicted or actual positives).
    public struct TierQuality: Sendable, Equatable {
        public let tier: TierThreshold
        public let precision: Double?
        public let recall: Double?

        public func json() -> JSONValue {
            [
                "tier": .string(tier.name), "threshold": .finite(tier.risk), "precision": .optional(precision),
                "recall": .optional(recall),
            ]
        }
    }

    public let model: String
    public let version: String
    public let labeled: Int
    public let positives: Int
    /// Unexpired predictions still waiting for an outcome.
    public let pending: Int
    public let tiers: [TierQuality]
    public let brierScore: Double?
    public let expectedCalibrationError: Double?
    public let falsePositives: Int
    public let falseNegatives: Int
    public let falsePositiveIDs: [String]
    public let falseNegativeIDs: [String]

    init(
        model: String, version: String, tiers: [TierThreshold],
        labeled entries: [(id: String, risk: Double, label: Int)],
        pending: Int, maxListedErrors: Int
    ) {
        let pairs = entries.map { (risk: $0.risk, label: $0.label) }
        self.model = model
        self.version = version
        self.pending = pending
        labeled = pairs.count
        positives = pairs.filter { $0.label == 1 }.count
        self.tiers = tiers.map { tier in
            let predicted = pairs.filter { $0.risk >= tier.risk }
            let truePositives = predicted.filter { $0.label == 1 }.count
            return TierQuality(
                tier: tier, precision: predicted.isEmpty ? nil : Double(truePositives) / Double(predicted.count),
                recall: pairs.contains { $0.label == 1 }
                    ? Double(truePositives) / Double(pairs.filter { $0.label == 1 }.count) : nil)
        }
        brierScore =
            pairs.isEmpty
            ? nil
            : pairs.reduce(0) { $0 + ($1.risk - Double($1.label)) * ($1.risk - Double($1.label)) } / Double(pairs.count)
        expectedCalibrationError = Self.calibrationError(pairs)
        let alertThreshold = tiers.first?.risk ?? 0.5
        let falsePositiveEntries = entries.filter { $0.label == 0 && $0.risk >= alertThreshold }
        let falseNegativeEntries = entries.filter { $0.label == 1 && $0.risk < alertThreshold }
        falsePositives = falsePositiveEntries.count
        falseNegatives = falseNegativeEntries.count
        falsePositiveIDs = falsePositiveEntries.prefix(maxListedErrors).map(\.id)
        falseNegativeIDs = falseNegativeEntries.prefix(maxListedErrors).map(\.id)
    }

    private static func calibrationError(_ pairs: [(risk: Double, label: Int)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        var count = [Int](repeating: 0, count: 10)
        var riskSum = [Double](repeating: 0, count: 10)
        var labelSum = [Double](repeating: 0, count: 10)
        for pair in pairs {
            let bin = min(max(Int(pair.risk * 10), 0), 9)
            count[bin] += 1
            riskSum[bin] += pair.risk
            labelSum[bin] += Double(pair.label)
        }
        var error = 0.0
        for bin in 0..<10 where count[bin] > 0 {
            error += abs(labelSum[bin] - riskSum[bin]) / Double(pairs.count)
        }
        return error
    }

    public func json() -> JSONValue {
        [
            "model": .string(model), "version": .string(version), "labeled": .number(Double(labeled)),
            "positives": .number(Double(positives)), "pending": .number(Double(pending)),
            "tiers": .array(tiers.map { $0.json() }), "brier_score": .optional(brierScore),
            "expected_calibration_error": .optional(expectedCalibrationError),
            "false_positives": [
                "count": .number(Double(falsePositives)), "ids": .array(falsePositiveIDs.map { .string($0) }),
            ],
            "false_negatives": [
                "count": .number(Double(falseNegatives)), "ids": .array(falseNegativeIDs.map { .string($0) }),
            ],
        ]
    }
}
