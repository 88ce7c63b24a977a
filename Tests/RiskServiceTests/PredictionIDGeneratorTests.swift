import Testing

@testable import RiskService

@Suite struct PredictionIDGeneratorTests {
    /// Ids are "p-<process prefix in hex>-<counter in hex>", counting from 1, in batch order.
    @Test func idsArePrefixAndCounterInHex() {
        let generator = PredictionIDGenerator(random: 0xbeef_0042)
        #expect(generator.next() == "p-beef0042-1")
        let batch = generator.next(count: 16)
        #expect(batch.first == "p-beef0042-2" && batch.last == "p-beef0042-11")
        #expect(batch[8] == "p-beef0042-a")
        #expect(Set(batch).count == 16)
    }

    /// Counters of one to five hex digits render as `String(_:radix:)` does, across each digit boundary.
    @Test func countersRenderLikeStringRadix() {
        let generator = PredictionIDGenerator(random: .max)
        let ids = generator.next(count: 0x10001)
        for number in [1, 9, 10, 15, 16, 255, 256, 4_095, 4_096, 65_535, 65_536, 65_537] {
            #expect(ids[number - 1] == "p-ffffffffffffffff-\(String(number, radix: 16))")
        }
    }
}
