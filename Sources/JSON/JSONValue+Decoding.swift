/// A well-formed document whose content does not have the expected shape, located by a path such as
/// `instances[2].features.cpu`, so a client can fix exactly the field that was wrong.
public struct JSONDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

extension JSONValue {
    private func mismatch(_ expected: String, at path: String) -> JSONDecodingError {
        JSONDecodingError(path: path, message: "expected \(expected), got \(typeName)")
    }

    public func object(at path: String) throws(JSONDecodingError) -> JSONObject {
        guard let value = objectValue else { throw mismatch("object", at: path) }
        return value
    }

    public func array(at path: String) throws(JSONDecodingError) -> [JSONValue] {
        guard let value = arrayValue else { throw mismatch("array", at: path) }
        return value
    }

    public func string(at path: String) throws(JSONDecodingError) -> String {
        guard let value = stringValue else { throw mismatch("string", at: path) }
        return value
    }

    public func double(at path: String) throws(JSONDecodingError) -> Double {
        guard let value = doubleValue else { throw mismatch("number", at: path) }
        return value
    }

    public func bool(at path: String) throws(JSONDecodingError) -> Bool {
        guard let value = boolValue else { throw mismatch("boolean", at: path) }
        return value
    }

    public func int(at path: String) throws(JSONDecodingError) -> Int {
        guard let value = intValue else { throw mismatch("integer", at: path) }
        return value
    }

    /// Numbers in a JSON array, e.g. the node arrays of a tree model.
    public func doubles(at path: String) throws(JSONDecodingError) -> [Double] {
        let elements = try array(at: path)
        var result = [Double]()
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try element.double(at: "\(path)[\(index)]"))
        }
        return result
    }

    public func strings(at path: String) throws(JSONDecodingError) -> [String] {
        let elements = try array(at: path)
        var result = [String]()
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try element.string(at: "\(path)[\(index)]"))
        }
        return result
    }
}

extension JSONObject {
    /// The value under `key`, or an error naming `path.key` as missing.
    public func require(_ key: String, at path: String) throws(JSONDecodingError) -> JSONValue {
        guard let value = self[key] else {
            throw JSONDecodingError(path: JSONObject.join(path, key), message: "is required")
        }
        return value
    }

    /// The value under `key` unless it is absent or `null`.
    public func optional(_ key: String) -> JSONValue? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }

    /// `path.key`, or just `key` at the root.
    public static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
