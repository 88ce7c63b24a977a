import JSON
import Registry

/// Rows with the native library's predictions (`samples.json`, documented in docs/model-format.md), against
/// which `riskd model validate` checks that riskd computes what the training library computed.
///
/// `{"tolerance": 1e-6?, "rows": [{"features": {"<name>": <number|null>, ...}, "prediction": p | [p, ...]}]}`;
/// a prediction is the model's raw output (probability for classifiers, before riskd's calibration), one number
/// or one per class. Absent or null features are missing values, as in a predict request.
public struct ParitySamples: Sendable {
    public struct Row: Sendable {
        public var features: [String: Double]
        public var prediction: [Double]
    }

    public static let defaultTolerance = 1e-6
    public static let maxBytes = 64 << 20

    public var rows: [Row]
    public var tolerance: Double?

    public init(parsing bytes: [UInt8]) throws(SamplesError) {
        do {
            let root = try JSONParser().parse(bytes).object(at: "")
            if let tolerance = try root.optional("tolerance")?.double(at: "tolerance") {
                guard tolerance >= 0, tolerance.isFinite else { throw SamplesError("tolerance must be ≥ 0") }
                self.tolerance = tolerance
            }
            let elements = try root.require("rows", at: "").array(at: "rows")
            guard !elements.isEmpty else { throw SamplesError("rows is empty") }
            rows = try elements.enumerated().map { index, element in
                let path = "rows[\(index)]"
                let object = try element.object(at: path)
                var features: [String: Double] = [:]
                for (name, value) in try object.require("features", at: path).object(at: path + ".features") {
                    features[name] = value.isNull ? .nan : try value.double(at: "\(path).features.\(name)")
                }
                let prediction = try object.require("prediction", at: path)
                let values =
                    prediction.arrayValue != nil
                    ? try prediction.doubles(at: path + ".prediction")
                    : [try prediction.double(at: path + ".prediction")]
                return Row(features: features, prediction: values)
            }
        } catch let error as SamplesError {
            throw error
        } catch {
            throw SamplesError("\(error)")
        }
    }

    /// riskd's predictions for every row against the recorded ones, through the loaded version's feature order.
    public func compare(with servable: ServableModel) throws(SamplesError) -> ParityResult {
        let tolerance = self.tolerance ?? Self.defaultTolerance
        var result = ParityResult(rows: rows.count, tolerance: tolerance)
        for (index, row) in rows.enumerated() {
            var values = [Double](repeating: .nan, count: servable.featureNames.count)
            for (name, value) in row.features {
                guard let position = servable.featureIndex[name] else {
                    throw SamplesError("rows[\(index)].features: unknown feature \"\(name)\"")
                }
                values[position] = value
            }
            let predicted = servable.model.predict(values)
            guard predicted.count == row.prediction.count else {
                throw SamplesError(
                    "rows[\(index)].prediction has \(row.prediction.count) values, the model outputs \(predicted.count)"
                )
            }
            let difference = zip(predicted, row.prediction).map { abs($0 - $1) }.max() ?? 0
            result.maxDifference = max(result.maxDifference, difference.isNaN ? .infinity : difference)
            if !(difference <= tolerance) {
                result.mismatches += 1
                if result.firstMismatch == nil {
                    result.firstMismatch = "rows[\(index)]: riskd \(predicted), expected \(row.prediction)"
                }
            }
        }
        return result
    }
}

/// How far riskd's predictions are from the native library's.
public struct ParityResult: Sendable, Equatable {
    public var rows: Int
    public var tolerance: Double
    public var maxDifference: Double = 0
    public var mismatches = 0
    public var firstMismatch: String?

    public var passed: Bool { mismatches == 0 }
}

/// A samples file that cannot be used, with the offending key.
public struct SamplesError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = "samples: " + description }
}
