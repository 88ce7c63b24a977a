/// The `Server-Timing` value a response carries: `app;dur=<milliseconds>`.
enum ServerTiming {
    /// The milliseconds rounded to the microsecond and written as `Double.description` writes them
    /// ("0.012", "1.5", "2.0"), digit by digit into a small string: no Double formatting per request.
    static func value(seconds: Double) -> String {
        let microseconds = (seconds * 1e6).rounded()
        guard microseconds >= 0, microseconds < 1e15 else { return "app;dur=\(microseconds / 1e3)" }
        let whole = Int(microseconds) / 1000
        var fraction = Int(microseconds) % 1000
        var fractionDigits = 3
        while fractionDigits > 1 && fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        var wholeDigits = 1
        while wholeDigits < 19 && whole >= power(of: wholeDigits) { wholeDigits += 1 }
        let prefix: StaticString = "app;dur="
        let length = prefix.utf8CodeUnitCount + wholeDigits + 1 + fractionDigits
        return String(unsafeUninitializedCapacity: length) { buffer in
            var index = 0
            for offset in 0..<prefix.utf8CodeUnitCount {
                buffer[index] = prefix.utf8Start[offset]
                index += 1
            }
            write(whole, digits: wholeDigits, into: buffer, at: &index)
            buffer[index] = UInt8(ascii: ".")
            index += 1
            write(fraction, digits: fractionDigits, into: buffer, at: &index)
            return index
        }
    }

    /// 10^exponent.
    private static func power(of exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// `value` in exactly `digits` decimal digits, zero-padded on the left.
    private static func write(
        _ value: Int, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: inout Int
    ) {
        var rest = value
        for position in stride(from: index + digits - 1, through: index, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        index += digits
    }
}
