import JSON
import ModelSpec

/// Which versions of a model play which part (`aliases.json` next to the version directories).
///
/// `production` pins the serving version (otherwise the highest available one serves); `canary` takes
/// a weighted share of traffic; `shadow` scores the same inputs off the hot path for comparison.
public struct ModelAliases: Sendable, Equatable {
    public var production: Int?
    public var canary: Int?
    /// Share of traffic (0...1) the canary receives.
    public var canaryWeight: Double
    public var shadow: Int?

    public init(production: Int? = nil, canary: Int? = nil, canaryWeight: Double = 0, shadow: Int? = nil) {
        self.production = production
        self.canary = canary
        self.canaryWeight = canaryWeight
        self.shadow = shadow
    }

    /// The alias names an operator may set.
    public enum Name: String, Sendable, CaseIterable {
        case production, canary, shadow
    }

    public func version(of alias: Name) -> Int? {
        switch alias {
        case .production: production
        case .canary: canary
        case .shadow: shadow
        }
    }

    public mutating func set(_ alias: Name, version: Int?, weight: Double? = nil) {
        switch alias {
        case .production: production = version
        case .canary:
            canary = version
            canaryWeight = version == nil ? 0 : (weight ?? canaryWeight)
        case .shadow: shadow = version
        }
    }

    /// Versions referenced by any alias; the registry keeps them loaded whatever the version policy says.
    public var pinnedVersions: Set<Int> {
        Set([production, canary, shadow].compactMap { $0 })
    }

    /// Parses `{"production": 3, "canary": {"version": 4, "weight": 0.1}, "shadow": 5}`.
    public init(parsing bytes: [UInt8]) throws(ManifestError) {
        self.init()
        do {
            let root = try JSONParser().parse(bytes).object(at: "")
            for (key, value) in root {
                guard let name = Name(rawValue: key) else { continue }
                if value.isNull { continue }
                if let object = value.objectValue {
                    let version = try object.require("version", at: key).int(at: key + ".version")
                    let weight = try object.optional("weight")?.double(at: key + ".weight")
                    set(name, version: try Self.validated(version, key), weight: weight)
                } else {
                    set(name, version: try Self.validated(try value.int(at: key), key))
                }
            }
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError(message: "aliases.json: \(error)")
        }
        guard (0...1).contains(canaryWeight) else {
            throw ManifestError(message: "aliases.json: canary.weight must be within 0...1")
        }
    }

    private static func validated(_ version: Int, _ key: String) throws(ManifestError) -> Int {
        guard version > 0 else { throw ManifestError(message: "aliases.json: \(key) must be a positive version") }
        return version
    }

    public var json: JSONValue {
        var object = JSONObject()
        if let production { object.append("production", .number(Double(production))) }
        if let canary {
            object.append("canary", ["version": .number(Double(canary)), "weight": .number(canaryWeight)])
        }
        if let shadow { object.append("shadow", .number(Double(shadow))) }
        return .object(object)
    }
}
