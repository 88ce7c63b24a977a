import JSON
import RiskCore

/// The wire form of a `RiskAssessment`, written straight into bytes: the predict route appends one per
/// instance to its response buffer; routes that build a JSON tree (telemetry) take `json`, read back
/// from the same bytes so both forms can never disagree.
extension RiskAssessment {
    /// Appends `{"prediction_id":…,"entity":…,"version":…,"risk":…,…,"flags":{…}}`.
    func write(to writer: inout JSONWriter, id: String, entity: String?, version: Int?) {
        writer.writeRaw("{\"prediction_id\":")
        writer.writeString(id)
        if let entity {
            writer.writeRaw(",\"entity\":")
            writer.writeString(entity)
        }
        writer.writeRaw(",\"version\":")
        Self.writeVersion(version, to: &writer)
        writer.writeRaw(",")
        writeBody(to: &writer)
        writer.writeRaw("}")
    }

    /// A model version as the API writes it, a string (`"3"`), or null.
    static func writeVersion(_ version: Int?, to writer: inout JSONWriter) {
        guard let version else { return writer.writeRaw("null") }
        writer.writeRaw("\"")
        writer.writeInteger(version)
        writer.writeRaw("\"")
    }

    /// The assessment alone, as a JSON tree (without id, entity or version).
    var json: JSONValue {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.writeRaw("{")
        writeBody(to: &writer)
        writer.writeRaw("}")
        // The writer only emits valid JSON, so parsing it back cannot fail.
        return (try? JSONParser().parse(writer.bytes)) ?? .null
    }

    /// `"risk":…` through the flags object, without the enclosing braces.
    private func writeBody(to writer: inout JSONWriter) {
        writer.writeRaw("\"risk\":")
        let riskText = writer.bytes.count
        writer.writeNumber(risk)
        let riskDigits = riskText..<writer.bytes.count
        if let lower {
            writer.writeRaw(",\"interval\":{\"lower\":")
            writer.writeNumber(lower)
            writer.writeRaw(",\"upper\":")
            writer.writeNumber(upper ?? lower)
            writer.writeRaw("}")
        } else {
            writer.writeRaw(",\"interval\":null")
        }
        writer.writeRaw(isCalibrated ? ",\"calibrated\":true,\"tier\":" : ",\"calibrated\":false,\"tier\":")
        switch tier {
        case .none: writer.writeRaw("\"none\",\"score\":")
        case .l1: writer.writeRaw("\"L1\",\"score\":")
        case .l3: writer.writeRaw("\"L3\",\"score\":")
        }
        if let score {
            // Uncalibrated, the score is the risk: its digits are copied rather than formatted twice.
            if score.bitPattern == risk.bitPattern {
                writer.writeAgain(riskDigits)
            } else {
                writer.writeNumber(score)
            }
        } else {
            writer.writeRaw("null")
        }
        writer.writeRaw(source == .model ? ",\"source\":\"model\"" : ",\"source\":\"fallback\"")
        if let fallbackReason {
            writer.writeRaw(",\"fallback_reason\":")
            writer.writeString(fallbackReason)
        }
        writer.writeRaw(
            outOfRangeFeatures.isEmpty
                ? ",\"flags\":{\"out_of_distribution\":false,\"out_of_range_features\":"
                : ",\"flags\":{\"out_of_distribution\":true,\"out_of_range_features\":")
        Self.writeNames(outOfRangeFeatures, to: &writer)
        writer.writeRaw(",\"missing_features\":")
        Self.writeNames(missingFeatures, to: &writer)
        writer.writeRaw(",\"unknown_features\":")
        Self.writeNames(unknownFeatures, to: &writer)
        writer.writeRaw("}")
    }

    private static func writeNames(_ names: [String], to writer: inout JSONWriter) {
        guard !names.isEmpty else { return writer.writeRaw("[]") }
        writer.writeRaw("[")
        for (index, name) in names.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            writer.writeString(name)
        }
        writer.writeRaw("]")
    }
}
