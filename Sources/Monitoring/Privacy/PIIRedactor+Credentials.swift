/// Detectors for credentials: bearer tokens, `name=value` secrets, AWS access key ids, JWTs and long
/// random-looking strings.
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

    /// AWS access key ids: `AKIA` (long-term) or `ASIA` (temporary) and 16 upper-case letters or digits,
    /// standing alone.
    static func awsAccessKeyIDs(_ scalars: [Unicode.Scalar]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        while index + 20 <= scalars.count {
            defer { index += 1 }
            guard scalars[index] == "A", scalars[index + 1] == "K" || scalars[index + 1] == "S",
                scalars[index + 2] == "I", scalars[index + 3] == "A", isWordStart(scalars, index)
            else { continue }
            let end = runEnd(scalars, from: index + 4) { isDigit($0) || ($0.value >= 65 && $0.value <= 90) }
            guard end - index == 20, !at(scalars, end, { isAlphanumeric($0) || $0 == "_" }) else { continue }
            matches.append(Match(range: index..<end, kind: "aws_access_key_id"))
            index = end
        }
        return matches
    }

    /// JSON Web Tokens: three base64url segments joined by dots, header and payload each a base64url JSON
    /// object (`eyJ…`); the signature may be empty (`alg: none`).
    static func jsonWebTokens(_ scalars: [Unicode.Scalar]) -> [Match] {
        func isBase64URL(_ scalar: Unicode.Scalar) -> Bool { isAlphanumeric(scalar) || scalar == "-" || scalar == "_" }
        func startsObject(_ start: Int) -> Bool {
            start + 3 <= scalars.count && scalars[start] == "e" && scalars[start + 1] == "y"
                && scalars[start + 2] == "J"
        }
        var matches: [Match] = []
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard startsObject(index), !at(scalars, index - 1, { isBase64URL($0) || $0 == "." }) else { continue }
            let headerEnd = runEnd(scalars, from: index, isBase64URL)
            guard headerEnd - index >= 10, at(scalars, headerEnd, { $0 == "." }), startsObject(headerEnd + 1) else {
                continue
            }
            let payloadEnd = runEnd(scalars, from: headerEnd + 1, isBase64URL)
            guard at(scalars, payloadEnd, { $0 == "." }) else { continue }
            let end = runEnd(scalars, from: payloadEnd + 1, isBase64URL)
            matches.append(Match(range: index..<end, kind: "jwt"))
            index = end
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
