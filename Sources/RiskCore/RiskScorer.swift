import Inference
import ModelSpec
import Registry

/// Turns feature rows into `RiskAssessment`s with one model version: predict (one engine call for the
/// whole batch), calibrate, bound, tier, flag. Pure and allocation-light, so it runs inline on the
/// event loop for ordinary requests.
public struct RiskScorer: Sendable {
    /// The operator's thresholds; nil uses each manifest's suggestion over the defaults.
    public var policy: TierPolicy?

    public init(policy: TierPolicy?) {
        self.policy = policy
    }

    /// One row in the model's feature order, NaN for missing.
    public func assess(_ values: [Double], with model: ServableModel) throws(ScoringError) -> RiskAssessment {
        try assess(batch: FeatureMatrix(row: values), with: model)[0]
    }

    /// Every row of `rows` (columns in the model's feature order). Rows with too few features present
    /// get the manifest's fallback answer; with no fallback rules the batch fails on the first such row,
    /// because a request is answered whole or not at all. The other rows are scored by one engine call.
    public func assess(batch rows: FeatureMatrix, with model: ServableModel) throws(ScoringError) -> [RiskAssessment] {
        precondition(rows.columnCount == model.featureNames.count, "rows must be in the model's feature order")
        let width = rows.columnCount
        // The rows the engine scores; nil while every row is (the usual batch), which needs no array.
        var scored: [Int]?
        var fallbacks: [RiskAssessment] = []
        for row in 0..<rows.rowCount {
            let missing = rows.missingCount(row: row)
            let present = Double(width - missing) / Double(max(width, 1))
            if present >= model.manifest.minFeatureFraction {
                scored?.append(row)
                continue
            }
            if scored == nil { scored = Array(0..<row) }
            fallbacks.append(try insufficient(rows, row: row, missing: missing, model: model))
        }
        let scores = try Self.scores(rows, scored, model)
        let effective = policy ?? TierPolicy().overridden(by: model.manifest.tiers)
        var results: [RiskAssessment] = []
        results.reserveCapacity(rows.rowCount)
        var nextScored = 0
        var nextFallback = 0
        for row in 0..<rows.rowCount {
            if let scored, nextScored >= scored.count || scored[nextScored] != row {
                results.append(fallbacks[nextFallback])
                nextFallback += 1
                continue
            }
            let score = scores[nextScored]
            nextScored += 1
            var assessment = RiskAssessment(
                risk: score, score: score, tier: .none, source: .model,
                missingFeatures: missingNames(rows, row: row, names: model.featureNames),
                outOfRangeFeatures: outOfRange(rows, row: row, model))
            if let calibrator = model.calibrator {
                let calibrated = calibrator.calibrate(score)
                assessment.risk = calibrated.probability
                assessment.lower = calibrated.lower
                assessment.upper = calibrated.upper
            }
            assessment.tier = effective.tier(
                risk: assessment.risk, lower: assessment.lower, canEscalateToL3: assessment.isCalibrated)
            results.append(assessment)
        }
        return results
    }

    /// The fallback answer for a row with too few features, or `insufficientFeatures` without rules.
    private func insufficient(_ rows: FeatureMatrix, row: Int, missing: Int, model: ServableModel) throws(ScoringError)
        -> RiskAssessment
    {
        let names = missingNames(rows, row: row, names: model.featureNames)
        let reason =
            "\(missing) of \(rows.columnCount) features missing "
            + "(needs \(Int((model.manifest.minFeatureFraction * 100).rounded()))% present)"
        guard
            var answer = fallback(
                model.manifest, names: model.featureNames, values: Array(rows.row(row)), reason: reason)
        else {
            let listed = names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", …" : "")
            throw ScoringError(
                .insufficientFeatures, row: row, message: reason + "; missing: " + listed, missingFeatures: names)
        }
        answer.missingFeatures = names
        return answer
    }

    /// The rule-based answer of a manifest (first matching rule, else the default risk), or nil.
    public func fallback(
        _ manifest: ModelManifest, names: [String], values: [Double], reason: String
    ) -> RiskAssessment? {
        guard let rules = manifest.fallback else { return nil }
        var risk = rules.defaultRisk
        var why = reason
        for rule in rules.rules {
            guard let index = names.firstIndex(of: rule.feature), index < values.count, !values[index].isNaN,
                rule.matches(values[index])
            else { continue }
            risk = rule.risk
            why += "; rule \(rule.feature) \(rule.comparison.rawValue) \(rule.value)"
            if let text = rule.reason { why += " (\(text))" }
            break
        }
        guard let risk else { return nil }
        // Rules are coarse: they may page L1 but never wake L3.
        let threshold = (policy ?? TierPolicy().overridden(by: manifest.tiers)).l1Risk
        let tier: EscalationTier = risk >= threshold ? .l1 : .none
        return RiskAssessment(
            risk: risk, score: nil, tier: tier, source: .fallback, fallbackReason: why,
            missingFeatures: zip(names, values).filter { $0.1.isNaN }.map(\.0), outOfRangeFeatures: [])
    }

    /// The probability of the positive ("fails") outcome for each of `selected` rows (nil: every row), by
    /// one engine call.
    static func scores(_ rows: FeatureMatrix, _ selected: [Int]?, _ model: ServableModel) throws(ScoringError)
        -> [Double]
    {
        let count = selected?.count ?? rows.rowCount
        guard count > 0 else { return [] }
        let first = selected?.first ?? 0
        let engine = model.model
        if engine.task == .regression {
            throw ScoringError(
                .unsupportedTask, row: first,
                message: "regression models have no risk; call /v2/models/{name}/infer for raw outputs")
        }
        let width = rows.columnCount
        let outputs = engine.outputCount
        var output = [Double](repeating: 0, count: count * outputs)
        if let selected {
            var compact: [Double] = []
            compact.reserveCapacity(selected.count * width)
            for row in selected { compact.append(contentsOf: rows.row(row)) }
            compact.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer {
                    engine.predict(rows: input, rowCount: count, into: $0)
                }
            }
        } else {
            rows.values.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { engine.predict(rows: input, rowCount: count, into: $0) }
            }
        }
        // A binary classifier's one output per row is the score already.
        if engine.task == .binaryClassification && outputs == 1 { return output }
        var scores = [Double](repeating: 0, count: count)
        for index in 0..<count {
            let first = output[index * outputs]
            // Multiclass: class 0 is "healthy" by convention; risk is the chance of any failure class.
            scores[index] = engine.task == .binaryClassification ? first : max(0, min(1, 1 - first))
        }
        return scores
    }

    private func missingNames(_ rows: FeatureMatrix, row: Int, names: [String]) -> [String] {
        let base = row * rows.columnCount
        let columns = base..<(base + rows.columnCount)
        var count = 0
        for index in columns where rows.values[index].isNaN { count += 1 }
        guard count > 0 else { return [] }
        var missing: [String] = []
        missing.reserveCapacity(count)  // one allocation, not one per doubling
        for index in columns where rows.values[index].isNaN { missing.append(names[index - base]) }
        return missing
    }

    private func outOfRange(_ rows: FeatureMatrix, row: Int, _ model: ServableModel) -> [String] {
        let ranges = model.manifest.trainingRange
        guard !ranges.isEmpty else { return [] }
        var names: [String] = []
        for (column, name) in model.featureNames.enumerated() {
            let value = rows[row, column]
            guard let range = ranges[name], !value.isNaN else { continue }
            if !range.contains(value) { names.append(name) }
        }
        return names
    }
}
