import Foundation
import JSON
import RiskdTesting
import Testing

/// Triton's binary tensor data extension on `/v2/models/{name}/infer`, over real sockets: raw FP32/FP64
/// inputs (NaN = missing) decode to exactly what the JSON path decodes, binary outputs are framed as
/// tritonclient reads them, and every malformed framing is a 400 in OIP's error shape.
@Suite struct InferenceProtocolBinaryTests {
    static let headerLength = "Inference-Header-Content-Length"

    /// Little-endian FP32 or FP64 bytes of `values`.
    static func raw(_ values: [Double], _ datatype: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values {
            if datatype == "FP32" {
                withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 }
            } else {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return bytes
    }

    /// POSTs a binary-extension body: the JSON header, then `binary`, with the header's length.
    static func post(
        _ running: RunningService, _ path: String, header: String, binary: [UInt8],
        headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        let json = Array(header.utf8)
        return try httpRequest(
            port: running.port, "POST", path, headers: [(headerLength, String(json.count))] + headers,
            body: json + binary)
    }

    /// The bundled disk-failure model's features and rows from the end-to-end fixture, with holes: row i
    /// misses feature j when (i + j) % 3 == 0, and the last row misses all but two (fallback answers it).
    static func rowsWithHoles() throws -> (names: [String], rows: [[Double]]) {
        let fixture = try DefaultModelEndToEndTests.fixture()
        let names = try #require(fixture["feature_names"]?.arrayValue?.compactMap { $0.stringValue })
        var rows: [[Double]] = []
        for (index, entity) in try #require(fixture["entities"]?.arrayValue).enumerated() {
            rows.append(
                names.enumerated().map { column, name in
                    (index + column) % 3 == 0 ? .nan : entity["features"]?[name]?.doubleValue ?? .nan
                })
        }
        rows.append(names.indices.map { $0 < 2 ? rows[0][1] + 1 : .nan })
        return (names, rows)
    }

    static func jsonRows(_ rows: [[Double]]) -> String {
        "["
            + rows.map { "[" + $0.map { $0.isNaN ? "null" : "\($0)" }.joined(separator: ",") + "]" }
            .joined(separator: ",") + "]"
    }

    /// `risk` of each row, from a JSON-mode answer.
    static func risks(_ response: TestHTTPResponse) throws -> [Double] {
        #expect(response.status == 200, "\(response.text)")
        let outputs = try #require(try response.json()["outputs"]?.arrayValue)
        let risk = try #require(outputs.first { $0["name"] == "risk" }?["data"]?.arrayValue)
        return try risk.map { try #require($0.doubleValue) }
    }

    static func bundledModels() throws -> RunningService {
        try RunningService { $0.registry.directory = DefaultModelEndToEndTests.repositoryRoot + "/models" }
    }

    @Test(arguments: ["FP64", "FP32"])
    func binaryInputsWithNaNScoreLikeJSONNullsAndMissingFeatures(datatype: String) throws {
        let running = try Self.bundledModels()
        var (names, rows) = try Self.rowsWithHoles()
        // FP32 carries fewer digits: the JSON twin sends the same values rounded to FP32, so both are exact.
        if datatype == "FP32" { rows = rows.map { $0.map { Double(Float($0)) } } }
        let shape = "[\(rows.count), \(names.count)]"
        let path = "/v2/models/disk-failure/infer"
        let json = try Self.risks(
            running.request(
                "POST", path,
                json: #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": \#(shape), "data": "#
                    + Self.jsonRows(rows) + "}]}"))
        let size = rows.count * names.count * (datatype == "FP32" ? 4 : 8)
        let header = """
            {"inputs": [{"name": "input", "datatype": "\(datatype)", "shape": \(shape),
                         "parameters": {"binary_data_size": \(size)}}]}
            """
        let binary = try Self.risks(
            Self.post(running, path, header: header, binary: Self.raw(rows.flatMap { $0 }, datatype)))
        #expect(binary == json)
        // /v1 decodes independently: a missing feature there is one left out of the instance.
        let instances = rows.map { row in
            "{\"features\": {"
                + zip(names, row).filter { !$0.1.isNaN }.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ",") + "}}"
        }
        let v1 = try running.request(
            "POST", "/v1/models/disk-failure/predict",
            json: "{\"instances\": [" + instances.joined(separator: ",") + "]}")
        let v1Risks = try #require(try v1.json()["predictions"]?.arrayValue?.compactMap { $0["risk"]?.doubleValue })
        #expect(binary == v1Risks)
        // The holes matter: read as zeros instead of missing values, some rows score differently.
        let zeros = try Self.risks(
            Self.post(
                running, path, header: header,
                binary: Self.raw(rows.flatMap { $0.map { $0.isNaN ? 0 : $0 } }, datatype)))
        #expect(zeros != binary)
    }

    @Test func perFeatureTensorsMixBinaryAndJSON() throws {
        let running = try RunningService()
        let header = """
            {"inputs": [{"name": "b", "datatype": "FP32", "shape": [3], "parameters": {"binary_data_size": 12}},
                        {"name": "a", "datatype": "FP64", "shape": [3, 1], "data": [1, 0, null]}],
             "outputs": [{"name": "score", "parameters": {"binary_data": false}}]}
            """
        let response = try Self.post(
            running, "/v2/models/disk/versions/1/infer", header: header, binary: Self.raw([0.5, 2, .nan], "FP32"))
        #expect(response.status == 200, "\(response.text)")
        let outputs = try #require(try response.json()["outputs"]?.arrayValue)
        let score = try #require(outputs.first?["data"]?.arrayValue)
        // score = sigmoid(a + 2b - 1) where the model answers; the third row has neither feature: fallback.
        #expect(abs((score[0].doubleValue ?? 0) - 1 / (1 + exp(-1.0))) < 1e-12)
        #expect(abs((score[1].doubleValue ?? 0) - 1 / (1 + exp(-3.0))) < 1e-12)
        #expect(score[2] == .null)
    }

    @Test func binaryOutputsAreFramedAsTritonReadsThem() throws {
        let running = try RunningService()
        let body =
            #"{"id": "b-1", "inputs": [{"name": "input", "datatype": "FP64", "shape": [2, 2], "data": [[1, 0.5], [null, null]]}]"#
        let path = "/v2/models/disk/infer"
        let plain = try running.request("POST", path, json: body + "}")
        #expect(plain.header("Inference-Header-Content-Length") == nil)
        let expected = try #require(try plain.json()["outputs"]?.arrayValue)
        let response = try running.request("POST", path, json: body + #", "parameters": {"binary_data_output": true}}"#)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/octet-stream")
        let length = try #require(response.header(Self.headerLength).flatMap { Int($0) })
        let header = try JSONParser().parse(Array(response.body[..<length]))
        #expect(header["id"] == "b-1")
        let outputs = try #require(header["outputs"]?.arrayValue)
        #expect(outputs.map { $0["name"] } == ["risk", "lower", "upper", "score"])
        #expect(response.body.count == length + 4 * 16)
        var offset = length
        for output in outputs {
            #expect(output["data"] == nil)
            #expect(output["shape"] == [2])
            #expect(output["parameters"]?["binary_data_size"] == 16)
            let values = (0..<2).map { index in
                let start = offset + index * 8
                let bits = response.body[start..<start + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                return Double(bitPattern: bits)
            }
            offset += 16
            let json = try #require(expected.first { $0["name"] == output["name"] }?["data"]?.arrayValue)
            for (value, twin) in zip(values, json) {
                #expect(twin == .null ? value.isNaN : value == twin.doubleValue)
            }
        }
        // Per output: binary_data on one, the other in JSON.
        let mixed = try running.request(
            "POST", path,
            json: body + #", "outputs": [{"name": "score"}, {"name": "risk", "parameters": {"binary_data": true}}]}"#)
        let mixedLength = try #require(mixed.header(Self.headerLength).flatMap { Int($0) })
        let mixedOutputs = try #require(
            try JSONParser().parse(Array(mixed.body[..<mixedLength]))["outputs"]?.arrayValue)
        #expect(mixedOutputs.map { $0["name"] } == ["score", "risk"])
        #expect(mixedOutputs[0]["data"]?.arrayValue?.count == 2)
        #expect(mixedOutputs[1]["parameters"]?["binary_data_size"] == 16)
        #expect(mixed.body.count == mixedLength + 16)
    }

    static let tensor = #"{"name": "input", "datatype": "FP64", "shape": [1, 2]"#

    @Test(
        arguments: [
            // Header length beyond the body, or not a number.
            ("999", "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 16}}]}", 16, "only"),
            ("x1", "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 16}}]}", 16, "byte count"),
            // Declared size not shape x element size.
            (nil, "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 12}}]}", 12, "needs 16"),
            // Binary data must be FP32 or FP64.
            (
                nil,
                #"{"inputs": [{"name": "input", "datatype": "INT32", "shape": [1, 2], "parameters": {"binary_data_size": 8}}]}"#,
                8, "FP32 or FP64"
            ),
            // Truncated: fewer bytes than declared; and trailing bytes nobody declared.
            (nil, "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 16}}]}", 9, "ends past the body"),
            (nil, "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 16}}]}", 24, "declare 16 bytes"),
            (nil, "{\"inputs\": [\(tensor), \"data\": [1, 2]}]}", 8, "declare 0 bytes"),
            // Both data and binary; a negative size.
            (
                nil, "{\"inputs\": [\(tensor), \"data\": [1, 2], \"parameters\": {\"binary_data_size\": 16}}]}", 16,
                "both"
            ),
            (nil, "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": -16}}]}", 16, "non-negative"),
            // The header length cuts the JSON short.
            ("20", "{\"inputs\": [\(tensor), \"parameters\": {\"binary_data_size\": 16}}]}", 16, "not valid JSON"),
        ] as [(String?, String, Int, String)])
    func malformedFramingsAre400WithAProtocolError(length: String?, header: String, bytes: Int, says: String) throws {
        let running = try RunningService()
        let json = Array(header.utf8)
        let response = try httpRequest(
            port: running.port, "POST", "/v2/models/disk/infer",
            headers: [(Self.headerLength, length ?? String(json.count))],
            body: json + [UInt8](repeating: 0x3F, count: bytes))
        #expect(response.status == 400)
        let message = try #require(try response.json()["error"]?.stringValue)
        #expect(message.contains(says), "\(message)")
        #expect(try running.request("GET", "/v2/health/live").status == 200)
    }

    @Test func binaryBodiesNeedTheHeaderMayBeOctetStreamsAndMustNotBeCompressed() throws {
        let running = try RunningService()
        let header = "{\"inputs\": [\(Self.tensor), \"parameters\": {\"binary_data_size\": 16}}]}"
        let withoutHeader = try running.request("POST", "/v2/models/disk/infer", json: header)
        #expect(withoutHeader.status == 400)
        #expect(try withoutHeader.json()["error"]?.stringValue?.contains(Self.headerLength) == true)
        let octets = try Self.post(
            running, "/v2/models/disk/infer", header: header, binary: Self.raw([1, 0.5], "FP64"),
            headers: [("Content-Type", "application/octet-stream")])
        #expect(octets.status == 200, "\(octets.text)")
        let octetsWithoutHeader = try httpRequest(
            port: running.port, "POST", "/v2/models/disk/infer",
            headers: [("Content-Type", "application/octet-stream")],
            body: Array(header.utf8))
        #expect(octetsWithoutHeader.status == 415)
        #expect(try octetsWithoutHeader.json()["error"]?.stringValue?.contains(Self.headerLength) == true)
        // tritonclient's request_compression_algorithm: refused by name rather than parsed as JSON.
        let compressed = try Self.post(
            running, "/v2/models/disk/infer", header: header, binary: Self.raw([1, 0.5], "FP64"),
            headers: [("Content-Encoding", "gzip")])
        #expect(compressed.status == 415)
        #expect(try compressed.json()["error"]?.stringValue?.contains("gzip") == true)
    }
}
