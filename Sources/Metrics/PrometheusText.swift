/// Rendering rules of the Prometheus text exposition format 0.0.4.
public enum PrometheusText {
    /// The `Content-Type` of a scrape response.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `# HELP` (escaping `\` and newline) and `# TYPE` lines.
    static func header(name: String, help: String, type: String, into output: inout [UInt8]) {
        output.append(contentsOf: "# HELP \(name) ".utf8)
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            default: output.append(byte)
            }
        }
        output.append(contentsOf: "\n# TYPE \(name) \(type)\n".utf8)
    }

    /// One sample line; `labelText` is the inside of the braces, already escaped.
    static func sample(name: String, labelText: String, value: Double, into output: inout [UInt8]) {
        output.append(contentsOf: name.utf8)
        if !labelText.isEmpty {
            output.append(UInt8(ascii: "{"))
            output.append(contentsOf: labelText.utf8)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: format(value).utf8)
        output.append(0x0A)
    }

    /// `name1="value1",name2="value2"` with `\`, `"` and newline escaped in the values.
    static func labelText(names: [String], values: [String]) -> String {
        zip(names, values).map { name, value in
            var escaped = ""
            for character in value.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\"": escaped += "\\\""
                case "\n": escaped += "\\n"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return "\(name)=\"\(escaped)\""
        }.joined(separator: ",")
    }

    /// Go-`ParseFloat`-compatible text: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// Whether a metric or label name matches `[a-zA-Z_:][a-zA-Z0-9_:]*` (labels: no colon).
    static func isValidName(_ name: String, allowColon: Bool) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
                || byte == UInt8(ascii: "_") || (allowColon && byte == UInt8(ascii: ":"))
        }
    }
}
