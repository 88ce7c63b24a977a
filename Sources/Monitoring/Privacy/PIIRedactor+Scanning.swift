/// Character classes and boundary checks shared by the PII detectors (ASCII only: non-ASCII scalars never
/// belong to a detected item, so UTF-8 text around them is left intact).
extension PIIRedactor {
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 65 && scalar.value <= 90) || (scalar.value >= 97 && scalar.value <= 122)
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool { isDigit(scalar) || isLetter(scalar) }

    static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || (scalar.value >= 65 && scalar.value <= 70) || (scalar.value >= 97 && scalar.value <= 102)
    }

    /// Characters of tokens and base64/base64url secrets.
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isAlphanumeric(scalar) || "-._~+/=".unicodeScalars.contains(scalar)
    }

    /// True when the scalar at `index` exists and satisfies `predicate`.
    static func at(
        _ scalars: [Unicode.Scalar], _ index: Int, _ predicate: (Unicode.Scalar) -> Bool
    ) -> Bool {
        index >= 0 && index < scalars.count && predicate(scalars[index])
    }

    /// No letter, digit or `_` immediately before `start` (a number or word does not start mid-word).
    static func isWordStart(_ scalars: [Unicode.Scalar], _ start: Int) -> Bool {
        !at(scalars, start - 1) { isAlphanumeric($0) || $0 == "_" }
    }

    /// A numeric item at `range` is free-standing: not glued to letters/digits and not part of a longer
    /// dotted number such as a version string.
    static func isStandaloneNumber(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> Bool {
        let before = range.lowerBound - 1
        let after = range.upperBound
        if at(scalars, before, { isAlphanumeric($0) || $0 == "_" }) { return false }
        if at(scalars, after, { isAlphanumeric($0) || $0 == "_" }) { return false }
        if at(scalars, before, { $0 == "." }) && at(scalars, before - 1, isDigit) { return false }
        if at(scalars, after, { $0 == "." }) && at(scalars, after + 1, isDigit) { return false }
        return true
    }

    /// The end of the run of scalars from `start` satisfying `predicate`.
    static func runEnd(_ scalars: [Unicode.Scalar], from start: Int, _ predicate: (Unicode.Scalar) -> Bool) -> Int {
        var end = start
        while end < scalars.count && predicate(scalars[end]) { end += 1 }
        return end
    }

    /// Lowercased ASCII of a range (for keyword comparisons).
    static func lowercased(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars)).lowercased()
    }
}
