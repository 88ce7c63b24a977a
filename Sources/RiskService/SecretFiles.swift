import Foundation

/// The secret files `riskd serve` reads at start-up (PagerDuty routing key, webhook secrets): one reader
/// for the server and `riskd check-config`, so both accept and refuse the same files. Errors name the
/// file, never its content.
enum SecretFiles {
    /// The routing key: the file's text without surrounding whitespace; an empty file is refused.
    static func routingKey(path: String) throws(ServiceConfiguration.Error) -> String {
        let key = try read(path).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw ServiceConfiguration.Error(description: "secret file \(path) is empty") }
        return key
    }

    /// One secret per non-blank line (several during a rotation); a file without any is refused.
    static func webhookSecrets(path: String) throws(ServiceConfiguration.Error) -> [String] {
        let secrets = try read(path).split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        guard !secrets.isEmpty else {
            throw ServiceConfiguration.Error(description: "secret file \(path) holds no secret (one per line)")
        }
        return secrets
    }

    private static func read(_ path: String) throws(ServiceConfiguration.Error) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceConfiguration.Error(description: "secret file \(path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
