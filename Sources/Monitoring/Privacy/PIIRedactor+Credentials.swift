/// Detectors for credentials: bearer tokens, `name=value` secrets and long random-looking strings.
extension PIIRedactor {
    private static let secretNameParts: Set<String> = [
        "token", "key", "apikey", "secret", "password", "passwd", "pwd", "credential", "credentials", "auth",
        "signature",
    ]

    /// The token after `Bearer ` (one or more spaces), case-insensitive.
    static func bearerTokens(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index + 7 < scalars.count {
            defer { index += 1 }
            guard isWordStart(scalars, index), lowercased(scalars[index..<index + 6]) == "bearer",
                scalars[index + 6] == " "
            else { continue }
            let start = runEnd(scalars, from: index + 6) { $0 == " " }
            let end = runEnd(scalars, from: start, isTokenCharacter)
            if end > start {
                matches.append(Match(range: start..<end, kind: "bearer_token"))
                index = end
            }
        }
        return matches
    }

    /// Values of `name=value` and `name: value` pairs whose name denotes a secret (see `PIIRedactor`).
    static func keyedSecrets(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        for (index, scalar) in scalars.enumerated() where scalar == "=" || scalar == ":" {
            var nameEnd = index
            if nameEnd > 0 && scalars[nameEnd - 1] == "\"" { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > 0 && isNameCharacter(scalars[nameStart - 1]) { nameStart -= 1 }
            guard nameStart < nameEnd else { continue }
            let name = lowercased(scalars[nameStart..<nameEnd])
            guard let last = name.split(whereSeparator: { $0 == "_" || $0 == "-" }).last,
                secretNameParts.contains(String(last))
            else { continue }
            var start = runEnd(scalars, from: index + 1) { $0 == " " || $0 == "\"" || $0 == "'" }
            if lowercased(scalars[start..<min(start + 7, scalars.count)]) == "bearer " { start += 7 }
            let end = runEnd(scalars, from: start, isTokenCharacter)
            if end > start { matches.append(Match(range: start..<end, kind: "secret")) }
        }
        return matches
    }

    /// Runs of ≥ 32 hex characters, or ≥ 32 base64/base64url characters mixing upper, lower and digits.
    static func longSecrets(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            let end = runEnd(scalars, from: index) { isTokenCharacter($0) && $0 != "." && $0 != "~" }
            defer { index = max(end, index + 1) }
            let run = scalars[index..<end]
            guard run.count >= 32, !isUUID(run) else { continue }
            let core = run.filter { $0 != "=" }
            let hex = core.allSatisfy(isHexDigit) && core.contains(where: isDigit) && core.contains(where: isLetter)
            let upper = core.contains { $0.value >= 65 && $0.value <= 90 }
            let lower = core.contains { $0.value >= 97 && $0.value <= 122 }
            if hex || (upper && lower && core.contains(where: isDigit)) {
                matches.append(Match(range: index..<end, kind: "secret"))
            }
        }
        return matches
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isAlphanumeric(scalar) || scalar == "_" || scalar == "-"
    }

    /// 8-4-4-4-12 hex groups: identifiers, not secrets.
    private static func isUUID(_ run: ArraySlice<Unicode.Scalar>) -> Bool {
        let groups = run.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(isHexDigit) }
    }
}
