/// Percent-decoding for query items and route parameters. The parser has already rejected targets whose
/// escapes are malformed or decode to invalid UTF-8 (`decodeStrictly`), so `decode` never has to guess.
public enum PercentDecoding {
    public static func decode(_ text: String, plusAsSpace: Bool) -> String {
        let escaped = ASCII.withBytes(text) {
            $0.contains(UInt8(ascii: "%")) || (plusAsSpace && $0.contains(UInt8(ascii: "+")))
        }
        guard escaped,
            let output = unescape(Array(text.utf8), plusAsSpace: plusAsSpace, strict: false)
        else { return text }
        return String(decoding: output, as: UTF8.self)
    }

    /// The decoded text, or nil if an escape is malformed or the result is not valid UTF-8.
    static func decodeStrictly(_ text: String) -> String? {
        guard ASCII.firstOffset(of: UInt8(ascii: "%"), in: text) != nil else { return text }
        return unescape(Array(text.utf8), plusAsSpace: false, strict: true).flatMap {
            String(validating: $0, as: UTF8.self)
        }
    }

    /// Replaces each `%XX` with its byte (and `+` with a space when asked). A malformed escape is kept
    /// literally, or makes the result nil when `strict`.
    private static func unescape(_ bytes: [UInt8], plusAsSpace: Bool, strict: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                if index + 2 < bytes.count, let high = ASCII.hexValue(bytes[index + 1]),
                    let low = ASCII.hexValue(bytes[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                if strict { return nil }
            }
            output.append(plusAsSpace && byte == UInt8(ascii: "+") ? ASCII.space : byte)
            index += 1
        }
        return output
    }
}
