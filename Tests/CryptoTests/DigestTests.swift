import Crypto
import Testing

@Suite struct DigestTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(Hex.encode(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Hex.encode(Digest.sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hmacMatchesRFC4231Case2() {
        let mac = Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// The PagerDuty v3 vector from shared/reference/sre-integrations.md §1.
    @Test func hmacMatchesThePagerDutyVector() {
        let body =
            #"{"event":{"id":"01FKZOXA868SHYEE4DVNWB5P9W","event_type":"pagey.ping","resource_type":"pagey","#
            + #""occurred_at":"2025-04-07T03:00:55.532Z","agent":{"id":"PVE0ZR9","type":"user_reference"},"#
            + #""client":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#
        #expect(body.utf8.count == 264)
        #expect(
            Hex.encode(Digest.sha256(Array(body.utf8)))
                == "79603245896422ae2689f9511635d2b0ff072d9ad617f105cc49033deeb5759f")
        #expect(
            Hex.encode(Digest.hmacSHA256(key: Array("test-secret-1".utf8), message: Array(body.utf8)))
                == "18ceef49d410e3ef983745822e8b78a1c20fdf7ea59995a9b4eeab2e323b409c")
    }

    @Test func hmacAcceptsAnEmptyKey() {
        #expect(
            Hex.encode(Digest.hmacSHA256(key: [], message: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func constantTimeEquality() {
        #expect(Digest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(Digest.constantTimeEquals([], []))
    }

    @Test func hexRoundTripsAndRejectsGarbage() {
        #expect(Hex.decode("00ffA0") == [0, 255, 160])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.encode([0, 255, 160]) == "00ffa0")
    }
}
