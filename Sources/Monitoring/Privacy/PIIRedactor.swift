/// Removes personal data and credentials from free text before it is logged or stored, because prediction
/// logs and error messages outlive the request and are read by more people than the service owner.
///
/// A hand-written scanner over Unicode scalars (no regular expressions): detectors propose ranges, earlier
/// detectors win overlaps, and each range becomes `[REDACTED:<kind>]`. Non-ASCII text passes through
/// unchanged. Detectors, in priority order:
/// - `bearer_token`: the credential after `Bearer ` (case-insensitive); the word `Bearer` is kept.
/// - `secret`: the value after `name=` / `name:` where the last `_`/`-` part of name is token, key, apikey,
///   secret, password, passwd, pwd, credential(s), auth or signature (so `api_key=…`, `X-Api-Key: …`,
///   but not `monkey=3`).
/// - `jwt`: three base64url segments joined by dots whose first two are JSON objects (`eyJ…`); the
///   third (signature) may be empty.
/// - `aws_access_key_id`: `AKIA` or `ASIA` and 16 upper-case letters or digits, standing alone.
/// - `email`: local@domain.tld.
/// - `card_number`: 13–19 digits, optionally grouped by single spaces or dashes, passing the Luhn check and
///   starting with 2–6 (card networks; this keeps 13-digit millisecond timestamps, which start with 1).
/// - `ipv6`: hex groups with colons, 8 groups or a `::`; `12:34:56` times stay.
/// - `ipv4`: four dotted octets 0–255, not part of a longer dotted number (versions like 1.2.3.4.5 stay).
/// - `phone`: `+` and 8–15 digits with spaces/dashes/dots/parentheses, or North-American
///   `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `555 123 4567`.
/// - `secret`: a run of ≥ 32 hex characters, or of ≥ 32 base64/base64url characters mixing upper case, lower
///   case and digits (UUIDs excluded).
public enum PIIRedactor {
    /// `text` with every detected item replaced by `[REDACTED:<kind>]`.
    public static func scrub(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var taken = [Bool](repeating: false, count: scalars.count)
        var accepted: [Match] = []
        let detectors: [([Unicode.Scalar]) -> [Match]] = [
            bearerTokens, keyedSecrets, jsonWebTokens, awsAccessKeyIDs, emails, cardNumbers, ipv6Addresses,
            ipv4Addresses, phoneNumbers,
            longSecrets,
        ]
        for detector in detectors {
            for match in detector(scalars) where !match.range.contains(where: { taken[$0] }) {
                for index in match.range { taken[index] = true }
                accepted.append(match)
            }
        }
        guard !accepted.isEmpty else { return text }
        accepted.sort { $0.range.lowerBound < $1.range.lowerBound }
        var output = String.UnicodeScalarView()
        var position = 0
        for match in accepted {
            output.append(contentsOf: scalars[position..<match.range.lowerBound])
            output.append(contentsOf: "[REDACTED:\(match.kind)]".unicodeScalars)
            position = match.range.upperBound
        }
        output.append(contentsOf: scalars[position...])
        return String(output)
    }

    /// A detected range of scalars and what it is.
    struct Match {
        let range: Range<Int>
        let kind: String
    }
}
