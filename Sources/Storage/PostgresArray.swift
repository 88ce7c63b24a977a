/// PostgreSQL array literals (`{"a","b"}`, `{1.5,2}`) for batch statements that `unnest` one
/// parameter per column instead of sending one statement per row.
enum PostgresArray {
    static func text(_ values: [String]) -> String {
        "{"
            + values.map { value in
                var quoted = "\""
                for character in value {
                    if character == "\"" || character == "\\" { quoted.append("\\") }
                    quoted.append(character)
                }
                return quoted + "\""
            }.joined(separator: ",") + "}"
    }

    static func numbers(_ values: [Double]) -> String {
        "{" + values.map { SQLValue.format($0) }.joined(separator: ",") + "}"
    }

    static func optionalIntegers(_ values: [Int?]) -> String {
        "{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}"
    }
}
