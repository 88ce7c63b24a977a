/// A UTC calendar date and time, converted to and from Unix seconds without Foundation's formatters.
///
/// riskd writes timestamps into every log line, HTTP `Date` header and outbound event, and reads RFC 3339
/// times from Alertmanager, PagerDuty and telemetry. The conversion is the proleptic Gregorian calendar
/// (Howard Hinnant's days-from-civil algorithm), exact for years 1 through 9999.
public struct UTCDateTime: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Fraction of the second in nanoseconds.
    public var nanosecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
    }

    /// The calendar time of `seconds` since the Unix epoch. The fraction is rounded to the microsecond,
    /// the precision a `Double` holds for present-day times.
    public init(unixSeconds seconds: Double) {
        let whole = seconds.rounded(.down)
        var nanos = Int(((seconds - whole) * 1e6).rounded()) * 1000
        var total = Int64(whole)
        if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000
            total += 1
        }
        let days = Int(total.floorDivided(by: 86_400))
        let secondOfDay = Int(total - Int64(days) * 86_400)
        let (year, month, day) = UTCDateTime.civil(fromDays: days)
        self.init(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
            second: secondOfDay % 60, nanosecond: nanos)
    }

    /// Seconds since the Unix epoch.
    public var unixSeconds: Double {
        let days = UTCDateTime.days(fromCivil: year, month, day)
        let whole = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Double(whole) + Double(nanosecond) / 1e9
    }

    /// Day of the week, 0 = Sunday.
    public var weekday: Int {
        let days = UTCDateTime.days(fromCivil: year, month, day)
        return (days % 7 + 11) % 7
    }

    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
