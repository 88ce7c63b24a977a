import JSON
import Testing

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesEveryValueKind() throws {
        let value = try parser.parse(#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "d"}} "#)
        #expect(value["a"] == [1, -2.5, 300, true, false, nil])
        #expect(value["b"]?["c"] == "d")
        #expect(value.objectValue?.keys == ["a", "b"])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try parser.parse(#""q\" b\\ s\/ \n\t\r\b\f \u00e9 \ud83d\ude00""#)
        #expect(value == .string("q\" b\\ s/ \n\t\r\u{8}\u{C} é 😀"))
    }

    @Test func keepsUTF8Text() throws {
        #expect(try parser.parse("\"naïve ✓\"") == .string("naïve ✓"))
    }

    @Test func numbersRoundTripExactly() throws {
        #expect(try parser.parse("0.1") == .number(0.1))
        #expect(try parser.parse("-0") == .number(-0.0))
        #expect(try parser.parse("123456789012345") == .number(123_456_789_012_345))
        #expect(try parser.parse("9007199254740993") == .number(9_007_199_254_740_992))
        #expect(try parser.parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try parser.parse("5E-1") == .number(0.5))
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "{\"a\" 1}", "{1:2}", "[1 2]", "1 2",
        "\"tab\there\"", "// comment\n1", "1e400", "{\"a\":1,\"a\":2}",
    ])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: JSONParseError.self) { try parser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try parser.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try parser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func duplicateKeysAreRejectedInLargeObjectsToo() throws {
        let keys = (0..<40).map { "\"k\($0)\": \($0)" }
        let unique = "{" + keys.joined(separator: ",") + "}"
        #expect(try parser.parse(unique).objectValue?.count == 40)
        let duplicated = "{" + (keys + ["\"k7\": 0"]).joined(separator: ",") + "}"
        let error = #expect(throws: JSONParseError.self) { try parser.parse(duplicated) }
        #expect(error?.message == "duplicate object key \"k7\"")
    }

    @Test func enforcesTheDepthLimit() throws {
        let limited = JSONParser(maxDepth: 8)
        #expect(throws: Never.self) {
            try limited.parse(String(repeating: "[", count: 8) + String(repeating: "]", count: 8))
        }
        #expect(throws: JSONParseError.self) {
            try limited.parse(String(repeating: "[", count: 9) + String(repeating: "]", count: 9))
        }
        // Default limit: a hostile 100k-deep document fails cleanly instead of overflowing the stack.
        #expect(throws: JSONParseError.self) { try parser.parse(String(repeating: "[", count: 100_000)) }
    }

    @Test func reportsTheOffset() {
        let error = #expect(throws: JSONParseError.self) { try parser.parse("[1, 2, x]") }
        #expect(error?.offset == 7)
    }
}

@Suite struct JSONNumberTests {
    /// The fast path for short numbers must give exactly what the general conversion gives.
    @Test func shortDecimalsParseBitForBitLikeTheGeneralConversion() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0.1", "-0.0", "12.345", "99.999", "0.000000000000001", "123456789.012345", "-7.5", "1.0"]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            let point = Int.random(in: 1...digits, using: &generator)
            var text = String(UInt64.random(in: 1...999_999_999_999_999, using: &generator))
            text = String(text.prefix(digits))
            let split = text.index(text.startIndex, offsetBy: min(point, text.count))
            let fraction = text[split...]
            text = String(text[..<split]) + "." + (fraction.isEmpty ? "5" : fraction)
            texts.append(Bool.random(using: &generator) ? "-" + text : text)
        }
        try expectGeneralConversion(texts)
    }

    /// Every number shape at and around the fast path's edges (15 significant digits, exponents ±22,
    /// leading zeros in the fraction, huge exponents) parses bit for bit like `Double(String)`.
    @Test func everyNumberShapeParsesBitForBitLikeTheGeneralConversion() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = [
            "0", "-0", "0e5", "-0.0e-3", "1e22", "1e23", "9e22", "123456789012345e7", "1234567890123456e1",
            "9007199254740993", "0.30000000000000004", "1e-22", "1e-23", "4.9e-324", "2.2250738585072014e-308",
            "1e-400", "0.0000000000000000000000001", "1.7976931348623157e308", "1E+2", "5e-0", "1e00000000000000000003",
            "123.456e-7", "999999999999999", "9999999999999999", "0.999999999999999", "0.9999999999999999",
        ]
        func digitString(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
        }
        for _ in 0..<50_000 {
            var text =
                String(Int.random(in: 1...9, using: &generator))
                + digitString(Int.random(in: 0...19, using: &generator))
            if Int.random(in: 0..<8, using: &generator) == 0 { text = "0" }
            if Bool.random(using: &generator) { text += "." + digitString(Int.random(in: 1...20, using: &generator)) }
            if Bool.random(using: &generator) {
                text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &generator)!
                text += String(Int.random(in: 0...40, using: &generator))
            }
            texts.append(Bool.random(using: &generator) ? "-" + text : text)
        }
        try expectGeneralConversion(texts)
    }

    private func expectGeneralConversion(_ texts: [String]) throws {
        for text in texts {
            let parsed = try JSONParser().parse(text)
            let expected = try #require(Double(text))
            #expect(parsed.doubleValue?.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    @Test(arguments: [
        ("01", "leading zeros are not allowed in numbers at byte 1"), ("-", "invalid number at byte 1"),
        ("1.", "expected digits after '.' at byte 2"), ("1e", "expected digits in the exponent at byte 2"),
        ("-1.5e+", "expected digits in the exponent at byte 6"), ("1e400", "number out of range at byte 0"),
        ("[-a]", "invalid number at byte 2"),
    ])
    func malformedNumbersAreRejectedAtTheirOffset(text: String, message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
        #expect(error?.description == message)
    }
}
