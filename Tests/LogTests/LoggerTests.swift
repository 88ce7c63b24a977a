import JSON
import Log
import Testing

@Suite struct LoggerTests {
    @Test func writesStructuredRecordsAtOrAboveTheLevel() throws {
        let sink = RecordingLogSink()
        var logger = Logger(label: "riskd.test", level: .info, sink: sink, clock: { 1_700_000_000.5 })
        logger.metadata["instance"] = "a"
        logger.debug("hidden")
        logger.info("model loaded", ["model": "disk", "version": 3])
        logger.error("failed")
        #expect(sink.records.map(\.message) == ["model loaded", "failed"])
        let line = try JSONParser().parse(sink.lines[0])
        #expect(line["time"] == "2023-11-14T22:13:20.500Z")
        #expect(line["level"] == "info")
        #expect(line["logger"] == "riskd.test")
        #expect(line["message"] == "model loaded")
        #expect(line["instance"] == "a")
        #expect(line["version"] == 3)
    }

    @Test func disabledLevelsNeverBuildTheMessage() {
        let logger = Logger(label: "t", level: .warning, sink: RecordingLogSink())
        var built = false
        func expensive() -> String {
            built = true
            return "x"
        }
        logger.info(expensive())
        #expect(!built)
    }

    @Test func metadataCannotOverrideFixedKeys() throws {
        let sink = RecordingLogSink()
        let logger = Logger(label: "t", sink: sink)
        logger.info("real", ["message": "forged", "level": "critical"])
        let line = try JSONParser().parse(sink.lines[0])
        #expect(line["message"] == "real")
        #expect(line["level"] == "info")
    }

    @Test func parsesLevelNames() {
        #expect(LogLevel(name: "WARNING") == .warning)
        #expect(LogLevel(name: "loud") == nil)
    }
}
