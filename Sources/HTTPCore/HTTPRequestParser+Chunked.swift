extension HTTPRequestParser {
    /// Decodes the chunked coding (RFC 9112 §7.1); returns true once the last chunk and trailers are in.
    mutating func advanceChunked() throws(HTTPParseError) -> Bool {
        while true {
            switch state {
            case .chunkSize:
                guard let line = try nextLine(limit: limits.maxChunkLineBytes, overflow: .bad("chunk line too long"))
                else { return false }
                let size = try parseChunkSize(line)
                state = size == 0 ? .trailerFields : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let available = min(remaining, bufferedByteCount)
                guard available > 0 else { return false }
                head.body.append(contentsOf: buffer[start..<start + available])
                start += available
                scanned = start
                state = available == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else { return false }
                guard buffer[start] == ASCII.cr, buffer[start + 1] == ASCII.lf else {
                    throw .bad("chunk data not followed by CRLF")
                }
                start += 2
                scanned = start
                state = .chunkSize
            case .trailerFields:
                let room = limits.maxHeaderBytes - head.fieldBytes
                guard let line = try nextLine(limit: room, overflow: Self.headersTooLarge) else { return false }
                if line.isEmpty { return true }
                // Trailers are validated and counted, then dropped: nothing in riskd reads them, and merging
                // them into the headers would let a trailer override a checked header.
                _ = try parseField(line)
            default:
                return false
            }
        }
    }

    /// `chunk-size [ chunk-ext ]`: hex digits without overflow, the running body within the limit.
    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = ASCII.hexValue(line[index]) {
            let (shifted, multiplyOverflow) = size.multipliedReportingOverflow(by: 16)
            let (next, addOverflow) = shifted.addingReportingOverflow(Int(digit))
            guard !multiplyOverflow, !addOverflow, next <= limits.maxBodyBytes - head.body.count else {
                throw Self.contentTooLarge
            }
            size = next
            index += 1
        }
        guard index > line.startIndex else { throw .bad("invalid chunk size") }
        try Self.validateChunkExtensions(line[index...])
        return size
    }

    /// `*( ";" ext-name [ "=" ( token / quoted-string ) ] )`; the values are ignored.
    ///
    /// Strict like llhttp: no whitespace anywhere, not even the BWS RFC 9112 tolerates, because `5 \r\n`
    /// (size, then spaces) is read as 5 by some parsers and rejected by others, a request-smuggling vector.
    static func validateChunkExtensions(_ text: ArraySlice<UInt8>) throws(HTTPParseError) {
        var rest = text
        func token() -> Bool {
            let length = rest.prefix(while: ASCII.isTokenCharacter).count
            rest = rest.dropFirst(length)
            return length > 0
        }
        while true {
            guard let byte = rest.first else { return }
            guard byte == UInt8(ascii: ";") else { throw .bad("invalid character after chunk size") }
            rest = rest.dropFirst()
            guard token() else { throw .bad("invalid chunk extension name") }
            guard rest.first == UInt8(ascii: "=") else { continue }
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "\"") {
                guard try skipQuotedString(&rest) else { throw .bad("unterminated chunk extension value") }
            } else if !token() {
                throw .bad("invalid chunk extension value")
            }
        }
    }

    /// Consumes a quoted-string (RFC 9110 §5.6.4) starting at its opening quote.
    private static func skipQuotedString(_ rest: inout ArraySlice<UInt8>) throws(HTTPParseError) -> Bool {
        rest = rest.dropFirst()
        while let byte = rest.first {
            rest = rest.dropFirst()
            switch byte {
            case UInt8(ascii: "\""): return true
            case UInt8(ascii: "\\"):
                guard let escaped = rest.first, ASCII.isFieldValueCharacter(escaped) else {
                    throw .bad("invalid quoted pair")
                }
                rest = rest.dropFirst()
            default:
                guard ASCII.isFieldValueCharacter(byte) else { throw .bad("invalid character in chunk extension") }
            }
        }
        return false
    }
}
