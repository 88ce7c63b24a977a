import Outbound
import Testing

@testable import Alerting

@Suite struct DeliveryOutcomeTests {
    @Test(arguments: [200, 202, 204])
    func successIsDelivered(status: Int) {
        #expect(DeliveryOutcome(status: status, retryAfterHeader: nil) == .delivered)
    }

    @Test(arguments: [500, 502, 503, 599])
    func serverErrorsRetry(status: Int) {
        #expect(
            DeliveryOutcome(status: status, retryAfterHeader: nil) == .retry(reason: "http_\(status)", retryAfter: nil))
    }

    @Test(arguments: [301, 400, 401, 403, 404, 413, 422])
    func otherStatusesDeadLetter(status: Int) {
        #expect(DeliveryOutcome(status: status, retryAfterHeader: nil) == .deadLetter(reason: "http_\(status)"))
    }

    @Test(arguments: [("7", 7.0), (" 30 ", 30), ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("-1", nil), ("1e9", nil)])
    func retryAfterSeconds(header: String, expected: Double?) {
        #expect(
            DeliveryOutcome(status: 429, retryAfterHeader: header) == .retry(reason: "http_429", retryAfter: expected))
    }

    @Test func transportErrorsRetryButBadURLDeadLetters() {
        #expect(DeliveryOutcome(error: .timeout) == .retry(reason: "timeout", retryAfter: nil))
        #expect(
            DeliveryOutcome(error: .transport(code: 52, message: "")) == .retry(reason: "transport_52", retryAfter: nil)
        )
        #expect(DeliveryOutcome(error: .invalidURL("x")) == .deadLetter(reason: "invalid_url: x"))
    }

    @Test func backoffDoublesUpToTheCapAndHonoursRetryAfter() {
        let backoff = RetryBackoff(base: 0.5, maximum: 10, maxRetryAfter: 60)
        #expect((0..<6).map { backoff.ceiling(attempt: $0) } == [0.5, 1, 2, 4, 8, 10])
        #expect(backoff.ceiling(attempt: 10_000) == 10)
        #expect(backoff.delay(attempt: 3, retryAfter: nil, unit: 0.25) == 1)
        #expect(backoff.delay(attempt: 3, retryAfter: 30, unit: 0.25) == 30)
        #expect(backoff.delay(attempt: 3, retryAfter: 3_600, unit: 0.25) == 60)
    }
}
