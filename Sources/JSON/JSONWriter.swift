/// Serializes JSON straight into a byte buffer.
///
/// Output is compact and deterministic: object keys keep their order, integral numbers print without a
/// fraction (`5`, not `5.0`), other numbers print in Swift's shortest round-trip form, and non-finite
/// numbers, which JSON cannot carry, print as `null`.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(entry.key)
                bytes.append(UInt8(ascii: ":"))
                write(entry.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    public mutating func writeNumber(_ number: Double) {
        guard number.isFinite else {
            appendASCII("null")
            return
        }
        if number == number.rounded(), abs(number) < 1e15 {
            writeInteger(Int(number))
        } else {
            // The shortest digits that round-trip (what `description` gives), written straight into the
            // buffer: a 17-digit risk would otherwise allocate a String per number.
            var sink = ASCIISink()
            swap(&sink.bytes, &bytes)
            number.write(to: &sink)
            swap(&sink.bytes, &bytes)
        }
    }

    /// Appends an integer's decimal digits (what `String(value)` gives), without building a `String`.
    public mutating func writeInteger(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var remaining = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Appends again bytes already written at `range` (e.g. the same number twice), without producing them
    /// again. They go through a stack copy: appending a slice of `bytes` to itself would copy the buffer.
    public mutating func writeAgain(_ range: Range<Int>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: range.count) { copy in
            _ = bytes.withUnsafeBufferPointer {
                copy.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: $0[range]))
            }
            bytes.append(contentsOf: copy)
        }
    }

    /// Appends literal JSON text (punctuation and keys that need no escaping), for hand-built documents.
    public mutating func writeRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes a quoted string, escaping what RFC 8259 requires.
    public mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        JSONWriter.appendEscaped(string, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped body of a JSON string (without quotes); shared with writers that build JSON by hand.
    /// Runs of bytes that need no escaping (usually the whole string) are copied at once.
    public static func appendEscaped(_ string: String, to output: inout [UInt8]) {
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            var run = 0
            for index in utf8.indices where needsEscape(utf8[index]) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                appendEscape(of: utf8[index], to: &output)
                run = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        guard copied == nil else { return }
        for byte in string.utf8 {
            if needsEscape(byte) { appendEscape(of: byte, to: &output) } else { output.append(byte) }
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func appendEscape(of byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            output.append(contentsOf: [
                0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigit(byte >> 4), hexDigit(byte & 0xF),
            ])
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private mutating func appendASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}

extension JSONValue {
    /// The compact serialization of this value.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The compact serialization as a `String`.
    public var jsonText: String {
        String(decoding: serialized(), as: UTF8.self)
    }
}

/// Receives `Double.write(to:)`'s digits as raw ASCII (its `_writeASCII` fast path), so writing a number
/// appends bytes without building a `String` first.
private struct ASCIISink: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
