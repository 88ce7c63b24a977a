/// A parser for Universal Binary JSON (UBJSON, draft 12), the binary encoding of the same value tree as
/// JSON; XGBoost writes it with `Booster.save_model("model.ubj")`.
///
/// It yields the `JSONValue` the text parser would, so a loader that reads XGBoost's JSON reads its
/// UBJSON unchanged. Numbers are big-endian; optimized containers (`$` element type, `#` count) are
/// supported, including the typed numeric arrays XGBoost writes for its node arrays. The same limits as
/// the text parser apply (nesting depth, duplicate keys rejected, valid UTF-8), and a count is checked
/// against the bytes that remain before anything is allocated, so truncated or hostile input fails with
/// a `JSONParseError` naming the byte offset, never a crash or a huge allocation.
public struct UBJSONParser {
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = UBJSONReader(bytes: buffer, maxDepth: maxDepth)
            let value = try reader.value(marker: try reader.byte(), depth: 0)
            guard reader.position == buffer.count else { throw reader.error("unexpected data after the value") }
            return value
        }
    }
}

/// The cursor behind `UBJSONParser`: one byte marker per value, then its payload.
struct UBJSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws(JSONParseError) -> UInt8 {
        guard position < bytes.count else { throw error("unexpected end of data") }
        defer { position += 1 }
        return bytes[position]
    }

    /// `count` bytes read big-endian into an unsigned integer.
    mutating func bigEndian(_ count: Int) throws(JSONParseError) -> UInt64 {
        guard remaining >= count else { throw error("unexpected end of data") }
        var result: UInt64 = 0
        for offset in 0..<count { result = result << 8 | UInt64(bytes[position + offset]) }
        position += count
        return result
    }

    /// The value whose type marker is `marker` (already consumed).
    mutating func value(marker: UInt8, depth: Int) throws(JSONParseError) -> JSONValue {
        switch marker {
        case UInt8(ascii: "Z"): return .null
        case UInt8(ascii: "T"): return .bool(true)
        case UInt8(ascii: "F"): return .bool(false)
        case UInt8(ascii: "S"): return .string(try string())
        case UInt8(ascii: "C"):
            let character = try byte()
            guard character < 0x80 else { throw error("char value is not ASCII") }
            return .string(String(UnicodeScalar(character)))
        case UInt8(ascii: "H"):
            let text = try string()
            guard let number = Double(text), number.isFinite else { throw error("invalid high-precision number") }
            return .number(number)
        case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
        case UInt8(ascii: "{"): return .object(try object(depth: depth + 1))
        default:
            guard let number = try number(marker: marker) else {
                position -= 1
                throw error("unknown type marker 0x\(String(marker, radix: 16))")
            }
            return .number(number)
        }
    }

    /// A numeric payload for `marker`, or nil when `marker` is not a numeric type.
    mutating func number(marker: UInt8) throws(JSONParseError) -> Double? {
        switch marker {
        case UInt8(ascii: "i"): return Double(Int8(truncatingIfNeeded: try bigEndian(1)))
        case UInt8(ascii: "U"): return Double(try bigEndian(1))
        case UInt8(ascii: "I"): return Double(Int16(truncatingIfNeeded: try bigEndian(2)))
        case UInt8(ascii: "l"): return Double(Int32(truncatingIfNeeded: try bigEndian(4)))
        case UInt8(ascii: "L"): return Double(Int64(bitPattern: try bigEndian(8)))
        case UInt8(ascii: "d"):
            return Double(Float(bitPattern: UInt32(truncatingIfNeeded: try bigEndian(4))))
        case UInt8(ascii: "D"): return Double(bitPattern: try bigEndian(8))
        default: return nil
        }
    }

    /// A length or count: an integer of any width, never negative.
    mutating func length() throws(JSONParseError) -> Int {
        let start = position
        let marker = try byte()
        guard marker != UInt8(ascii: "d"), marker != UInt8(ascii: "D"), let value = try number(marker: marker),
            value >= 0, value <= Double(Int32.max)
        else {
            position = start
            throw error("expected a non-negative integer length")
        }
        return Int(value)
    }

    /// A string payload: its length, then that many bytes of UTF-8.
    mutating func string() throws(JSONParseError) -> String {
        let count = try length()
        guard count <= remaining else { throw error("string of \(count) bytes runs past the end of data") }
        let slice = UnsafeBufferPointer(rebasing: bytes[position..<position + count])
        guard let text = String(validating: slice, as: UTF8.self) else { throw error("string is not valid UTF-8") }
        position += count
        return text
    }

    /// The optional `$type` and `#count` of an optimized container; a type requires a count.
    mutating func containerHeader() throws(JSONParseError) -> (type: UInt8?, count: Int?) {
        var type: UInt8?
        if remaining > 0, bytes[position] == UInt8(ascii: "$") {
            position += 1
            type = try byte()
            guard remaining > 0, bytes[position] == UInt8(ascii: "#") else { throw error("'$' type without '#' count") }
        }
        guard remaining > 0, bytes[position] == UInt8(ascii: "#") else { return (nil, nil) }
        position += 1
        let count = try length()
        // Every element takes at least `width` bytes, so a count larger than what remains is truncation or a
        // lie, refused before allocating. Elements of a null or boolean typed container take no bytes at
        // all: their count is capped instead, so a few bytes cannot ask for gigabytes of values.
        let width = type.map(Self.payloadWidth) ?? 1
        guard width > 0 ? count <= remaining / width : count <= Self.maxPayloadlessCount else {
            throw error("container of \(count) elements runs past the end of data")
        }
        return (type, count)
    }

    /// Most elements a typed container of nulls or booleans may declare.
    static let maxPayloadlessCount = 1 << 16

    /// The smallest payload of one element of `type` in a typed container.
    static func payloadWidth(_ type: UInt8) -> Int {
        switch type {
        case UInt8(ascii: "Z"), UInt8(ascii: "T"), UInt8(ascii: "F"): 0
        case UInt8(ascii: "I"): 2
        case UInt8(ascii: "l"), UInt8(ascii: "d"): 4
        case UInt8(ascii: "L"), UInt8(ascii: "D"): 8
        default: 1
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        let (type, count) = try containerHeader()
        var result: [JSONValue] = []
        if let count {
            result.reserveCapacity(count)
            for _ in 0..<count { result.append(try element(type: type, depth: depth)) }
            return result
        }
        while true {
            let marker = try byte()
            if marker == UInt8(ascii: "]") { return result }
            if marker == UInt8(ascii: "N") { continue }
            result.append(try value(marker: marker, depth: depth))
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        let (type, count) = try containerHeader()
        var result = JSONObject()
        var seen: Set<String>?
        var index = 0
        while count.map({ index < $0 }) ?? true {
            if count == nil {
                guard remaining > 0 else { throw error("unexpected end of data") }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return result
                }
                if bytes[position] == UInt8(ascii: "N") {
                    position += 1
                    continue
                }
            }
            let keyStart = position
            let key = try string()
            try JSONReader.rejectDuplicate(key, in: result, seen: &seen, at: keyStart)
            result.append(key, try element(type: type, depth: depth))
            index += 1
        }
        return result
    }

    /// One element of a container: typed containers omit each element's marker.
    mutating func element(type: UInt8?, depth: Int) throws(JSONParseError) -> JSONValue {
        if let type { return try value(marker: type, depth: depth) }
        return try value(marker: try byte(), depth: depth)
    }
}
