import HTTPCore
import JSON

/// One input tensor of an OIP `infer` request, as read from the JSON inference header: its values either
/// parsed from `data` or left in the body's binary part (Triton's binary tensor data extension), to be
/// decoded straight into the feature matrix by `write(into:)` without an intermediate array.
struct InferenceProtocolTensor {
    var name = ""
    var named = false
    var datatype: String?
    var shape: [Int] = []
    var shapeValid = true
    /// `data` as parsed (row-major, NaN for `null`/`NaN`), when the tensor was sent as JSON.
    var data: [Double] = []
    var hasData = false
    var dataError: String?
    /// `parameters.binary_data_size`, when the tensor was sent as binary data.
    var binarySize: Int?
    var parameterError: String?
    /// Where its bytes lie in the request body, once `InferenceProtocolRequest` has laid the binary part out.
    var binaryRange: Range<Int>?

    static let numericTypes: Set<String> = [
        "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64", "BOOL",
    ]

    /// Element sizes of the binary datatypes riskd decodes; features are real numbers, so FP32 and FP64.
    static let binaryElementSizes: [String: Int] = ["FP32": 4, "FP64": 8]

    /// Values the tensor holds according to its shape, or nil when the product overflows.
    var elementCount: Int? {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Checks the fields once all are known (they may come in any order).
    func validate(_ index: Int) throws(HTTPResponseError) {
        let at = "inputs[\(index)]"
        guard named else { throw .badRequest("\(at): expected an object with a name") }
        guard let datatype, Self.numericTypes.contains(datatype) else {
            throw .badRequest("\(at).datatype: expected a numeric type such as FP64 or FP32")
        }
        guard shapeValid, (1...2).contains(shape.count) else {
            throw .badRequest("\(at).shape: expected [N] or [N, F] of non-negative integers")
        }
        guard shape[0] <= PredictionRequest.maxInstances else {
            throw .badRequest("\(at): at most \(PredictionRequest.maxInstances) rows")
        }
        if let parameterError { throw .badRequest("\(at).parameters.\(parameterError)") }
        guard let expected = elementCount else { throw .badRequest("\(at).shape: too many elements") }
        if let binarySize {
            guard !hasData else { throw .badRequest("\(at): has both data and parameters.binary_data_size") }
            guard let size = Self.binaryElementSizes[datatype] else {
                throw .badRequest("\(at).datatype: binary tensor data must be FP32 or FP64, got \(datatype)")
            }
            let (needed, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow, binarySize == needed else {
                throw .badRequest(
                    "\(at).parameters.binary_data_size is \(binarySize) but shape \(shape) of \(datatype) needs "
                        + (overflow ? "more" : "\(needed)") + " bytes")
            }
            return
        }
        guard hasData else { throw .badRequest("\(at).data: required (or parameters.binary_data_size)") }
        if let dataError { throw .badRequest("\(at).data: \(dataError)") }
        guard data.count == expected else {
            throw .badRequest("\(at): data has \(data.count) values but shape \(shape) needs \(expected)")
        }
    }

    /// Writes value `i` to `matrix[start + i * stride]`, from `data` or decoded from the body's bytes
    /// (little-endian IEEE 754; NaN stays NaN, the missing value).
    func write(into matrix: inout [Double], start: Int, stride: Int, body: [UInt8]) {
        matrix.withUnsafeMutableBufferPointer { target in
            guard let range = binaryRange else {
                for (index, value) in data.enumerated() { target[start + index * stride] = value }
                return
            }
            body.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[range])
                if datatype == "FP32" {
                    for index in 0..<(range.count / 4) {
                        let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                        target[start + index * stride] = Double(Float(bitPattern: bits))
                    }
                } else {
                    for index in 0..<(range.count / 8) {
                        let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                        target[start + index * stride] = Double(bitPattern: bits)
                    }
                }
            }
        }
    }

    /// Reads one element of `inputs`; schema problems are recorded for `validate`, syntax errors thrown.
    static func read(_ reader: inout JSONReader) throws(HTTPResponseError) -> Self {
        var tensor = Self()
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
            case ("shape", _):
                tensor.shapeValid = false
                try JSONBody.skip(&reader, depth: 3)
            case ("data", _):
                tensor.hasData = true
                try flatten(&reader, into: &tensor, depth: 4)
            case ("parameters", UInt8(ascii: "{")):
                try readParameters(&reader, into: &tensor)
            default:
                try JSONBody.skip(&reader, depth: 3)
            }
        }
        return tensor
    }

    /// `{"binary_data_size": <bytes>}`; shared memory (Triton's other data extension) is refused by name.
    private static func readParameters(_ reader: inout JSONReader, into tensor: inout Self) throws(HTTPResponseError) {
        try JSONBody.object(&reader, depth: 4) { (reader, key) throws(HTTPResponseError) in
            switch key {
            case "binary_data_size":
                let value = try JSONBody.syntax { () throws(JSONParseError) in try reader.parseValue(depth: 5) }
                if let size = value.intValue, size >= 0 {
                    tensor.binarySize = size
                } else {
                    tensor.parameterError = "binary_data_size: expected a non-negative integer"
                }
            case "shared_memory_region":
                tensor.parameterError = "shared_memory_region: shared memory is not supported; send the data"
                try JSONBody.skip(&reader, depth: 4)
            default:
                try JSONBody.skip(&reader, depth: 4)
            }
        }
    }

    /// Appends the numbers of a (nested) data value, row-major; `null` and tritonclient's `NaN` (what it
    /// writes for a NaN when `binary_data=False`) are missing values. A non-number is recorded, not
    /// thrown, so that a wrong datatype is reported first, as it is the likelier mistake.
    private static func flatten(_ reader: inout JSONReader, into tensor: inout Self, depth: Int)
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
        case UInt8(ascii: "N"):
            try JSONBody.syntax { () throws(JSONParseError) in try reader.expectLiteral("NaN") }
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
}
