import HTTPCore
import Testing

/// Deterministic mutation testing: corrupted requests must end in a request or a clean error, never a
/// trap, and the parser must never hold more than its limits allow.
@Suite struct HTTPRequestParserMutationTests {
    /// SplitMix64: a fixed seed keeps failures reproducible.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let seeds = [
        "POST /v1/models/m/predict HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;e=\"v\"\r\nabc\r\n0\r\nT: 1\r\n\r\n",
        "GET /a?b=c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    ]

    @Test func mutatedRequestsNeverTrapOrOverflowTheLimits() {
        var generator = Generator(state: 42)
        let limits = HTTPParserLimits(
            maxRequestLineBytes: 256, maxHeaderBytes: 512, maxHeaderCount: 8, maxBodyBytes: 64)
        let interesting: [UInt8] = [0, 9, 10, 13, 32, 34, 44, 58, 59, 48, 70, 102, 0x7F, 0xFF]
        var outcomes = (requests: 0, errors: 0)
        for round in 0..<3000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                let byte = interesting.randomElement(using: &generator) ?? 0
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = byte
                case 1: bytes.insert(byte, at: index)
                default: if bytes.count > 1 { bytes.remove(at: index) }
                }
            }
            var parser = HTTPRequestParser(limits: limits)
            var offset = 0
            parsing: while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...16, using: &generator))
                parser.append(bytes[offset..<end])
                offset = end
                do {
                    while let event = try parser.next() {
                        if case .request(let request) = event {
                            outcomes.requests += 1
                            #expect(request.body.count <= limits.maxBodyBytes)
                        }
                    }
                } catch {
                    outcomes.errors += 1
                    #expect([400, 411, 413, 414, 417, 431, 501, 505].contains(error.status.code))
                    break parsing
                }
                #expect(parser.bufferedByteCount <= limits.maxHeaderBytes + limits.maxBodyBytes + 16)
            }
        }
        // Both outcomes occur, so the mutations exercise acceptance and rejection paths alike.
        #expect(outcomes.requests > 100)
        #expect(outcomes.errors > 100)
    }
}
