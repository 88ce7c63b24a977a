import Foundation
import JSON

/// Loads the committed scipy-computed vectors (tools/fixtures/make_slo_vectors.py) for the tests.
enum Fixture {
    struct Missing: Error { let name: String }

    static func load(_ name: String) throws -> JSONValue {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        return try JSONParser().parse(try Data(contentsOf: url))
    }

    /// The array of objects under `key`.
    static func cases(_ name: String, _ key: String) throws -> [JSONObject] {
        let root = try load(name).object(at: "")
        return try root.require(key, at: "").array(at: key).map { try $0.object(at: key) }
    }
}

extension JSONObject {
    func number(_ key: String) throws -> Double { try require(key, at: "").double(at: key) }
    func integer(_ key: String) throws -> Int { try require(key, at: "").int(at: key) }
    func pair(_ key: String) throws -> [Double] { try require(key, at: "").doubles(at: key) }
}
