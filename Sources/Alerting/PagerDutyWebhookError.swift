/// Why an inbound PagerDuty webhook was rejected, with the status that stops PagerDuty redelivering
/// a request that can never succeed (go-pagerduty's semantics: 400 malformed, 403 bad signature).
public enum PagerDutyWebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `X-PagerDuty-Signature` missing or without any `v1=` entry.
    case malformedSignatureHeader
    case emptyBody
    /// No signature matched any configured secret.
    case noMatchingSignature
    /// The body is not a v3 webhook envelope.
    case invalidPayload(String)

    public var httpStatus: Int {
        self == .noMatchingSignature ? 403 : 400
    }

    /// snake_case code for the error envelope.
    public var code: String {
        switch self {
        case .malformedSignatureHeader: "malformed_signature_header"
        case .emptyBody: "empty_body"
        case .noMatchingSignature: "invalid_signature"
        case .invalidPayload: "invalid_payload"
        }
    }

    public var description: String {
        switch self {
        case .malformedSignatureHeader: "X-PagerDuty-Signature is missing or has no v1= signature"
        case .emptyBody: "the request body is empty"
        case .noMatchingSignature: "no signature matches a configured secret"
        case .invalidPayload(let message): "invalid PagerDuty webhook payload: \(message)"
        }
    }
}
