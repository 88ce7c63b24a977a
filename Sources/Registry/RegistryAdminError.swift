/// Why an administrative change to the registry was refused; the service maps each case to a status.
public enum RegistryAdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such model (404).
    case modelNotFound(String)
    /// No such version directory (404).
    case versionNotFound(model: String, version: Int)
    /// The change would break serving or contradicts an alias (409).
    case conflict(String)
    /// The version was found but failed to load or verify (422).
    case loadFailed(String)
    /// An argument is out of its range, e.g. a canary weight outside 0...1 (400).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .modelNotFound(let name): "model \"\(name)\" not found"
        case .versionNotFound(let model, let version): "model \"\(model)\" has no version \(version)"
        case .conflict(let message), .loadFailed(let message), .invalidArgument(let message): message
        }
    }
}
