/// Detectors for contact data and addresses: emails, phone numbers, IPv4 and IPv6 addresses.
extension PIIRedactor {
    /// local@domain.tld with an alphabetic TLD of at least two letters.
    static func emails(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        for (index, scalar) in scalars.enumerated() where scalar == "@" {
            var start = index
            while start > 0
                && (isAlphanumeric(scalars[start - 1]) || "._%+-".unicodeScalars.contains(scalars[start - 1]))
            {
                start -= 1
            }
            var end = runEnd(scalars, from: index + 1) { isAlphanumeric($0) || $0 == "." || $0 == "-" }
            while end > index + 1 && (scalars[end - 1] == "." || scalars[end - 1] == "-") { end -= 1 }
            let domain = scalars[(index + 1)..<end]
            guard start < index, let lastDot = domain.lastIndex(of: "."), lastDot > index + 1 else { continue }
            let tld = scalars[(lastDot + 1)..<end]
            guard tld.count >= 2, tld.allSatisfy(isLetter) else { continue }
            matches.append(Match(range: start..<end, kind: "email"))
        }
        return matches
    }

    /// Four dotted decimal octets (0–255, at most three digits each) standing alone.
    static func ipv4Addresses(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            guard isDigit(scalars[index]), !at(scalars, index - 1, isDigit) else {
                index += 1
                continue
            }
            var position = index
            var octets = 0
            while octets < 4 {
                let end = runEnd(scalars, from: position, isDigit)
                guard end > position, end - position <= 3, let value = Int(lowercased(scalars[position..<end])),
                    value <= 255
                else { break }
                octets += 1
                position = end
                if octets < 4 {
                    guard at(scalars, position, { $0 == "." }), at(scalars, position + 1, isDigit) else { break }
                    position += 1
                }
            }
            if octets == 4 && isStandaloneNumber(scalars, index..<position) {
                matches.append(Match(range: index..<position, kind: "ipv4"))
                index = position
            } else {
                index = runEnd(scalars, from: index, isDigit)
            }
        }
        return matches
    }

    /// Hex groups separated by colons: exactly 8 groups, or fewer with one `::`. An embedded IPv4 tail
    /// (`::ffff:10.0.0.1`) is included. Requires at least two colons, so `12:34` and `a:b` stay.
    static func ipv6Addresses(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            let isCandidate: (Unicode.Scalar) -> Bool = { isHexDigit($0) || $0 == ":" || $0 == "." }
            guard isCandidate(scalars[index]) else {
                index += 1
                continue
            }
            var end = runEnd(scalars, from: index, isCandidate)
            defer { index = max(end, index + 1) }
            while end > index && scalars[end - 1] == "." { end -= 1 }
            if end > index + 1 && scalars[end - 1] == ":" && scalars[end - 2] != ":" { end -= 1 }
            guard isWordStart(scalars, index), !at(scalars, end, { isAlphanumeric($0) || $0 == "_" }),
                isIPv6(scalars[index..<end])
            else { continue }
            matches.append(Match(range: index..<end, kind: "ipv6"))
        }
        return matches
    }

    private static func isIPv6(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard text.filter({ $0 == ":" }).count >= 2 else { return false }
        let string = String(String.UnicodeScalarView(text))
        let halves = string.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (halfIndex, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (partIndex, part) in parts.enumerated() {
                let isLast = halfIndex == halves.count - 1 && partIndex == parts.count - 1
                if isLast && part.contains(".") {
                    let octets = part.split(separator: ".", omittingEmptySubsequences: false)
                    guard octets.count == 4, octets.allSatisfy({ $0.count <= 3 && (UInt8($0) != nil) }) else {
                        return false
                    }
                    groups += 2
                } else {
                    guard (1...4).contains(part.count), part.unicodeScalars.allSatisfy(isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    /// International numbers (`+` then 8–15 digits with separators) and North-American shapes.
    static func phoneNumbers(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "+" || scalar == "(" || isDigit(scalar), isWordStart(scalars, index),
                !at(scalars, index - 1, { $0 == "." || $0 == "-" || $0 == "+" })
            else {
                index += 1
                continue
            }
            // Groups of digits separated by one separator (space, dash, dot) or wrapped in parentheses.
            var groups: [Int] = []
            var position = scalar == "+" ? index + 1 : index
            while position < scalars.count {
                let open = scalars[position] == "("
                let digitsStart = open ? position + 1 : position
                let digitsEnd = runEnd(scalars, from: digitsStart, isDigit)
                guard digitsEnd > digitsStart else { break }
                if open && !at(scalars, digitsEnd, { $0 == ")" }) { break }
                groups.append(digitsEnd - digitsStart)
                position = open ? digitsEnd + 1 : digitsEnd
                let separator = at(scalars, position) { " -.".unicodeScalars.contains($0) }
                let next = separator ? position + 1 : position
                guard at(scalars, next, { isDigit($0) || $0 == "(" }), separator || scalars[position - 1] == ")"
                else { break }
                if at(scalars, next, { $0 == "(" }) && !separator && scalars[position - 1] != ")" { break }
                position = next
            }
            let digits = groups.reduce(0, +)
            let range = index..<position
            let international = scalar == "+" && (8...15).contains(digits)
            let northAmerican = groups == [3, 3, 4] || groups == [1, 3, 3, 4]
            if (international || northAmerican) && isStandaloneNumber(scalars, range) {
                matches.append(Match(range: range, kind: "phone"))
                index = position
            } else {
                index = max(position, index + 1)
            }
        }
        return matches
    }
}
