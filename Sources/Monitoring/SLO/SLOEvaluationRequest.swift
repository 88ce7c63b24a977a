import JSON

/// The body of an SLO evaluation request, decoded and validated with path-aware errors so the HTTP layer
/// can return a 400 naming the exact field.
///
/// ```json
/// {"target": 0.999, "window_seconds": 2592000, "good": 9995, "total": 10000,
///  "windows": {"5m": {"good": 1, "total": 1}, "1h": {...}},
///  "confidence": 0.95,
///  "compare": {"availability_a": 0.999, "availability_b": 0.9995, "power": 0.8, "alpha": 0.05}}
/// ```
/// `windows`, `confidence` (default 0.95) and `compare` are optional. Window names are free-form; the
/// default rules read "5m", "30m", "1h", "6h" and "3d".
public struct SLOEvaluationRequest: Sendable, Equatable {
    /// The availability comparison for the sample-size calculation.
    public struct Comparison: Sendable, Equatable {
        public let availabilityA: Double
        public let availabilityB: Double
        public let power: Double
        public let alpha: Double
    }

    public let target: Double
    public let windowSeconds: Double
    public let good: Int
    public let total: Int
    public let windows: [String: BurnRate.WindowCounts]
    public let confidence: Double
    public let compare: Comparison?

    public init(
        target: Double, windowSeconds: Double, good: Int, total: Int,
        windows: [String: BurnRate.WindowCounts] = [:], confidence: Double = 0.95, compare: Comparison? = nil
    ) {
        self.target = target
        self.windowSeconds = windowSeconds
        self.good = good
        self.total = total
        self.windows = windows
        self.confidence = confidence
        self.compare = compare
    }

    /// Decodes and validates a request body.
    public init(json: JSONValue) throws(JSONDecodingError) {
        let object = try json.object(at: "")
        let target = try Self.openUnit(object, "target", at: "")
        let windowSeconds = try object.require("window_seconds", at: "").double(at: "window_seconds")
        guard windowSeconds > 0, windowSeconds.isFinite else {
            throw JSONDecodingError(path: "window_seconds", message: "must be a positive number of seconds")
        }
        let counts = try Self.counts(object, at: "")
        var windows: [String: BurnRate.WindowCounts] = [:]
        if let value = object.optional("windows") {
            for (name, window) in try value.object(at: "windows") {
                let path = JSONObject.join("windows", name)
                windows[name] = try Self.counts(try window.object(at: path), at: path)
            }
        }
        var confidence = 0.95
        if object.optional("confidence") != nil { confidence = try Self.openUnit(object, "confidence", at: "") }
        var compare: Comparison?
        if let value = object.optional("compare") {
            let comparison = try value.object(at: "compare")
            let a = try Self.openUnit(comparison, "availability_a", at: "compare")
            let b = try Self.openUnit(comparison, "availability_b", at: "compare")
            guard a != b else {
                throw JSONDecodingError(path: "compare", message: "availability_a and availability_b must differ")
            }
            compare = Comparison(
                availabilityA: a, availabilityB: b,
                power: comparison.optional("power") == nil
                    ? 0.8 : try Self.openUnit(comparison, "power", at: "compare"),
                alpha: comparison.optional("alpha") == nil
                    ? 0.05 : try Self.openUnit(comparison, "alpha", at: "compare"))
        }
        self.init(
            target: target, windowSeconds: windowSeconds, good: counts.good, total: counts.total, windows: windows,
            confidence: confidence, compare: compare)
    }

    /// A number strictly between 0 and 1.
    private static func openUnit(_ object: JSONObject, _ key: String, at path: String) throws(JSONDecodingError)
        -> Double
    {
        let fieldPath = JSONObject.join(path, key)
        let value = try object.require(key, at: path).double(at: fieldPath)
        guard value > 0, value < 1 else {
            throw JSONDecodingError(path: fieldPath, message: "must be strictly between 0 and 1")
        }
        return value
    }

    /// `good` and `total` as non-negative integers with good ≤ total.
    private static func counts(_ object: JSONObject, at path: String) throws(JSONDecodingError)
        -> BurnRate.WindowCounts
    {
        let goodPath = JSONObject.join(path, "good")
        let totalPath = JSONObject.join(path, "total")
        let good = try object.require("good", at: path).int(at: goodPath)
        let total = try object.require("total", at: path).int(at: totalPath)
        guard good >= 0 else { throw JSONDecodingError(path: goodPath, message: "must not be negative") }
        guard total >= 0 else { throw JSONDecodingError(path: totalPath, message: "must not be negative") }
        guard good <= total else {
            throw JSONDecodingError(path: goodPath, message: "must not exceed total (\(good) > \(total))")
        }
        return BurnRate.WindowCounts(good: good, total: total)
    }
}
