/// Detector for payment card numbers.
extension PIIRedactor {
    /// 13–19 digits, grouped by single spaces or dashes or not at all, starting with 2–6 and passing Luhn.
    static func cardNumbers(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            guard isDigit(scalars[index]), isWordStart(scalars, index) else {
                index += 1
                continue
            }
            var digits: [Int] = []
            var position = index
            while position < scalars.count && digits.count < 19 {
                if isDigit(scalars[position]) {
                    digits.append(Int(scalars[position].value) - 48)
                    position += 1
                } else if (scalars[position] == " " || scalars[position] == "-") && at(scalars, position + 1, isDigit) {
                    position += 1
                } else {
                    break
                }
            }
            if let found = longestCard(digits), case let cardRange = index..<cardEnd(scalars, index, found),
                isStandaloneNumber(scalars, cardRange)
            {
                matches.append(Match(range: cardRange, kind: "card_number"))
                index = cardRange.upperBound
            } else {
                index = runEnd(scalars, from: index, isDigit)
            }
        }
        return matches
    }

    /// The longest prefix length (13–19) of `digits` that looks like a card, preferring all the digits.
    private static func longestCard(_ digits: [Int]) -> Int? {
        guard let first = digits.first, (2...6).contains(first) else { return nil }
        for length in stride(from: min(19, digits.count), through: 13, by: -1) where luhn(digits[0..<length]) {
            return length
        }
        return nil
    }

    /// Index just past the `count`-th digit from `start`.
    private static func cardEnd(_ scalars: [Unicode.Scalar], _ start: Int, _ count: Int) -> Int {
        var seen = 0
        var position = start
        while seen < count {
            if isDigit(scalars[position]) { seen += 1 }
            position += 1
        }
        return position
    }

    static func luhn(_ digits: ArraySlice<Int>) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
