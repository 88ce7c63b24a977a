import Testing

@testable import Monitoring

@Suite struct PIIRedactorTests {
    @Test(arguments: [
        ("mail ops.team+oncall@example.co.uk now", "mail [REDACTED:email] now"),
        ("from 10.0.12.255:8080 ok", "from [REDACTED:ipv4]:8080 ok"),
        ("peer fe80::1ff:fe23:4567:890a%eth0", "peer [REDACTED:ipv6]%eth0"),
        ("v6 2001:0db8:85a3:0000:0000:8a2e:0370:7334.", "v6 [REDACTED:ipv6]."),
        ("mapped ::ffff:192.0.2.128 here", "mapped [REDACTED:ipv6] here"),
        ("card 4111 1111 1111 1111 used", "card [REDACTED:card_number] used"),
        ("card 5500-0000-0000-0004", "card [REDACTED:card_number]"),
        ("Authorization: Bearer abc.DEF-123_x~y+z/=", "Authorization: Bearer [REDACTED:bearer_token]"),
        ("GET /x?api_key=s3cr3t&user=bob", "GET /x?api_key=[REDACTED:secret]&user=bob"),
        (#"{"token": "abcd", "n": 1}"#, #"{"token": "[REDACTED:secret]", "n": 1}"#),
        ("X-Api-Key: K1", "X-Api-Key: [REDACTED:secret]"),
        ("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 done", "sha [REDACTED:secret] done"),
        ("b64 dGhpc0lzQVNlY3JldEtleVdpdGgzMkNoYXJzT3JNb3Jl==", "b64 [REDACTED:secret]"),
        ("call +44 20 7946 0958 today", "call [REDACTED:phone] today"),
        ("call (555) 123-4567 or 555.123.4567", "call [REDACTED:phone] or [REDACTED:phone]"),
    ])
    func redacts(input: String, expected: String) {
        #expect(PIIRedactor.scrub(input) == expected)
    }

    @Test(arguments: [
        "version 1.2.3 and 10.4.1.2.5 build",
        "ts 1700000000123 and 1732312345 and 2026-11-22T23:45:00Z",
        "at 12:34:56 on 2026-11-22 12",
        "std::vector<int> a:b",
        "monkey=3 keys=7",
        "card-like 4111111111111112 fails luhn",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "path /var/lib/riskd/models/disk-failure/3/model.json",
        "risk 0.0375 over 604800 seconds, 99.95% of 10000",
        "supercalifragilisticexpialidociousandthensome",
    ])
    func leavesOrdinaryTextAlone(input: String) {
        #expect(PIIRedactor.scrub(input) == input)
    }

    @Test func preservesUnicodeAroundRedactions() {
        let text = "Ünïcødé 🚀 a@b.io — naïve 東京 10.1.2.3🙂"
        #expect(PIIRedactor.scrub(text) == "Ünïcødé 🚀 [REDACTED:email] — naïve 東京 [REDACTED:ipv4]🙂")
        #expect(PIIRedactor.scrub("é\u{301} 🇩🇪") == "é\u{301} 🇩🇪")
    }

    @Test func survivesPathologicalInput() {
        let noise = String(repeating: "1.", count: 5000) + String(repeating: ":", count: 3000) + "@@@.."
        #expect(PIIRedactor.scrub(noise) == noise)
        #expect(PIIRedactor.scrub("") == "")
        #expect(PIIRedactor.scrub("@") == "@")
        #expect(PIIRedactor.scrub("Bearer") == "Bearer")
    }
}
