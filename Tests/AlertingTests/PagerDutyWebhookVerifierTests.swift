import Alerting
import Crypto
import Testing

/// Vectors from sre-integrations.md §1 (computed with openssl by the reference's authors).
@Suite struct PagerDutyWebhookVerifierTests {
    static let body = Array(
        #"{"event":{"id":"01FKZOXA868SHYEE4DVNWB5P9W","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2025-04-07T03:00:55.532Z","agent":{"id":"PVE0ZR9","type":"user_reference"},"client":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#
            .utf8)
    static let signature1 = "v1=18ceef49d410e3ef983745822e8b78a1c20fdf7ea59995a9b4eeab2e323b409c"
    static let signature2 = "v1=d16b408dc3194cddf35113bb772400bc01b9e3a971c978a33ac8863c53675529"

    @Test func referenceBodyIsTheDocumentedBytes() {
        #expect(Self.body.count == 264)
        #expect(
            Hex.encode(Digest.sha256(Self.body)) == "79603245896422ae2689f9511635d2b0ff072d9ad617f105cc49033deeb5759f")
    }

    @Test func singleSecretAcceptsItsSignature() throws {
        try PagerDutyWebhookVerifier(secrets: ["test-secret-1"]).verify(
            body: Self.body, signatureHeader: Self.signature1)
        try PagerDutyWebhookVerifier(secrets: ["test-secret-2"]).verify(
            body: Self.body, signatureHeader: Self.signature2)
    }

    @Test(arguments: [["test-secret-1"], ["test-secret-2"], ["other", "test-secret-2"], ["test-secret-1", "x"]])
    func rotationHeaderAcceptedByEitherSecret(secrets: [String]) throws {
        let header = "\(Self.signature2),\(Self.signature1)"
        try PagerDutyWebhookVerifier(secrets: secrets).verify(body: Self.body, signatureHeader: header)
    }

    @Test func upperCaseHexAndSpacesAreAccepted() throws {
        let header = "v0=abcd, " + Self.signature1.uppercased().replacingOccurrences(of: "V1=", with: "v1=")
        try PagerDutyWebhookVerifier(secrets: ["test-secret-1"]).verify(body: Self.body, signatureHeader: header)
    }

    @Test func wrongSecretIsForbidden() {
        #expect(throws: PagerDutyWebhookError.noMatchingSignature) {
            try PagerDutyWebhookVerifier(secrets: ["wrong"]).verify(body: Self.body, signatureHeader: Self.signature1)
        }
        #expect(PagerDutyWebhookError.noMatchingSignature.httpStatus == 403)
    }

    @Test func alteredBodyIsForbidden() {
        var altered = Self.body
        altered[altered.count - 3] = UInt8(ascii: "x")
        #expect(throws: PagerDutyWebhookError.noMatchingSignature) {
            try PagerDutyWebhookVerifier(secrets: ["test-secret-1"]).verify(
                body: altered, signatureHeader: Self.signature1)
        }
    }

    @Test(arguments: [nil, "", "v0=18ceef49", "sha256=abc", "v1=zz", "v1="])
    func missingOrMalformedHeaderIsBadRequest(header: String?) {
        #expect(throws: PagerDutyWebhookError.malformedSignatureHeader) {
            try PagerDutyWebhookVerifier(secrets: ["test-secret-1"]).verify(body: Self.body, signatureHeader: header)
        }
        #expect(PagerDutyWebhookError.malformedSignatureHeader.httpStatus == 400)
    }

    @Test func emptyBodyIsBadRequest() {
        #expect(throws: PagerDutyWebhookError.emptyBody) {
            try PagerDutyWebhookVerifier(secrets: ["test-secret-1"]).verify(body: [], signatureHeader: Self.signature1)
        }
    }

    @Test func noSecretsAcceptsNothing() {
        #expect(throws: PagerDutyWebhookError.noMatchingSignature) {
            try PagerDutyWebhookVerifier(secrets: [""]).verify(body: Self.body, signatureHeader: Self.signature1)
        }
    }
}
