import Foundation
import HTTPCore
import JSON
import RiskCore

/// A decoded `POST .../predict` body: `{"instances": [{"features": {"name": number|null}, "entity"?: id}]}`,
/// read straight from the bytes with `JSONReader` (no JSON tree, no per-row dictionary).
///
/// The model version is chosen per instance after decoding (canary routing by entity), so features are
/// kept as cells against request-local columns. Columns start as the expected model's features (the
/// serving or pinned version), so the usual body — keys in the model's order — resolves each key by one
/// byte comparison with the name at the same position, without a `String` or a hash; other names are
/// resolved once per request. `matrix(rows:names:featureIndex:)` maps the columns to a model's order.
struct PredictionRequest {
    static let maxInstances = 10_000
    static let maxDepth = 32

    private struct Cell {
        var column: Int32
        /// The instance the value belongs to; cells are in instance order.
        var row: Int32
        var value: Double
    }

    /// The expected model's features, then names it does not know in the order first seen.
    private(set) var names: [String]
    private let expected: [String]
    private let expectedIndex: [String: Int]
    private let expectedKeys: JSONKeyTable
    private var extraByName: [String: Int32] = [:]
    private var cells: [Cell] = []
    /// The instance's entity, if it named one.
    private(set) var entities: [String?] = []
    /// Per column, the last instance that named it, to reject a feature named twice in one instance. Kept
    /// only from the first instance that names its features out of column order: in order, a repeat is
    /// impossible, so the usual request allocates nothing for it.
    private var lastRow: [Int] = []
    /// The highest column the current instance has named so far.
    private var rowHighest: (row: Int, column: Int32) = (-1, -1)
    private let bodyBytes: Int

    var count: Int { entities.count }

    /// - Parameters:
    ///   - expecting: the feature names of the version most instances will go to, in its order.
    ///   - index: their positions (the version's `featureIndex`).
    ///   - keys: the same names as a key table (the version's `featureKeys`).
    init(_ body: [UInt8], expecting names: [String], index: [String: Int], keys: JSONKeyTable)
        throws(HTTPResponseError)
    {
        self.names = names
        expected = names
        expectedIndex = index
        expectedKeys = keys
        bodyBytes = body.count
        guard !body.isEmpty else { throw HTTPResponseError.badRequest("request body is empty; expected a JSON object") }
        let result = body.withUnsafeBufferPointer { buffer in
            Result { () throws(HTTPResponseError) in
                var reader = JSONReader(bytes: buffer, maxDepth: Self.maxDepth)
                try decodeBody(&reader)
            }
        }
        try result.get()
    }

    /// The rows `rows` (distinct instance indices, ascending) in the order of `featureNames` (NaN =
    /// missing), and per row the names the model does not know; `unknown` is empty (not allocated) when no
    /// row names one.
    func matrix(rows: [Int], names featureNames: [String], featureIndex: [String: Int]) -> (
        FeatureMatrix, unknown: [[String]]
    ) {
        let width = featureNames.count
        // For the expected version, columns 0..<width are the model's own and the rest are names it does not
        // know, so no per-request mapping is built.
        let inOrder = featureNames == expected
        let target = inOrder ? [] : names.map { name in featureIndex[name].map { Int32($0) } ?? -1 }
        var matrix = FeatureMatrix(rowCount: rows.count, columnCount: width)
        var unknown: [[String]] = []
        // Each instance's row in the matrix: itself when all instances are asked for.
        var outputRow: [Int32] = []
        if rows.count != count {
            outputRow = Array(repeating: -1, count: count)
            for (output, row) in rows.enumerated() { outputRow[row] = Int32(output) }
        }
        matrix.values.withUnsafeMutableBufferPointer { values in
            cells.withUnsafeBufferPointer { cells in
                for cell in cells {
                    let output = outputRow.isEmpty ? Int(cell.row) : Int(outputRow[Int(cell.row)])
                    if output >= 0 {
                        let column = inOrder ? (Int(cell.column) < width ? cell.column : -1) : target[Int(cell.column)]
                        if column >= 0 {
                            values[output * width + Int(column)] = cell.value
                        } else {
                            if unknown.isEmpty { unknown = [[String]](repeating: [], count: rows.count) }
                            unknown[output].append(names[Int(cell.column)])
                        }
                    }
                }
            }
        }
        return (matrix, unknown)
    }

    // MARK: decoding

    private mutating func decodeBody(_ reader: inout JSONReader) throws(HTTPResponseError) {
        try JSONBody.syntax { () throws(JSONParseError) in reader.skipWhitespace() }
        guard reader.current == UInt8(ascii: "{") else {
            let kind = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 0).typeName }
            throw HTTPResponseError.badRequest("request body must be a JSON object, not \(kind)")
        }
        var sawInstances = false
        try JSONBody.object(&reader, depth: 1) { (reader, key) throws(HTTPResponseError) in
            if key == "instances" && !sawInstances {
                sawInstances = true
                try decodeInstances(&reader)
            } else {
                try JSONBody.skip(&reader, depth: 1)
            }
        }
        try JSONBody.syntax { () throws(JSONParseError) in
            reader.skipWhitespace()
            guard reader.position == reader.bytes.count else {
                throw reader.error("unexpected data after the JSON value")
            }
        }
        guard sawInstances else { throw HTTPResponseError.badRequest("instances: required") }
        guard count > 0 else { throw HTTPResponseError.badRequest("instances: must not be empty") }
    }

    private mutating func decodeInstances(_ reader: inout JSONReader) throws(HTTPResponseError) {
        guard reader.current == UInt8(ascii: "[") else {
            try JSONBody.skip(&reader, depth: 1)
            throw HTTPResponseError.badRequest("instances: expected an array")
        }
        try JSONBody.array(&reader, depth: 2) { (reader) throws(HTTPResponseError) in
            let index = count
            guard index < Self.maxInstances else {
                throw HTTPResponseError(
                    .contentTooLarge, "too_many_instances", "at most \(Self.maxInstances) instances per request")
            }
            guard reader.current == UInt8(ascii: "{") else {
                try JSONBody.skip(&reader, depth: 2)
                throw HTTPResponseError.badRequest("instances[\(index)]: expected an object")
            }
            var entity: String?
            var sawFeatures = false
            try JSONBody.object(&reader, depth: 3, keyedBy: Self.instanceKey) {
                (reader, key) throws(HTTPResponseError) in
                switch key {
                case .features:
                    guard reader.current == UInt8(ascii: "{") else {
                        throw HTTPResponseError.badRequest(
                            "instances[\(index)].features: required, an object of feature name to number or null")
                    }
                    sawFeatures = true
                    try decodeFeatures(&reader, row: index)
                case .entity:
                    if reader.current == UInt8(ascii: "\"") {
                        entity = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() }
                    } else if reader.current == UInt8(ascii: "n") {
                        try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("null") }
                    } else {
                        throw HTTPResponseError.badRequest("instances[\(index)].entity: expected a string")
                    }
                case .other:
                    try JSONBody.skip(&reader, depth: 3)
                }
            }
            guard sawFeatures else {
                throw HTTPResponseError.badRequest(
                    "instances[\(index)].features: required, an object of feature name to number or null")
            }
            entities.append(entity)
        }
    }

    private enum InstanceKey { case features, entity, other }

    /// The keys an instance may have, in `InstanceKey`'s order.
    private static let instanceKeys = JSONKeyTable(["features", "entity"])

    /// An instance's key, recognised from its bytes when written plainly (no `String` per instance).
    private static func instanceKey(_ reader: inout JSONReader) throws(HTTPResponseError) -> InstanceKey {
        if reader.skipString(equalTo: 0, in: instanceKeys) { return .features }
        if reader.skipString(equalTo: 1, in: instanceKeys) { return .entity }
        switch try JSONBody.syntax({ () throws(JSONParseError) in try reader.parseString() }) {
        case "features": return .features
        case "entity": return .entity
        default: return .other
        }
    }

    private mutating func decodeFeatures(_ reader: inout JSONReader, row: Int) throws(HTTPResponseError) {
        // Clients send the features in the model's order: the key after column c is most likely c + 1.
        var next = 0
        let rowStart = reader.position
        if row == 0 { cells.reserveCapacity(expected.count) }
        defer { if row == 0 { reserveForRows(firstRowBytes: reader.position - rowStart) } }
        if decodeFeaturesInOrder(&reader, row: row) { return }
        try JSONBody.object(
            &reader, depth: 4,
            keyedBy: { (reader) throws(HTTPResponseError) -> Int32 in
                let column = try column(&reader, guess: next, row: row)
                if Int(column) < expected.count { next = Int(column) + 1 }
                return column
            }
        ) { (reader, column) throws(HTTPResponseError) in
            let value: Double
            switch reader.current ?? 0 {
            case UInt8(ascii: "n"):
                try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("null") }
                value = .nan
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseNumber() }
            default:
                let kind = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 4).typeName }
                throw HTTPResponseError.badRequest(
                    "instances[\(row)].features.\(names[Int(column)]): expected a number or null, got \(kind)")
            }
            cells.append(Cell(column: column, row: Int32(row), value: value))
        }
    }

    /// Reads the usual features object in one loop: every expected name once, in order, each with a number
    /// or null. For anything else (another order, unknown, missing or escaped names, other values, bad
    /// syntax) it returns false with the reader and the cells as they were, and the general path reads the
    /// object and reports any error; so what this accepts decodes exactly as the general path would.
    private mutating func decodeFeaturesInOrder(_ reader: inout JSONReader, row: Int) -> Bool {
        // Only an instance's first features object, while every instance so far was in order: a repeated
        // "features" key must reach the general path's duplicate check.
        guard expectedKeys.count > 0, lastRow.isEmpty, rowHighest.row != row else { return false }
        // A local reader (a pointer, a count and a position) the loop can keep in registers; the caller's
        // moves only on success.
        var local = reader
        let cellCount = cells.count
        local.position += 1  // the "{"
        var column = 0
        scan: while column < expectedKeys.count {
            local.skipWhitespace()
            if column > 0 {
                guard local.current == UInt8(ascii: ",") else { break scan }
                local.position += 1
                local.skipWhitespace()
            }
            guard local.current == UInt8(ascii: "\""), local.skipString(equalTo: column, in: expectedKeys) else {
                break scan
            }
            local.skipWhitespace()
            guard local.current == UInt8(ascii: ":") else { break scan }
            local.position += 1
            local.skipWhitespace()
            let value: Double
            switch local.current ?? 0 {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let number = try? local.parseNumber() else { break scan }
                value = number
            case UInt8(ascii: "n"):
                guard (try? local.expectLiteral("null")) != nil else { break scan }
                value = .nan
            default:
                break scan
            }
            cells.append(Cell(column: Int32(column), row: Int32(row), value: value))
            column += 1
        }
        local.skipWhitespace()
        if column == expectedKeys.count && local.current == UInt8(ascii: "}") {
            local.position += 1
            reader = local
            rowHighest = (row, Int32(column - 1))
            return true
        }
        cells.removeSubrange(cellCount...)
        return false
    }

    /// Sizes the per-row storage once from the first row's share of the body, instead of by doubling.
    private mutating func reserveForRows(firstRowBytes: Int) {
        let estimate = min(Self.maxInstances, bodyBytes / max(firstRowBytes, 1))
        guard estimate > 1 else { return }
        let rows = estimate + estimate / 8 + 1
        cells.reserveCapacity(rows * cells.count)
        entities.reserveCapacity(rows)
    }

    /// The request-local column of the key at the reader: the expected name at `guess` when the key's
    /// bytes are exactly that name (no `String`, no hash), else resolved by name; rejects a name repeated
    /// within one instance.
    private mutating func column(_ reader: inout JSONReader, guess: Int, row: Int) throws(HTTPResponseError) -> Int32 {
        let start = reader.position
        let column: Int32
        if guess < expectedKeys.count && reader.skipString(equalTo: guess, in: expectedKeys) {
            column = Int32(guess)
        } else {
            column = try self.column(named: JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() })
        }
        if rowHighest.row != row { rowHighest = (row, -1) }
        if lastRow.isEmpty {
            if column > rowHighest.column {
                rowHighest.column = column
                return column
            }
            // Out of order: from here on every column's last instance is kept, this one's from its cells.
            lastRow = [Int](repeating: -1, count: names.count)
            for cell in cells.reversed() {
                guard cell.row == row else { break }
                lastRow[Int(cell.column)] = row
            }
        }
        guard lastRow[Int(column)] != row else {
            throw HTTPResponseError(
                .badRequest, "invalid_json",
                "request body is not valid JSON: duplicate object key \"\(names[Int(column)])\" at byte \(start)")
        }
        lastRow[Int(column)] = row
        return column
    }

    private mutating func column(named name: String) -> Int32 {
        if let known = expectedIndex[name] { return Int32(known) }
        if let known = extraByName[name] { return known }
        let created = Int32(names.count)
        names.append(name)
        extraByName[name] = created
        if !lastRow.isEmpty { lastRow.append(-1) }
        return created
    }
}
