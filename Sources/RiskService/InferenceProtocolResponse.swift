import HTTPCore
import JSON

/// An OIP `infer` answer written straight into bytes: `{"model_name", "model_version", "id", "outputs":
/// [{"name", "datatype", "shape", "data"}]}` with NaN (no interval, fallback score) as `null`.
///
/// Outputs the client asked to receive as binary (Triton's binary tensor data extension) carry
/// `parameters.binary_data_size` instead of `data`; their raw little-endian FP64 values follow the JSON
/// header in output order, NaN kept as NaN, and `Inference-Header-Content-Length` gives the header's size.
struct InferenceProtocolResponse {
    /// One FP64 output tensor of shape `shape`, row-major.
    struct Output {
        let name: String
        let shape: [Int]
        let values: [Double]
        let binary: Bool
    }

    let modelName: String
    let modelVersion: String
    let id: String
    let outputs: [Output]

    var response: HTTPResponse {
        var writer = JSONWriter(reservingCapacity: 256 + outputs.reduce(0) { $0 + $1.values.count * 20 })
        writer.writeRaw("{\"model_name\":")
        writer.writeString(modelName)
        writer.writeRaw(",\"model_version\":")
        writer.writeString(modelVersion)
        writer.writeRaw(",\"id\":")
        writer.writeString(id)
        writer.writeRaw(",\"outputs\":[")
        for (index, output) in outputs.enumerated() {
            writer.writeRaw(index == 0 ? "{\"name\":" : ",{\"name\":")
            writer.writeString(output.name)
            writer.writeRaw(",\"datatype\":\"FP64\",\"shape\":[")
            for (position, size) in output.shape.enumerated() {
                if position > 0 { writer.writeRaw(",") }
                writer.writeNumber(Double(size))
            }
            if output.binary {
                writer.writeRaw("],\"parameters\":{\"binary_data_size\":")
                writer.writeNumber(Double(output.values.count * 8))
                writer.writeRaw("}}")
                continue
            }
            writer.writeRaw("],\"data\":[")
            for (position, value) in output.values.enumerated() {
                if position > 0 { writer.writeRaw(",") }
                writer.writeNumber(value)
            }
            writer.writeRaw("]}")
        }
        writer.writeRaw("]}")
        guard outputs.contains(where: \.binary) else { return .json(.ok, writer.bytes) }
        var body = writer.bytes
        let headerLength = body.count
        body.reserveCapacity(headerLength + outputs.reduce(0) { $0 + ($1.binary ? $1.values.count * 8 : 0) })
        for output in outputs where output.binary {
            for value in output.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { body.append(contentsOf: $0) }
            }
        }
        var response = HTTPResponse(status: .ok, body: body)
        response.headers.set("Content-Type", "application/octet-stream")
        response.headers.set(InferenceProtocolRequest.headerLengthField, String(headerLength))
        return response
    }
}
