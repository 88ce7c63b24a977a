import HTTPCore
import JSON

/// Structure readers over `JSONReader` for the hot-path body decoders (predict, OIP infer): objects key by
/// key, arrays element by element, unused values skipped, with a depth limit. Syntax errors become the
/// 400 `invalid_json` every JSON route answers; decoders add their own schema errors.
enum JSONBody {
    /// Reads `{ "key": value, ... }`, handing each key (as a String) and the reader positioned at its value.
    @inline(__always)
    static func object(
        _ reader: inout JSONReader, depth: Int,
        _ body: (inout JSONReader, String) throws(HTTPResponseError) -> Void
    ) throws(HTTPResponseError) {
        try object(
            &reader, depth: depth,
            keyedBy: { (reader) throws(HTTPResponseError) -> String in
                try syntax { () throws(JSONParseError) in try reader.parseString() }
            }, body)
    }

    @inline(__always)
    static func object<Key>(
        _ reader: inout JSONReader, depth: Int, keyedBy readKey: (inout JSONReader) throws(HTTPResponseError) -> Key,
        _ body: (inout JSONReader, Key) throws(HTTPResponseError) -> Void
    ) throws(HTTPResponseError) {
        if try enter(&reader, depth: depth, closing: UInt8(ascii: "}")) { return }
        while true {
            try syntax { () throws(JSONParseError) in
                reader.skipWhitespace()
                guard reader.current == UInt8(ascii: "\"") else { throw reader.error("expected a string key") }
            }
            let key = try readKey(&reader)
            try syntax { () throws(JSONParseError) in
                reader.skipWhitespace()
                guard reader.current == UInt8(ascii: ":") else {
                    throw reader.error("expected ':' after an object key")
                }
                reader.position += 1
                reader.skipWhitespace()
                guard reader.current != nil else { throw reader.error("unexpected end of input") }
            }
            try body(&reader, key)
            if try next(&reader, closing: UInt8(ascii: "}"), in: "an object") { return }
        }
    }

    @inline(__always)
    static func array(
        _ reader: inout JSONReader, depth: Int, _ element: (inout JSONReader) throws(HTTPResponseError) -> Void
    ) throws(HTTPResponseError) {
        if try enter(&reader, depth: depth, closing: UInt8(ascii: "]")) { return }
        while true {
            try syntax { () throws(JSONParseError) in
                reader.skipWhitespace()
                guard reader.current != nil else { throw reader.error("unexpected end of input") }
            }
            try element(&reader)
            if try next(&reader, closing: UInt8(ascii: "]"), in: "an array") { return }
        }
    }

    /// Steps over the opening bracket (within the depth limit); true when the container is empty.
    @inline(__always)
    private static func enter(_ reader: inout JSONReader, depth: Int, closing: UInt8) throws(HTTPResponseError) -> Bool
    {
        try syntax { () throws(JSONParseError) -> Bool in
            guard depth <= reader.maxDepth else { throw reader.error("nesting deeper than \(reader.maxDepth) levels") }
            reader.position += 1
            reader.skipWhitespace()
            guard reader.current == closing else { return false }
            reader.position += 1
            return true
        }
    }

    /// Steps over the ',' between members or the closing bracket; true when the container ended.
    @inline(__always)
    private static func next(_ reader: inout JSONReader, closing: UInt8, in container: String) throws(HTTPResponseError)
        -> Bool
    {
        try syntax { () throws(JSONParseError) -> Bool in
            reader.skipWhitespace()
            switch reader.current {
            case UInt8(ascii: ","):
                reader.position += 1
                return false
            case closing:
                reader.position += 1
                return true
            default:
                throw reader.error("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container)")
            }
        }
    }

    /// Reads and discards a value the request may carry but riskd does not use.
    static func skip(_ reader: inout JSONReader, depth: Int) throws(HTTPResponseError) {
        _ = try syntax { () throws(JSONParseError) in try reader.parseValue(depth: depth) }
    }

    /// Runs a reader step, turning a syntax error into the 400 `invalid_json` every JSON route answers.
    @inline(__always)
    static func syntax<T>(_ step: () throws(JSONParseError) -> T) throws(HTTPResponseError) -> T {
        do {
            return try step()
        } catch {
            throw HTTPResponseError(.badRequest, "invalid_json", "request body is not valid JSON: \(error)")
        }
    }
}
