import Foundation

/// The API description served at `GET /openapi.yaml`: compiled into the binary by the EmbedOpenAPI build
/// plugin, so every riskd answers with the spec of its own routes whatever its working directory.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let data = Data(base64Encoded: embeddedOpenAPIBase64) else {
            preconditionFailure("the embedded openapi.yaml is not valid base64; the build plugin is broken")
        }
        return [UInt8](data)
    }()
}
