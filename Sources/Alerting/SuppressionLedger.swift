import JSON

/// Where an `AlertSuppressor` keeps its state when it must outlive the process or be shared by
/// replicas (the state store). Bound for one decision with `AlertSuppressor.$ledger`; the suppressor
/// then reads each group's cooldown, the storm window and the held pages from it and writes every
/// change back, keeping its memory only as a mirror. Implementations run inside one store transaction
/// that holds the suppression lock, and remember a failure for the caller to roll back (so the methods
/// do not throw).
public protocol SuppressionLedger: Sendable {
    func lastPage(group: String) -> Double?
    func lastPages() -> [String: Double]
    /// Page times after `since`, oldest first.
    func pageTimes(since: Double) -> [Double]
    func recordPage(group: String, at: Double)
    /// Holds `page` for `group`'s digest; false when `limit` pages are held already.
    func hold(_ page: DeferredPage, group: String, limit: Int) -> Bool
    /// Whether `dedupKey` was held.
    func release(dedupKey: String) -> Bool
    /// Every held page, oldest first.
    func heldPages() -> [DeferredPage]
}

extension DeferredPage {
    /// The page as a ledger stores it: `json` plus its labels.
    public var storedJSON: String {
        guard case .object(var object) = json else { return "{}" }
        object.append(
            "labels", .object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        return String(decoding: JSONValue.object(object).serialized(), as: UTF8.self)
    }

    /// Reads `storedJSON` back; nil for anything else.
    public init?(storedJSON text: String) {
        guard let value = try? JSONParser().parse(text), let key = value["dedup_key"]?.stringValue,
            let entity = value["entity"]?.stringValue, let model = value["model"]?.stringValue,
            let tier = value["tier"]?.stringValue.flatMap(AlertTier.init(name:)),
            let reason = value["held_back_by"]?.stringValue.flatMap(AlertSuppressor.Reason.init(rawValue:)),
            let since = value["held_since"]?.doubleValue
        else { return nil }
        var labels: [String: String] = [:]
        for (name, label) in value["labels"]?.objectValue ?? [:] { labels[name] = label.stringValue }
        self.init(
            dedupKey: key, entity: entity, model: model, tier: tier, risk: value["risk"]?.doubleValue ?? .nan,
            labels: labels, reason: reason, heldSince: since)
    }
}
