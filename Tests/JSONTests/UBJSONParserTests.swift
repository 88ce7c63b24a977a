import JSON
import Testing

/// Hand-encoded vectors from the UBJSON specification (draft 12): every value type, big-endian numbers,
/// plain and optimized containers, and the malformed inputs that must fail with an offset, not a crash.
@Suite struct UBJSONParserTests {
    private func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try UBJSONParser().parse(bytes)
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func scalarsAreBigEndian() throws {
        #expect(try parse(bytes("Z")) == .null)
        #expect(try parse(bytes("T")) == .bool(true))
        #expect(try parse(bytes("F")) == .bool(false))
        #expect(try parse([0x69, 0xFE]) == .number(-2))  // i int8
        #expect(try parse([0x55, 0xFE]) == .number(254))  // U uint8
        #expect(try parse([0x49, 0x01, 0x00]) == .number(256))  // I int16
        #expect(try parse([0x6C, 0xFF, 0xFF, 0xFF, 0xFE]) == .number(-2))  // l int32
        #expect(try parse([0x4C, 0, 0, 0, 1, 0, 0, 0, 0]) == .number(4_294_967_296))  // L int64
        #expect(try parse([0x64, 0x3F, 0xC0, 0, 0]) == .number(1.5))  // d float32
        let third = Float(1) / 3
        let f32 = withUnsafeBytes(of: third.bitPattern.bigEndian) { Array($0) }
        #expect(try parse([0x64] + f32) == .number(Double(third)))  // exact float32 value, not a rounded decimal
        #expect(try parse([0x44, 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18]) == .number(3.141592653589793))
        #expect(try parse(bytes("SU\u{5}hello")) == .string("hello"))
        #expect(try parse(bytes("Ca")) == .string("a"))
        #expect(try parse(bytes("HU\u{4}1e-3")) == .number(0.001))
    }

    @Test func plainAndOptimizedContainers() throws {
        #expect(try parse(bytes("[U\u{1}NSU\u{1}xZ]")) == [1, "x", nil])  // N is a no-op
        #expect(try parse(bytes("{U\u{1}aTU\u{1}b[]}")) == ["a": true, "b": []])
        #expect(try parse(bytes("[#U\u{2}U\u{7}Z")) == [7, nil])
        #expect(try parse([0x5B, 0x24, 0x64, 0x23, 0x55, 2, 0x3F, 0x80, 0, 0, 0xBF, 0, 0, 0]) == [1, -0.5])
        #expect(try parse(bytes("{$U#U\u{2}U\u{1}a\u{3}U\u{1}b\u{4}")) == ["a": 3, "b": 4])
        #expect(try parse(bytes("[$U#U\u{0}")) == [])
        #expect(try parse(bytes("[$T#U\u{3}")) == [true, true, true])
        let object = try parse(bytes("{U\u{2}k1U\u{1}U\u{2}k2U\u{2}}")).objectValue
        #expect(object?.keys == ["k1", "k2"])  // document order kept
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        (ascii(""), "end of data"),
        (ascii("[U\u{1}"), "end of data"),
        (ascii("SU\u{9}short"), "past the end"),
        (ascii("[$d#U\u{3}\u{0}\u{0}"), "past the end"),
        ([0x5B, 0x23, 0x4C, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "non-negative integer length"),
        ([0x5B, 0x23, 0x6C, 0x7F, 0xFF, 0xFF, 0xFF], "past the end"),
        ([0x5B, 0x23, 0x69, 0xFF], "non-negative integer length"),
        (ascii("[$U"), "'$' type without '#' count"),
        (ascii("Q"), "unknown type marker"),
        (ascii("{U\u{1}aTU\u{1}aF}"), "duplicate object key"),
        ([0x53, 0x55, 2, 0xC3, 0x28], "not valid UTF-8"),
        (ascii("TT"), "unexpected data after the value"),
        (ascii("HU\u{3}abc"), "high-precision"),
        ([0x5B, 0x23, 0x64, 0x3F, 0x80, 0, 0], "non-negative integer length"),
        ([0x5B, 0x24, 0x5A, 0x23, 0x6C, 0x10, 0, 0, 0], "runs past the end"),  // [$Z# 2^28 nulls from 9 bytes
    ])
    func malformedInputFailsWithAMessage(input: [UInt8], fragment: String) {
        #expect {
            _ = try UBJSONParser().parse(input)
        } throws: { error in
            (error as? JSONParseError)?.message.contains(fragment) == true
        }
    }

    @Test func nestingIsLimited() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100) + [UInt8](repeating: UInt8(ascii: "]"), count: 100)
        #expect(throws: JSONParseError.self) { try UBJSONParser(maxDepth: 32).parse(deep) }
        #expect((try? UBJSONParser(maxDepth: 128).parse(deep)) != nil)
    }
}
