/// Why a document is not acceptable JSON, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int

    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser with limits.
///
/// Strict because what riskd accepts it must also be able to explain: no trailing commas, no comments,
/// no NaN tokens, valid UTF-8 only, duplicate object keys rejected (a second `"cpu"` would otherwise
/// silently override the first), and a maximum nesting depth so hostile input cannot exhaust the stack.
public struct JSONParser {
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parseBuffer(buffer) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONParseError) in try parseBuffer(buffer) }
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var cursor = JSONReader(bytes: buffer, maxDepth: maxDepth)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.position == buffer.count else { throw cursor.error("unexpected data after the JSON value") }
        return value
    }
}

/// The one JSON lexer and parser of riskd, as a pull reader over bytes: `JSONParser` builds trees with
/// it, and hot-path decoders (the predict body) read values straight into their own storage with the
/// same rules, without building a tree.
public struct JSONReader {
    public let bytes: UnsafeBufferPointer<UInt8>
    public let maxDepth: Int
    public var position = 0

    public init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    public func error(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    @inlinable
    public var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    @inlinable
    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    public mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(printable(byte))'")
        }
    }

    @inlinable
    public mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw error("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: length)
        for offset in 0..<length where bytes[position + offset] != expected[offset] {
            throw error("invalid literal")
        }
        position += length
    }

    public mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        var object = JSONObject()
        var seen: Set<String>? = nil
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return object
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = position
            let key = try parseString()
            try Self.rejectDuplicate(key, in: object, seen: &seen, at: keyStart)
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            position += 1
            skipWhitespace()
            object.append(key, try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return object
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// Small objects are scanned linearly; past 16 keys a set takes over so the check stays O(n).
    static func rejectDuplicate(_ key: String, in object: JSONObject, seen: inout Set<String>?, at offset: Int)
        throws(JSONParseError)
    {
        if seen == nil, object.count >= 16 { seen = Set(object.keys) }
        let duplicate: Bool
        if var set = seen {
            seen = nil
            duplicate = !set.insert(key).inserted
            seen = set
        } else {
            duplicate = object.entries.contains { $0.key == key }
        }
        if duplicate { throw JSONParseError(message: "duplicate object key \"\(key)\"", offset: offset) }
    }

    public mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
        position += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return array
        }
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return array
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    public mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(message: "invalid UTF-8 in a string", offset: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            position += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let string = String(validating: scalars, as: UTF8.self) else {
                    throw JSONParseError(message: "invalid UTF-8 in a string", offset: start)
                }
                return string
            case UInt8(ascii: "\\"):
                position += 1
                try appendEscape(to: &scalars)
            case 0..<0x20:
                throw error("unescaped control character in a string")
            default:
                scalars.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    mutating func appendEscape(to output: inout [UInt8]) throws(JSONParseError) {
        guard let byte = current else { throw error("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800...0xDBFF).contains(code) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("unpaired surrogate in \\u escape") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw error("unpaired surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
            output.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw error("invalid escape '\\\(printable(byte))'")
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// The usual number, a short decimal (`-?digits(.digits)?`, at most 15 digits), is read here, inline in
    /// the caller's loop: the digits as an exact integer divided by an exact power of ten is one correctly
    /// rounded division, bit for bit what the general conversion gives. Anything else (an exponent, more
    /// digits, a syntax error) takes `parseNumberInFull`.
    @inlinable
    public mutating func parseNumber() throws(JSONParseError) -> Double {
        let end = bytes.count
        var index = position
        let negative = index < end && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        var mantissa: Int64 = 0
        while index < end, bytes[index] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ Int64(bytes[index] &- 48)
            index += 1
        }
        var digits = index - integerStart
        // No digits, or a leading zero: the full reader reports the error.
        guard digits == 1 || (digits > 1 && bytes[integerStart] != UInt8(ascii: "0")) else {
            return try parseNumberInFull()
        }
        var fraction = 0
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < end, bytes[index] &- 48 < 10 {
                mantissa = mantissa &* 10 &+ Int64(bytes[index] &- 48)
                index += 1
            }
            fraction = index - fractionStart
            guard fraction > 0 else { return try parseNumberInFull() }
            digits += fraction
        }
        guard digits <= 15, index == end || bytes[index] | 0x20 != UInt8(ascii: "e") else {
            return try parseNumberInFull()
        }
        position = index
        let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / Self.powersOfTen[fraction]
        return negative ? -magnitude : magnitude
    }

    /// One pass over any number's bytes: it is validated and its digits accumulated together, so a short
    /// number with an exponent (up to 15 significant digits, a decimal exponent within ±22) is still one
    /// correctly rounded multiplication or division of exact operands (Clinger's fast path); longer numbers
    /// take the general conversion.
    @usableFromInline @inline(never)
    mutating func parseNumberInFull() throws(JSONParseError) -> Double {
        let start = position
        let end = bytes.count
        var index = position
        var negative = false
        if index < end && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < end, isDigit(bytes[index]) else { throw fail("invalid number", at: index) }
        var mantissa: UInt64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < end, isDigit(bytes[index]) {
                throw fail("leading zeros are not allowed in numbers", at: index)
            }
        } else {
            while index < end, isDigit(bytes[index]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 48)
                digits += 1
                index += 1
            }
        }
        var exponent = 0
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < end, isDigit(bytes[index]) else { throw fail("expected digits after '.'", at: index) }
            let fractionStart = index
            while index < end, isDigit(bytes[index]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 48)
                index += 1
            }
            digits += index - fractionStart
            exponent = fractionStart - index
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            var negativeExponent = false
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < end, isDigit(bytes[index]) else { throw fail("expected digits in the exponent", at: index) }
            var written = 0
            while index < end, isDigit(bytes[index]) {
                // Past 9,999 the fast path is out of reach anyway; stop growing so it cannot overflow.
                if written < 10_000 { written = written * 10 + Int(bytes[index] &- 48) }
                index += 1
            }
            exponent += negativeExponent ? -written : written
        }
        position = index
        // Leading zeros of a fraction count as digits here, so `digits <= 15` keeps the mantissa below 10^15,
        // exact in a Double, and 10^22 is the largest exact power of ten.
        if digits <= 15, exponent >= -22, exponent <= 22 {
            let magnitude =
                exponent < 0
                ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
            return negative ? -magnitude : magnitude
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
        guard let value = Double(String(decoding: text, as: UTF8.self)) else {
            throw JSONParseError(message: "invalid number", offset: start)
        }
        guard value.isFinite else { throw JSONParseError(message: "number out of range", offset: start) }
        return value
    }

    /// A syntax error at `offset`, leaving the reader there (where the byte-by-byte scan would have stopped).
    private mutating func fail(_ message: String, at offset: Int) -> JSONParseError {
        position = offset
        return error(message)
    }

    @usableFromInline
    static let powersOfTen: [Double] = [
        1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    public func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
