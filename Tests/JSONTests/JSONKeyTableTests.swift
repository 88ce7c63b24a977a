import JSON
import Testing

/// The key table matches a key only when its bytes are exactly the name and its closing quote, and leaves
/// the reader where it was otherwise.
@Suite struct JSONKeyTableTests {
    static let table = JSONKeyTable(["temp", "", "reallocated_sector_count", "qu\"ote", "é"])

    /// Position after matching name `index` against `text` (the reader starts at its opening quote), or nil.
    func skip(_ text: String, _ index: Int) -> Int? {
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            var reader = JSONReader(bytes: bytes, maxDepth: 4)
            guard reader.skipString(equalTo: index, in: Self.table) else {
                return reader.position == 0 ? nil : -1
            }
            return reader.position
        }
    }

    @Test func exactNamesMatchAndStepPastTheClosingQuote() {
        #expect(skip(#""temp": 1"#, 0) == 6)
        #expect(skip(#""""#, 1) == 2)
        #expect(skip(#""reallocated_sector_count""#, 2) == 26)
        #expect(skip(#""é""#, 4) == 4)
    }

    @Test func anythingElseLeavesTheReaderInPlace() {
        #expect(skip(#""tem""#, 0) == nil)
        #expect(skip(#""temps""#, 0) == nil)
        #expect(skip(#""temp"#, 0) == nil)  // no closing quote: the input ends
        #expect(skip(#""Temp""#, 0) == nil)
        #expect(skip(#""reallocated_sector_coun""#, 2) == nil)
        #expect(skip(#""temp""#, 2) == nil)
        #expect(skip(#"""#, 1) == nil)
    }

    @Test func aNameJSONMustEscapeNeverMatches() {
        #expect(skip(#""qu"ote""#, 3) == nil)
        #expect(skip(#""qu\"ote""#, 3) == nil)
        #expect(Self.table.count == 5)
    }
}
