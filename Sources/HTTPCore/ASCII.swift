import Glibc

/// Byte classes of RFC 9110 §5.6 used by the parser, router and serializer; the byte helpers are shared
/// with the routing module (`package`).
package enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Runs `body` over the UTF-8 bytes of `text` in place (copied only for a non-contiguous string).
    /// Scanning this buffer costs a few instructions a byte; iterating a `String.UTF8View` costs tens.
    @inline(__always)
    package static func withBytes<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// The byte offset of the first `byte` in `text`.
    static func firstOffset(of byte: UInt8, in text: String) -> Int? {
        withBytes(text) { index(of: byte, in: $0, from: 0, to: $0.count) }
    }

    /// The index of the first `byte` in `bytes[start..<end]` (memchr).
    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = bytes.baseAddress, let found = memchr(base + start, Int32(byte), end - start)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// Whether two byte ranges hold the same bytes (memcmp).
    package static func equal(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
        return memcmp(left, right, lhs.count) == 0
    }

    /// Whether two byte strings are equal ignoring ASCII letter case.
    static func equalIgnoringCase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lowercased(lhs[index]) != lowercased(rhs[index]) { return false }
        return true
    }

    /// Whether `bytes` equals `lowered` (already lower-case) ignoring ASCII letter case.
    static func equalIgnoringCase(_ bytes: ArraySlice<UInt8>, lowered: StaticString) -> Bool {
        bytes.withUnsafeBufferPointer {
            equalIgnoringCase($0, UnsafeBufferPointer(start: lowered.utf8Start, count: lowered.utf8CodeUnitCount))
        }
    }

    /// tchar: "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// field-vchar / SP / HTAB, with obs-text (0x80...0xFF) allowed as RFC 9110 permits.
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    static func decimalValue(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// `bytes` without leading and trailing spaces and tabs (OWS), ASCII letters lower-cased.
    static func loweredTrimmingOWS(_ text: String) -> String {
        let normal = withBytes(text) { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return first != space && first != tab && last != space && last != tab
                && !bytes.contains { $0 >= 0x41 && $0 <= 0x5A }
        }
        return normal ? text : loweredTrimmingOWS(text[...].utf8)  // the normal form is shared, not copied
    }

    /// `bytes` without leading and trailing spaces and tabs (OWS), ASCII letters lower-cased.
    static func loweredTrimmingOWS(_ bytes: Substring.UTF8View) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == space || bytes[start] == tab { start = bytes.index(after: start) }
        while end > start, bytes[bytes.index(before: end)] == space || bytes[bytes.index(before: end)] == tab {
            end = bytes.index(before: end)
        }
        let trimmed = bytes[start..<end]
        if !trimmed.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return String(Substring(trimmed)) }
        return String(decoding: trimmed.map(lowercased), as: UTF8.self)
    }
}
