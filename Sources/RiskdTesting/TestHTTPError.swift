/// Why a test client call failed: a syscall, a timeout, the peer closing, or a malformed response.
public enum TestHTTPError: Error, Sendable, Equatable {
    case system(String, Int32)
    case timeout
    case closed
    case malformed(String)
}
