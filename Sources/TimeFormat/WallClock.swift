import Foundation

/// Seconds since the Unix epoch, from the system's real-time clock.
///
/// Components take a clock closure defaulting to this, so tests can drive time explicitly.
@Sendable public func wallClockSeconds() -> Double {
    Date().timeIntervalSince1970
}
