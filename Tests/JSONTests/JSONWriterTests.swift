import Foundation
import JSON
import Testing

@Suite struct JSONWriterTests {
    @Test func writesCompactOrderedOutput() {
        let value: JSONValue = ["z": 1, "a": [true, nil, "x"], "m": ["n": 2.5]]
        #expect(value.jsonText == #"{"z":1,"a":[true,null,"x"],"m":{"n":2.5}}"#)
    }

    @Test func numbersUseShortestForm() {
        #expect(JSONValue.number(5).jsonText == "5")
        #expect(JSONValue.number(-0.0).jsonText == "0")
        #expect(JSONValue.number(0.1).jsonText == "0.1")
        #expect(JSONValue.number(1e-7).jsonText == "1e-07")
        #expect(JSONValue.number(1e20).jsonText == "1e+20")
        #expect(JSONValue.number(.nan).jsonText == "null")
        #expect(JSONValue.number(-.infinity).jsonText == "null")
    }

    /// The writer appends the digits without building a String; they must be exactly `description`'s.
    @Test func nonIntegralNumbersAreWrittenAsTheirDescription() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let number = Double.random(in: -1e6...1e6, using: &generator) * pow(10, Double(Int.random(in: -30...10)))
            guard number != number.rounded() else { continue }
            #expect(JSONValue.number(number).jsonText == number.description)
        }
    }

    @Test func integersAreWrittenAsTheirDescription() {
        var generator = SystemRandomNumberGenerator()
        let edges = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        for value in edges
            + (0..<2_000).map({ _ in
                Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0...62, using: &generator)
            })
        {
            var writer = JSONWriter()
            writer.writeInteger(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        }
    }

    @Test func writesEarlierBytesAgain() {
        var writer = JSONWriter(reservingCapacity: 4)
        writer.writeRaw("[")
        writer.writeNumber(0.1234567890123)
        writer.writeRaw(",")
        writer.writeAgain(1..<writer.bytes.count - 1)
        writer.writeRaw("]")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[0.1234567890123,0.1234567890123]")
    }

    @Test func escapesStrings() {
        #expect(JSONValue.string("a\"b\\c\n\u{1}é").jsonText == #""a\"b\\c\n\u0001é""#)
        // Plain runs between escapes are copied whole; every control character has its escape.
        #expect(JSONValue.string("\"lead, trail\\").jsonText == #""\"lead, trail\\""#)
        #expect(JSONValue.string("plain text, no escapes: ünï €").jsonText == "\"plain text, no escapes: ünï €\"")
        #expect(JSONValue.string("\t\r\u{1F}\u{7F}x").jsonText == #""\t\r\u001f\#u{7F}x""#)
        #expect(JSONValue.string(String(repeating: "long and plain ", count: 20)).jsonText.count == 302)
    }

    @Test(arguments: [0.1, 1.0 / 3.0, 123_456.789, Double.leastNonzeroMagnitude, 1.7976931348623157e308, -2.5e-10])
    func roundTripsThroughTheParser(_ number: Double) throws {
        let parsed = try JSONParser().parse(JSONValue.number(number).serialized())
        #expect(parsed == .number(number))
    }

    @Test func decodingErrorsNameThePath() throws {
        let value = try JSONParser().parse(#"{"instances": [{"features": 3}]}"#)
        let instances = try value.object(at: "").require("instances", at: "").array(at: "instances")
        let error = #expect(throws: JSONDecodingError.self) {
            try instances[0].object(at: "instances[0]").require("features", at: "instances[0]").object(
                at: "instances[0].features")
        }
        #expect(error?.description == "instances[0].features: expected object, got number")
        let missing = #expect(throws: JSONDecodingError.self) {
            try value.object(at: "").require("model", at: "")
        }
        #expect(missing?.description == "model: is required")
    }
}
