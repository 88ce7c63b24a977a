import Synchronization

/// A metric with labels: one child series per distinct set of label values.
///
/// The label text (`route="/livez",method="GET"`) is escaped and rendered once, when a series is first
/// used, so scrapes only copy bytes. The number of series is capped: past `maxSeries` every new label
/// set shares one series whose label values are all `overflow`, so a client cannot grow memory without
/// bound by inventing label values.
public final class MetricFamily<Metric: Exposable>: Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    public let maxSeries: Int
    private let make: @Sendable () -> Metric
    private let series: Mutex<[[String]: Series]>

    struct Series {
        let labelText: String
        let metric: Metric
    }

    init(name: String, help: String, labelNames: [String], maxSeries: Int, make: @escaping @Sendable () -> Metric) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.maxSeries = maxSeries
        self.make = make
        series = Mutex([:])
    }

    /// The series for these label values, in the order of `labelNames`.
    public func labels(_ values: String...) -> Metric {
        labels(values)
    }

    public func labels(_ values: [String]) -> Metric {
        precondition(values.count == labelNames.count, "\(name) takes labels \(labelNames)")
        return series.withLock { series in
            if let existing = series[values] { return existing.metric }
            var key = values
            if series.count >= maxSeries {
                key = [String](repeating: "overflow", count: values.count)
                if let overflow = series[key] { return overflow.metric }
            }
            let created = Series(labelText: PrometheusText.labelText(names: labelNames, values: key), metric: make())
            series[key] = created
            return created.metric
        }
    }

    /// Drops the series whose label values (in `labelNames` order) match `predicate`, e.g. those of a model
    /// version no longer loaded, so a long-running process does not keep every label value it ever saw.
    /// Holders of a dropped series may keep counting into it; it is no longer rendered.
    public func removeSeries(where predicate: ([String]) -> Bool) {
        series.withLock { series in
            for key in series.keys where predicate(key) { series[key] = nil }
        }
    }

    func render(into output: inout [UInt8]) {
        // Copy under the lock, sort outside it: requests resolving a series never wait for a scrape.
        let sorted = series.withLock { Array($0.values) }.sorted { $0.labelText < $1.labelText }
        PrometheusText.header(name: name, help: help, type: Metric.prometheusType, into: &output)
        for entry in sorted {
            entry.metric.render(name: name, labelText: entry.labelText, into: &output)
        }
    }
}

/// A metric kind that can write its samples in the Prometheus text format.
public protocol Exposable: Sendable {
    static var prometheusType: String { get }
    func render(name: String, labelText: String, into output: inout [UInt8])
}

extension Counter: Exposable {
    public static var prometheusType: String { "counter" }

    public func render(name: String, labelText: String, into output: inout [UInt8]) {
        PrometheusText.sample(name: name, labelText: labelText, value: Double(current), into: &output)
    }
}

extension Gauge: Exposable {
    public static var prometheusType: String { "gauge" }

    public func render(name: String, labelText: String, into output: inout [UInt8]) {
        PrometheusText.sample(name: name, labelText: labelText, value: current, into: &output)
    }
}

extension Histogram: Exposable {
    public static var prometheusType: String { "histogram" }

    public func render(name: String, labelText: String, into output: inout [UInt8]) {
        let snapshot = snapshot()
        let prefix = labelText.isEmpty ? "" : labelText + ","
        for (index, count) in snapshot.cumulativeCounts.enumerated() {
            let bound = index < snapshot.upperBounds.count ? PrometheusText.format(snapshot.upperBounds[index]) : "+Inf"
            PrometheusText.sample(
                name: name + "_bucket", labelText: prefix + "le=\"\(bound)\"", value: Double(count), into: &output)
        }
        PrometheusText.sample(name: name + "_sum", labelText: labelText, value: snapshot.sum, into: &output)
        PrometheusText.sample(name: name + "_count", labelText: labelText, value: Double(snapshot.count), into: &output)
    }
}
