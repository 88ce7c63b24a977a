/// Why a calibrator could not be built from the given calibration set (too few points, bad labels, NaN
/// scores), so the registry can reject a model version with a clear message.
public struct CalibrationError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
