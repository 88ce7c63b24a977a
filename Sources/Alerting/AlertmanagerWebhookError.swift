/// Why an Alertmanager webhook body was rejected (answered with 400, which Alertmanager does not retry).
public enum AlertmanagerWebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Only payload version "4" is understood.
    case unsupportedVersion(String)
    case invalidPayload(String)

    /// snake_case code for the error envelope.
    public var code: String {
        switch self {
        case .unsupportedVersion: "unsupported_version"
        case .invalidPayload: "invalid_payload"
        }
    }

    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            "unsupported Alertmanager webhook version \"\(version)\"; only \"4\" is supported"
        case .invalidPayload(let message): "invalid Alertmanager webhook payload: \(message)"
        }
    }
}
