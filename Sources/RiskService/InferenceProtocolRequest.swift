import HTTPCore
import JSON
import RiskCore

/// A decoded Open Inference Protocol v2 `infer` body, reduced to one feature matrix in the model's order.
///
/// Two layouts are accepted, as KServe and Triton clients send them: one tensor of shape `[N, F]`
/// (features in the model's order), or one tensor per feature, named by feature, of shape `[N]` or
/// `[N, 1]`. `data` may be flat or nested (row-major); `null` (or `NaN`) is a missing value.
///
/// With the binary tensor data extension (`Inference-Header-Content-Length: H`), the first H body bytes
/// are the JSON inference header and the rest holds, in input order, the raw little-endian FP32/FP64
/// values of each input whose `parameters.binary_data_size` says so; NaN is a missing value. Either way
/// the values go straight into the row-major matrix: no JSON tree, no per-row dictionaries.
struct InferenceProtocolRequest {
    var id: String?
    var rows: FeatureMatrix
    /// The outputs asked for, in request order; nil: all of them.
    var outputs: [Output]?
    /// Request-level `parameters.binary_data_output`: outputs not asked for by name are sent as binary.
    var binaryOutputs = false

    /// One entry of `outputs`: `binary` is its `parameters.binary_data`, when given.
    struct Output {
        let name: String
        let binary: Bool?
    }

    /// The header that splits a binary-extension body into its JSON header and its binary tensor data.
    static let headerLengthField = "Inference-Header-Content-Length"

    /// - Parameter headerLength: the `Inference-Header-Content-Length` value, if the header was sent.
    init(_ body: [UInt8], headerLength: String?, featureNames: [String]) throws(HTTPResponseError) {
        let jsonLength = try Self.jsonLength(headerLength, bodyCount: body.count)
        var tensors: [InferenceProtocolTensor] = []
        rows = FeatureMatrix(rowCount: 0, columnCount: featureNames.count)
        guard jsonLength > 0 else { throw .badRequest("request body is empty; expected a JSON object") }
        try body.withUnsafeBufferPointer { buffer throws(HTTPResponseError) in
            var reader = JSONReader(
                bytes: UnsafeBufferPointer(rebasing: buffer[0..<jsonLength]), maxDepth: PredictionRequest.maxDepth)
            try JSONBody.syntax { () throws(JSONParseError) in reader.skipWhitespace() }
            guard reader.current == UInt8(ascii: "{") else { throw .badRequest("request body must be a JSON object") }
            try JSONBody.object(&reader, depth: 1) { (reader, key) throws(HTTPResponseError) in
                switch (key, reader.current) {
                case ("id", UInt8(ascii: "\"")):
                    id = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() }
                case ("inputs", UInt8(ascii: "[")):
                    try JSONBody.array(&reader, depth: 2) { (reader) throws(HTTPResponseError) in
                        tensors.append(try InferenceProtocolTensor.read(&reader))
                    }
                case ("outputs", UInt8(ascii: "[")):
                    outputs = try Self.outputs(&reader)
                case ("parameters", UInt8(ascii: "{")):
                    binaryOutputs = try Self.binaryDataOutput(&reader)
                default:
                    try JSONBody.skip(&reader, depth: 1)
                }
            }
            try JSONBody.syntax { () throws(JSONParseError) in
                reader.skipWhitespace()
                guard reader.position == reader.bytes.count else {
                    throw reader.error("unexpected data after the JSON value")
                }
            }
        }
        guard !tensors.isEmpty else { throw .badRequest("inputs: required, a non-empty array of tensors") }
        for (index, tensor) in tensors.enumerated() { try tensor.validate(index) }
        try Self.layOutBinaryData(&tensors, from: jsonLength, to: body.count, headerSent: headerLength != nil)
        rows = try Self.matrix(tensors, featureNames: featureNames, body: body)
    }

    /// The length of the JSON part: the whole body, or the header's value (a byte count within the body).
    private static func jsonLength(_ header: String?, bodyCount: Int) throws(HTTPResponseError) -> Int {
        guard let header else { return bodyCount }
        guard header.utf8.count <= 18, header.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(header)
        else {
            throw .badRequest("\(headerLengthField): expected a byte count, got \"\(header.prefix(40))\"")
        }
        guard length <= bodyCount else {
            throw .badRequest("\(headerLengthField) is \(length) but the body has only \(bodyCount) bytes")
        }
        return length
    }

    /// Gives each binary input its byte range, in input order; the sizes must add up to the binary part.
    private static func layOutBinaryData(
        _ tensors: inout [InferenceProtocolTensor], from start: Int, to end: Int, headerSent: Bool
    ) throws(HTTPResponseError) {
        var offset = start
        for index in tensors.indices {
            guard let size = tensors[index].binarySize else { continue }
            guard headerSent else {
                throw .badRequest(
                    "inputs[\(index)].parameters.binary_data_size needs the \(headerLengthField) header")
            }
            guard size <= end - offset else {
                throw .badRequest(
                    "inputs[\(index)]: binary data ends past the body (\(end - start) bytes after the header)")
            }
            tensors[index].binaryRange = offset..<offset + size
            offset += size
        }
        guard offset == end else {
            throw .badRequest(
                "the inputs declare \(offset - start) bytes of binary data but the body has \(end - start) "
                    + "after the inference header")
        }
    }

    /// The tensors as the model's row-major matrix.
    private static func matrix(_ tensors: [InferenceProtocolTensor], featureNames: [String], body: [UInt8])
        throws(HTTPResponseError) -> FeatureMatrix
    {
        let count = featureNames.count
        if tensors.count == 1, tensors[0].shape.count == 2, tensors[0].shape[1] == count {
            var rows = FeatureMatrix(rowCount: tensors[0].shape[0], columnCount: count)
            if tensors[0].binaryRange == nil {
                rows.values = tensors[0].data
            } else {
                tensors[0].write(into: &rows.values, start: 0, stride: 1, body: body)
            }
            return rows
        }
        let position = Dictionary(featureNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let rowCount = tensors[0].shape[0]
        var rows = FeatureMatrix(rowCount: rowCount, columnCount: count)
        for tensor in tensors {
            guard let column = position[tensor.name] else {
                throw .badRequest(
                    "input \"\(tensor.name)\" is neither a feature of the model nor a [N, \(count)] tensor")
            }
            guard tensor.elementCount == rowCount else {
                throw .badRequest(
                    "input \"\(tensor.name)\" has \(tensor.elementCount ?? 0) values, expected \(rowCount)")
            }
            tensor.write(into: &rows.values, start: column, stride: count, body: body)
        }
        return rows
    }

    /// `[{"name": "risk", "parameters": {"binary_data": true}}, ...]`.
    private static func outputs(_ reader: inout JSONReader) throws(HTTPResponseError) -> [Output] {
        var outputs: [Output] = []
        try JSONBody.array(&reader, depth: 2) { (reader) throws(HTTPResponseError) in
            let at = "outputs[\(outputs.count)]"
            let value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 2) }
            guard let name = value["name"]?.stringValue else { throw .badRequest("\(at).name: required, a string") }
            let parameters = value["parameters"]
            if parameters?["classification"] != nil {
                throw .badRequest("\(at).parameters.classification: the classification extension is not supported")
            }
            let binary = parameters?["binary_data"]
            guard binary == nil || binary?.boolValue != nil else {
                throw .badRequest("\(at).parameters.binary_data: expected true or false")
            }
            outputs.append(Output(name: name, binary: binary?.boolValue))
        }
        return outputs
    }

    /// The request's `parameters`: only `binary_data_output` matters to riskd; the rest is ignored.
    private static func binaryDataOutput(_ reader: inout JSONReader) throws(HTTPResponseError) -> Bool {
        var binary = false
        try JSONBody.object(&reader, depth: 2) { (reader, key) throws(HTTPResponseError) in
            guard key == "binary_data_output" else { return try JSONBody.skip(&reader, depth: 2) }
            let value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 2) }
            guard let flag = value.boolValue else {
                throw .badRequest("parameters.binary_data_output: expected true or false")
            }
            binary = flag
        }
        return binary
    }
}
