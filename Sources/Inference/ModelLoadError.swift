/// Why an artifact could not be loaded; the message names the offending key or line where possible so an
/// operator can fix the artifact instead of guessing.
public struct ModelLoadError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
