import Crypto
import Foundation

/// Verifies `X-PagerDuty-Signature` on inbound v3 webhooks so only PagerDuty can change incident state.
///
/// The header holds one or more comma-separated `v1=<hex>` HMAC-SHA256 signatures of the raw body.
/// During secret rotation both PagerDuty and riskd may hold two secrets, so any configured secret
/// matching any signature is enough. Comparison is constant-time.
public struct PagerDutyWebhookVerifier: Sendable {
    private let keys: [[UInt8]]

    /// - Parameter secrets: the subscription secrets currently accepted (old and new while rotating).
    public init(secrets: [String]) {
        keys = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Accepts or throws the reason (see `PagerDutyWebhookError.httpStatus`).
    public func verify(body: [UInt8], signatureHeader: String?) throws(PagerDutyWebhookError) {
        guard let signatureHeader else { throw .malformedSignatureHeader }
        let signatures = Self.signatures(in: signatureHeader)
        guard !signatures.isEmpty else { throw .malformedSignatureHeader }
        guard !body.isEmpty else { throw .emptyBody }
        var matched = false
        // Every pair is compared (no early exit) so timing does not reveal which one matched.
        for key in keys {
            let expected = Digest.hmacSHA256(key: key, message: body)
            for signature in signatures where Digest.constantTimeEquals(expected, signature) {
                matched = true
            }
        }
        guard matched else { throw .noMatchingSignature }
    }

    /// The decoded `v1=` signatures; other versions, empty values and bad hex are skipped.
    static func signatures(in header: String) -> [[UInt8]] {
        header.split(separator: ",").compactMap { entry in
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("v1=") else { return nil }
            guard let bytes = Hex.decode(trimmed.dropFirst(3)), !bytes.isEmpty else { return nil }
            return bytes
        }
    }
}
