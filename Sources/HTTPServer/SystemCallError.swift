/// A failed system call: which call and the errno it set. Every syscall in HTTPServer reports through
/// this type (see `SystemCalls`), so callers switch on errno values instead of reading global state.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public let message: String

    public var description: String { "\(call) failed: \(message) (errno \(errno))" }
}
