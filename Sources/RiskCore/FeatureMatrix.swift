/// Rows of feature values in one model's feature order, stored row-major in one flat array (NaN is a
/// missing value), so a whole request is scored with one engine call and no per-row allocation.
public struct FeatureMatrix: Sendable, Equatable {
    public let rowCount: Int
    public let columnCount: Int
    /// `rowCount × columnCount` values; row `r` starts at `r * columnCount`.
    public var values: [Double]

    /// A matrix of missing values.
    public init(rowCount: Int, columnCount: Int) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        values = [Double](repeating: .nan, count: rowCount * columnCount)
    }

    /// One row, e.g. a feature vector computed from telemetry.
    public init(row: [Double]) {
        rowCount = 1
        columnCount = row.count
        values = row
    }

    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columnCount + column] }
        set { values[row * columnCount + column] = newValue }
    }

    /// The values of one row, without copying.
    public func row(_ index: Int) -> ArraySlice<Double> {
        values[(index * columnCount)..<((index + 1) * columnCount)]
    }

    /// Missing values in one row.
    public func missingCount(row index: Int) -> Int {
        var missing = 0
        for value in row(index) where value.isNaN { missing += 1 }
        return missing
    }
}
