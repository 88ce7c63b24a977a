import Testing

@testable import Monitoring

/// AWS access key ids and JWTs: credentials too short or too structured for the long-secret detector.
@Suite struct PIIRedactorCloudCredentialTests {
    static let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

    @Test(arguments: [
        ("key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED:aws_access_key_id] used"),
        ("session ASIAY34FZKBOKMUTVV7A.", "session [REDACTED:aws_access_key_id]."),
        (#"{"id":"AKIA0123456789ABCDEF"}"#, #"{"id":"[REDACTED:aws_access_key_id]"}"#),
        ("aws_access_key_id=AKIAIOSFODNN7EXAMPLE", "aws_access_key_id=[REDACTED:aws_access_key_id]"),
        ("jwt \(jwt) end", "jwt [REDACTED:jwt] end"),
        ("cookie=x; session \(jwt);", "cookie=x; session [REDACTED:jwt];"),
        // An unsigned JWT (alg none) still carries its claims.
        ("t eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0. ok", "t [REDACTED:jwt] ok"),
        ("Authorization: Bearer \(jwt)", "Authorization: Bearer [REDACTED:bearer_token]"),
    ])
    func redacts(input: String, expected: String) {
        #expect(PIIRedactor.scrub(input) == expected)
    }

    @Test(arguments: [
        "AKIA1234 is too short",
        "AKIAIOSFODNN7EXAMPLEX has 17 after the prefix",
        "XAKIAIOSFODNN7EXAMPLE is glued to a letter",
        "akiaiosfodnn7example is lower case",
        "AKIAIOSFODNN7exAMPL mixes case",
        "ASIA-PACIFIC region and AKIA_SOMETHING",
        "eyJhbGciOiJIUzI1NiJ9.config has two segments",
        "host eyJ.example.com is a name",
        "file eyJhbGci.json.bak",
        "version 1.2.3 of eyJ",
    ])
    func leavesLookalikesAlone(input: String) {
        #expect(PIIRedactor.scrub(input) == input)
    }
}
