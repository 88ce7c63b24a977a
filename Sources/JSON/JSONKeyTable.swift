/// A fixed list of object keys kept as one byte buffer, each name followed by its closing quote, so a
/// decoder that expects keys in a known order (a model's features) matches the key at the reader with one
/// length check and one `memcmp`, without a `String` or a hash per key. Built once per list (per loaded
/// model), not per request.
public struct JSONKeyTable: Sendable {
    /// Every name's UTF-8 bytes followed by `"`, back to back.
    @usableFromInline let bytes: [UInt8]
    /// Where each name starts in `bytes`, and its length; -1 for a name JSON would have to escape (it never
    /// matches here, so such keys are read by `parseString` like any other).
    @usableFromInline let starts: [Int]
    @usableFromInline let lengths: [Int]

    public static let empty = JSONKeyTable([])

    public init(_ names: [String]) {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        for name in names {
            let utf8 = Array(name.utf8)
            let plain = utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            starts.append(bytes.count)
            lengths.append(plain ? utf8.count : -1)
            bytes += utf8
            bytes.append(UInt8(ascii: "\""))
        }
        self.bytes = bytes
        self.starts = starts
        self.lengths = lengths
    }

    @inlinable public var count: Int { starts.count }

    /// The name's length when `candidate` (the byte after an opening quote, with `available` bytes from
    /// there) starts with name `index` and its closing quote, else -1. Compared eight bytes at a time:
    /// feature names are short, and a `memcmp` call costs more than the comparison.
    @inlinable
    func matchLength(_ index: Int, at candidate: UnsafeRawPointer, available: Int) -> Int {
        let length = lengths[index]
        guard length >= 0, length < available else { return -1 }
        return bytes.withUnsafeBytes { table -> Int in
            let expected = table.baseAddress! + starts[index]
            let total = length + 1  // with the closing quote
            var offset = 0
            while offset + 8 <= total {
                guard
                    expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        == candidate.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                else { return -1 }
                offset += 8
            }
            while offset < total {
                guard
                    expected.load(fromByteOffset: offset, as: UInt8.self)
                        == candidate.load(fromByteOffset: offset, as: UInt8.self)
                else { return -1 }
                offset += 1
            }
            return length
        }
    }
}

extension JSONReader {
    /// Steps past the string at `position` (its opening quote) when it is exactly name `index` of `table`,
    /// and returns true; otherwise returns false without moving.
    @inlinable
    public mutating func skipString(equalTo index: Int, in table: JSONKeyTable) -> Bool {
        let start = position + 1
        guard start < bytes.count else { return false }
        let length = table.matchLength(
            index, at: UnsafeRawPointer(bytes.baseAddress! + start), available: bytes.count - start)
        guard length >= 0 else { return false }
        position = start + length + 1
        return true
    }
}
