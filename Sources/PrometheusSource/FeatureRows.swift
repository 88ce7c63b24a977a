/// Instant vectors of one evaluation joined into one row per entity: the entity is the value of the
/// source's entity label, each declared feature fills its column, and anything absent is a missing value
/// (NaN), exactly like a missing feature in a predict request.
///
/// A feature whose query returns two series for the same entity (say, one per disk of a host when the
/// entity is the host) has no single value: the entity's value is missing and the feature is reported in
/// `ambiguous`, so the operator aggregates in PromQL (`max by (instance) (...)`). Series without the entity
/// label are counted in `unlabeled` and skipped. Non-finite values (NaN, ±Inf) are missing too: no model was
/// trained on them.
public struct FeatureRows: Sendable {
    /// Column names, in the order the caller asked for (the model's feature order).
    public let columns: [String]
    /// Entity names, sorted, one per row.
    public let entities: [String]
    /// `entities.count × columns.count` values, row-major; NaN is missing.
    public let values: [Double]
    /// Per row: the labels of the entity's first series in column order (for alert routing and grouping).
    public let labels: [[String: String]]
    /// Feature → how many entities it had more than one series for.
    public let ambiguous: [String: Int]
    /// Series skipped for lacking the entity label (or having an empty one).
    public let unlabeled: Int

    /// Joins `results` (feature name → its vector; names not in `columns` are ignored).
    public init(joining results: [String: InstantVector], entityLabel: String, columns: [String]) {
        self.columns = columns
        var byEntity: [String: Row] = [:]
        var duplicates: [String: Set<String>] = [:]
        var unlabeled = 0
        for (column, name) in columns.enumerated() {
            guard let vector = results[name] else { continue }
            for sample in vector.samples {
                guard let entity = sample.labels[entityLabel], !entity.isEmpty else {
                    unlabeled += 1
                    continue
                }
                // In place (no copy of the row per sample).
                let unique = byEntity[entity, default: Row(width: columns.count, labels: sample.labels)]
                    .record(sample.value, column: column)
                if !unique { duplicates[name, default: []].insert(entity) }
            }
        }
        let entities = byEntity.keys.sorted()
        self.entities = entities
        var values: [Double] = []
        values.reserveCapacity(entities.count * columns.count)
        for entity in entities { values.append(contentsOf: byEntity[entity]?.values ?? []) }
        self.values = values
        labels = entities.map { byEntity[$0]?.labels ?? [:] }
        ambiguous = duplicates.mapValues(\.count)
        self.unlabeled = unlabeled
    }

    /// One entity while joining: its values, which columns had a series, and its first series' labels.
    private struct Row {
        var values: [Double]
        var seen: [Bool]
        let labels: [String: String]

        init(width: Int, labels: [String: String]) {
            values = [Double](repeating: .nan, count: width)
            seen = [Bool](repeating: false, count: width)
            self.labels = labels
        }

        /// Sets the column; false when it already had a series (then the value becomes missing).
        mutating func record(_ value: Double, column: Int) -> Bool {
            guard !seen[column] else {
                values[column] = .nan
                return false
            }
            seen[column] = true
            values[column] = value.isFinite ? value : .nan
            return true
        }
    }
}
