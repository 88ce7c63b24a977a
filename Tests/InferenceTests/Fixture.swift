import Foundation
import Inference
import JSON

/// Reads committed fixtures written by tools/fixtures/make_inference_fixtures.py.
enum Fixture {
    struct LoadFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func bytes(_ fileName: String) throws -> [UInt8] {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(fileName)
        else { throw LoadFailure(description: "no resource directory") }
        return [UInt8](try Data(contentsOf: url))
    }

    /// One model's expected outputs from the native library.
    struct Expected {
        let modelFile: String
        let format: ModelFormat
        let rows: [[Double]]
        let predictions: [[Double]]
        let margins: [[Double]]?
    }

    static func expected(_ name: String) throws -> Expected {
        let document = try JSONParser().parse(try bytes("\(name).expected.json"))
        func matrix(_ key: String) throws -> [[Double]]? {
            guard let rows = document[key]?.arrayValue else { return nil }
            return try rows.map { row in
                try (row.arrayValue ?? []).map { value in
                    if value.isNull { return Double.nan }
                    guard let number = value.doubleValue else { throw LoadFailure(description: "\(key): bad number") }
                    return number
                }
            }
        }
        guard let modelFile = document["model"]?.stringValue,
            let format = document["format"]?.stringValue.flatMap(ModelFormat.init(rawValue:)),
            let rows = try matrix("rows"), let predictions = try matrix("predictions")
        else { throw LoadFailure(description: "\(name).expected.json is malformed") }
        return Expected(
            modelFile: modelFile, format: format, rows: rows, predictions: predictions, margins: try matrix("margins"))
    }
}
