/// The one parser for model version numbers, wherever they come from (directory names, URL paths): a
/// positive decimal integer in canonical form. `+1`, `01`, ` 1` and `1.0` are refused, so two spellings
/// can never name the same version.
public enum ModelVersion {
    /// The version `text` names, or nil when it is not a canonical positive integer.
    public static func parse(_ text: some StringProtocol) -> Int? {
        guard let first = text.utf8.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"),
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }
}
