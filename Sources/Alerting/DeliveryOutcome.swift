import Foundation
import Outbound

/// What one delivery attempt means for its event, following PagerDuty's and Alertmanager's retry rules:
/// 2xx done; 429, 5xx and network errors retry; any other status is a permanent rejection.
enum DeliveryOutcome: Equatable {
    case delivered
    /// Retry later; `retryAfter` is the receiver's requested delay in seconds, if it sent one.
    case retry(reason: String, retryAfter: Double?)
    case deadLetter(reason: String)

    init(status: Int, retryAfterHeader: String?) {
        switch status {
        case 200..<300: self = .delivered
        case 429: self = .retry(reason: "http_429", retryAfter: retryAfterHeader.flatMap(Self.retryAfterSeconds))
        case 500..<600: self = .retry(reason: "http_\(status)", retryAfter: nil)
        default: self = .deadLetter(reason: "http_\(status)")
        }
    }

    init(error: OutboundError) {
        switch error {
        case .invalidURL(let message): self = .deadLetter(reason: "invalid_url: \(message)")
        case .timeout: self = .retry(reason: "timeout", retryAfter: nil)
        case .connectionRefused: self = .retry(reason: "connection_refused", retryAfter: nil)
        case .responseTooLarge: self = .retry(reason: "response_too_large", retryAfter: nil)
        case .transport(let code, _): self = .retry(reason: "transport_\(code)", retryAfter: nil)
        }
    }

    /// `Retry-After` in delay-seconds form; HTTP-date values are ignored (the backoff applies).
    static func retryAfterSeconds(_ header: String) -> Double? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 9, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        return Double(trimmed)
    }
}
