import HTTPCore
import JSON
import RiskCore

/// A decoded Open Inference Protocol v2 `infer` body, reduced to one feature matrix in the model's order.
///
/// Two layouts are accepted, as KServe and Triton clients send them: one tensor of shape `[N, F]`
/// (features in the model's order), or one tensor per feature, named by feature, of shape `[N]` or
/// `[N, 1]`. `data` may be flat or nested (row-major); `null` is a missing value. The body is read
/// straight from its bytes: each tensor's data goes into one flat array, no JSON tree is built.
struct InferenceProtocolRequest {
    var id: String?
    var rows: FeatureMatrix
    var requestedOutputs: [String]?

    /// The error message is sent as OIP's `{"error": "<message>"}`, with `status` or by default 400
    /// (404 for an unknown model).
    struct Invalid: Error {
        let message: String
        var status: HTTPStatus?

        init(message: String, status: HTTPStatus? = nil) {
            self.message = message
            self.status = status
        }
    }

    init(_ body: [UInt8], featureNames: [String]) throws(Invalid) {
        var id: String?
        var outputs: [String]?
        var tensors: [Tensor] = []
        do throws(HTTPResponseError) {
            guard !body.isEmpty else {
                throw HTTPResponseError.badRequest("request body is empty; expected a JSON object")
            }
            try body.withUnsafeBufferPointer { buffer throws(HTTPResponseError) in
                var reader = JSONReader(bytes: buffer, maxDepth: PredictionRequest.maxDepth)
                try JSONBody.syntax { () throws(JSONParseError) in reader.skipWhitespace() }
                guard reader.current == UInt8(ascii: "{") else {
                    throw HTTPResponseError.badRequest("request body must be a JSON object")
                }
                try JSONBody.object(&reader, depth: 1) { (reader, key) throws(HTTPResponseError) in
                    switch (key, reader.current) {
                    case ("id", UInt8(ascii: "\"")):
                        id = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() }
                    case ("inputs", UInt8(ascii: "[")):
                        try JSONBody.array(&reader, depth: 2) { (reader) throws(HTTPResponseError) in
                            tensors.append(try Self.tensor(&reader, tensors.count))
                        }
                    case ("outputs", UInt8(ascii: "[")):
                        outputs = try Self.outputNames(&reader)
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
        } catch {
            throw Invalid(message: error.message)
        }
        self.id = id
        requestedOutputs = outputs
        guard !tensors.isEmpty else { throw Invalid(message: "inputs: required, a non-empty array of tensors") }
        for (index, tensor) in tensors.enumerated() { try tensor.validate(index) }
        let count = featureNames.count
        if tensors.count == 1, tensors[0].shape.count == 2, tensors[0].shape[1] == count {
            rows = FeatureMatrix(rowCount: tensors[0].shape[0], columnCount: count)
            rows.values = tensors[0].data
            return
        }
        let position = Dictionary(featureNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let rowCount = tensors[0].shape[0]
        rows = FeatureMatrix(rowCount: rowCount, columnCount: count)
        for tensor in tensors {
            guard let column = position[tensor.name] else {
                throw Invalid(
                    message: "input \"\(tensor.name)\" is neither a feature of the model nor a [N, \(count)] tensor")
            }
            guard tensor.data.count == rowCount else {
                throw Invalid(message: "input \"\(tensor.name)\" has \(tensor.data.count) values, expected \(rowCount)")
            }
            for row in 0..<rowCount { rows[row, column] = tensor.data[row] }
        }
    }

    /// One input tensor as read; checked by `validate` once all its fields are known (any order).
    private struct Tensor {
        var name = ""
        var named = false
        var datatype: String?
        var shape: [Int] = []
        var shapeValid = true
        var data: [Double] = []
        var hasData = false
        var dataError: String?

        func validate(_ index: Int) throws(Invalid) {
            let at = "inputs[\(index)]"
            guard named else { throw Invalid(message: "\(at): expected an object with a name") }
            guard let datatype, InferenceProtocolRequest.numericTypes.contains(datatype) else {
                throw Invalid(message: "\(at).datatype: expected a numeric type such as FP64 or FP32")
            }
            guard shapeValid, (1...2).contains(shape.count) else {
                throw Invalid(message: "\(at).shape: expected [N] or [N, F] of non-negative integers")
            }
            guard shape[0] <= PredictionRequest.maxInstances else {
                throw Invalid(message: "\(at): at most \(PredictionRequest.maxInstances) rows")
            }
            guard hasData else { throw Invalid(message: "\(at).data: required") }
            if let dataError { throw Invalid(message: "\(at).data: \(dataError)") }
            let expected = shape.reduce(1, *)
            guard data.count == expected else {
                throw Invalid(message: "\(at): data has \(data.count) values but shape \(shape) needs \(expected)")
            }
        }
    }

    static let numericTypes: Set<String> = [
        "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL",
    ]

    private static func tensor(_ reader: inout JSONReader, _ index: Int) throws(HTTPResponseError) -> Tensor {
        var tensor = Tensor()
        guard reader.current == UInt8(ascii: "{") else {
            try JSONBody.skip(&reader, depth: 2)
            return tensor
        }
        try JSONBody.object(&reader, depth: 3) { (reader, key) throws(HTTPResponseError) in
            switch (key, reader.current) {
            case ("name", UInt8(ascii: "\"")):
                tensor.name = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() }
                tensor.named = true
            case ("datatype", UInt8(ascii: "\"")):
                tensor.datatype = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseString() }
            case ("shape", UInt8(ascii: "[")):
                try JSONBody.array(&reader, depth: 4) { (reader) throws(HTTPResponseError) in
                    let value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 4) }
                    guard let size = value.intValue, size >= 0, size <= PredictionRequest.maxInstances * 1_000 else {
                        tensor.shapeValid = false
                        return
                    }
                    tensor.shape.append(size)
                }
            case ("data", _):
                tensor.hasData = true
                try flatten(&reader, into: &tensor, depth: 4)
            case ("shape", _):
                tensor.shapeValid = false
                try JSONBody.skip(&reader, depth: 3)
            default:
                try JSONBody.skip(&reader, depth: 3)
            }
        }
        return tensor
    }

    /// Appends the numbers of a (nested) data value, row-major; a non-number is recorded, not thrown,
    /// so that a wrong datatype is reported first, as it is the likelier mistake.
    private static func flatten(_ reader: inout JSONReader, into tensor: inout Tensor, depth: Int)
        throws(HTTPResponseError)
    {
        switch reader.current ?? 0 {
        case UInt8(ascii: "["):
            try JSONBody.array(&reader, depth: depth + 1) { (reader) throws(HTTPResponseError) in
                try flatten(&reader, into: &tensor, depth: depth + 1)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            tensor.data.append(try JSONBody.syntax { () throws(JSONParseError) in try reader.parseNumber() })
        case UInt8(ascii: "n"):
            try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("null") }
            tensor.data.append(.nan)
        case UInt8(ascii: "t"):
            try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("true") }
            tensor.data.append(1)
        case UInt8(ascii: "f"):
            try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("false") }
            tensor.data.append(0)
        default:
            try JSONBody.skip(&reader, depth: depth)
            tensor.dataError = "expected numbers"
        }
    }

    /// `[{"name": "risk"}, ...]` → the names.
    private static func outputNames(_ reader: inout JSONReader) throws(HTTPResponseError) -> [String] {
        var names: [String] = []
        try JSONBody.array(&reader, depth: 2) { (reader) throws(HTTPResponseError) in
            let value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 2) }
            if let name = value["name"]?.stringValue { names.append(name) }
        }
        return names
    }
}
