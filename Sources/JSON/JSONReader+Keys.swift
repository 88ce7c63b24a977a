extension JSONReader {
    /// Steps past the string at `position` (its opening quote) when it is exactly `name`, comparing bytes
    /// without building a `String`, and returns true; otherwise returns false without moving. A name with a
    /// character JSON must escape never matches, so such keys are read by `parseString` like any other.
    @inlinable @inline(__always)
    public mutating func skipString(equalTo name: String) -> Bool {
        let start = position + 1
        let bytes = self.bytes
        // The key's length when it matches, else -1.
        let length =
            name.utf8.withContiguousStorageIfAvailable { expected -> Int in
                let count = expected.count
                guard start + count < bytes.count, bytes[start + count] == UInt8(ascii: "\"") else { return -1 }
                guard count > 0 else { return 0 }
                let wanted = UnsafeRawPointer(expected.baseAddress!)
                let actual = UnsafeRawPointer(bytes.baseAddress! + start)
                var offset = 0
                var needsEscape: UInt64 = 0
                while offset + 8 <= count {
                    let word = wanted.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    guard word == actual.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return -1 }
                    needsEscape |= Self.escapedBytes(in: word)
                    offset += 8
                }
                while offset < count {
                    let byte = expected[offset]
                    guard byte == bytes[start + offset], byte >= 0x20, byte != UInt8(ascii: "\""),
                        byte != UInt8(ascii: "\\")
                    else { return -1 }
                    offset += 1
                }
                return needsEscape == 0 ? count : -1
            } ?? -1
        guard length >= 0 else { return false }
        position = start + length + 1
        return true
    }

    /// Nonzero when any of the eight bytes is a control character, '"' or '\\' (the bytes a JSON string
    /// cannot hold unescaped), by the usual word-at-a-time byte tests.
    @inlinable
    static func escapedBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highBits }
        let control = (word &- ones &* 0x20) & ~word & highBits
        return control | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }
}
