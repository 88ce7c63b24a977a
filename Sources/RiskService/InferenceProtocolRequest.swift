import HTTPCore
import JSON
import RiskCore

/// A decoded Open Inference Protocol v2 `infer` body, reduced to one feature matrix in the model's order.
///
/// Two layouts are accepted, as KServe and Triton clients send them: one tensor of shape `[N, F]`
/// (features in the model's order), or one tensor per feature, named by feature, of shape `[N]` or
/// `[N, 1]`. `data` may be flat or nested (row-major); `null` is a missing value.
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

    init(_ body: JSONObject, featureNames: [String]) throws(Invalid) {
        if case .string(let id)? = body["id"] { self.id = id }
        guard case .array(let inputs)? = body["inputs"], !inputs.isEmpty else {
            throw Invalid(message: "inputs: required, a non-empty array of tensors")
        }
        if case .array(let outputs)? = body["outputs"] {
            requestedOutputs = outputs.compactMap { $0["name"]?.stringValue }
        }
        let tensors = try inputs.enumerated().map { (index, value) throws(Invalid) in try Self.tensor(value, index) }
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

    private struct Tensor {
        let name: String
        let shape: [Int]
        let data: [Double]
    }

    private static let numericTypes: Set<String> = [
        "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL",
    ]

    private static func tensor(_ value: JSONValue, _ index: Int) throws(Invalid) -> Tensor {
        let at = "inputs[\(index)]"
        guard case .object(let object) = value, case .string(let name)? = object["name"] else {
            throw Invalid(message: "\(at): expected an object with a name")
        }
        guard case .string(let datatype)? = object["datatype"], numericTypes.contains(datatype) else {
            throw Invalid(message: "\(at).datatype: expected a numeric type such as FP64 or FP32")
        }
        guard case .array(let shapeValues)? = object["shape"], (1...2).contains(shapeValues.count) else {
            throw Invalid(message: "\(at).shape: expected [N] or [N, F]")
        }
        var shape: [Int] = []
        for dimension in shapeValues {
            guard let size = dimension.intValue, size >= 0, size <= PredictionRequest.maxInstances * 1_000 else {
                throw Invalid(message: "\(at).shape: dimensions must be non-negative integers")
            }
            shape.append(size)
        }
        guard shape[0] <= PredictionRequest.maxInstances else {
            throw Invalid(message: "\(at): at most \(PredictionRequest.maxInstances) rows")
        }
        guard let raw = object["data"] else { throw Invalid(message: "\(at).data: required") }
        var data: [Double] = []
        try flatten(raw, into: &data, at: at + ".data")
        guard data.count == shape.reduce(1, *) else {
            throw Invalid(
                message: "\(at): data has \(data.count) values but shape \(shape) needs \(shape.reduce(1, *))")
        }
        return Tensor(name: name, shape: shape, data: data)
    }

    private static func flatten(_ value: JSONValue, into data: inout [Double], at path: String) throws(Invalid) {
        switch value {
        case .array(let items): for item in items { try flatten(item, into: &data, at: path) }
        case .number(let number): data.append(number)
        case .bool(let flag): data.append(flag ? 1 : 0)
        case .null: data.append(.nan)
        default: throw Invalid(message: "\(path): expected numbers")
        }
    }
}
