extension UTCDateTime {
    /// RFC 3339 / ISO 8601 with millisecond precision: `2026-11-22T20:40:00.123Z`.
    public var rfc3339: String {
        var text = ""
        text.reserveCapacity(24)
        Self.append(year, width: 4, to: &text)
        text += "-"
        Self.append(month, width: 2, to: &text)
        text += "-"
        Self.append(day, width: 2, to: &text)
        text += "T"
        Self.append(hour, width: 2, to: &text)
        text += ":"
        Self.append(minute, width: 2, to: &text)
        text += ":"
        Self.append(second, width: 2, to: &text)
        text += "."
        Self.append(nanosecond / 1_000_000, width: 3, to: &text)
        text += "Z"
        return text
    }

    /// The IMF-fixdate of RFC 9110 §5.6.7, used by the HTTP `Date` header: `Sun, 06 Nov 1994 08:49:37 GMT`.
    public var imfFixdate: String {
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var text = weekdays[weekday] + ", "
        Self.append(day, width: 2, to: &text)
        text += " " + months[month - 1] + " "
        Self.append(year, width: 4, to: &text)
        text += " "
        Self.append(hour, width: 2, to: &text)
        text += ":"
        Self.append(minute, width: 2, to: &text)
        text += ":"
        Self.append(second, width: 2, to: &text)
        text += " GMT"
        return text
    }

    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }

    /// Parses an RFC 3339 date-time (`2026-01-02T03:04:05Z`, `…05.123456789Z`, `…05+02:00`, lower-case
    /// `t`/`z` or a space separator accepted) and returns the instant in UTC, or `nil` if it is not one.
    public init?(rfc3339 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int? {
            guard position + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            position += width
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard position < bytes.count, allowed.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        var nanos = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digits = 0
            while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int(bytes[position] - 48) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        var offsetSeconds = 0
        if expect("Zz") {
        } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard position == bytes.count, (1...12).contains(month), day >= 1,
            day <= UTCDateTime.daysIn(month: month, year: year), hour < 24, minute < 60, second <= 60
        else { return nil }
        let local = UTCDateTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59), nanosecond: nanos)
        self.init(unixSeconds: local.unixSeconds - Double(offsetSeconds))
        self.nanosecond = nanos
    }
}
