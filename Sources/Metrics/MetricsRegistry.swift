import Synchronization

/// The set of metrics a process exposes at `/metrics`.
///
/// Components ask the registry for their metrics once, at start-up, and keep the returned objects; the
/// hot path then touches only atomics. Asking twice for the same name and kind returns the same family,
/// so independent components can share a metric. A scrape renders families sorted by name and series
/// sorted by label text, so the output is stable and diffable.
public final class MetricsRegistry: Sendable {
    private let families: Mutex<[String: Entry]>
    public let maxSeriesPerFamily: Int

    enum Entry: @unchecked Sendable {
        case family(kind: String, labelNames: [String], object: AnyObject, render: @Sendable (inout [UInt8]) -> Void)
        case function(render: @Sendable (inout [UInt8]) -> Void)
    }

    public init(maxSeriesPerFamily: Int = 2_000) {
        self.maxSeriesPerFamily = maxSeriesPerFamily
        families = Mutex([:])
    }

    public func counterFamily(_ name: String, help: String, labelNames: [String]) -> MetricFamily<Counter> {
        family(name, help: help, labelNames: labelNames) { Counter() }
    }

    public func gaugeFamily(_ name: String, help: String, labelNames: [String]) -> MetricFamily<Gauge> {
        family(name, help: help, labelNames: labelNames) { Gauge() }
    }

    public func histogramFamily(
        _ name: String, help: String, labelNames: [String], buckets: [Double] = Histogram.latencyBuckets
    ) -> MetricFamily<Histogram> {
        precondition(buckets == buckets.sorted() && !buckets.isEmpty, "\(name): buckets must be sorted")
        return family(name, help: help, labelNames: labelNames) { Histogram(upperBounds: buckets) }
    }

    public func counter(_ name: String, help: String) -> Counter {
        counterFamily(name, help: help, labelNames: []).labels([])
    }

    public func gauge(_ name: String, help: String) -> Gauge {
        gaugeFamily(name, help: help, labelNames: []).labels([])
    }

    public func histogram(_ name: String, help: String, buckets: [Double] = Histogram.latencyBuckets) -> Histogram {
        histogramFamily(name, help: help, labelNames: [], buckets: buckets).labels([])
    }

    /// A metric computed at scrape time, e.g. resident memory or a queue length owned by another component.
    /// `samples` returns label values (in `labelNames` order) and the value of each series.
    public func collect(
        _ name: String, help: String, type: String, labelNames: [String] = [],
        samples: @escaping @Sendable () -> [([String], Double)]
    ) {
        precondition(["counter", "gauge"].contains(type), "\(name): computed metrics are counters or gauges")
        validate(name, labelNames)
        let render: @Sendable (inout [UInt8]) -> Void = { output in
            PrometheusText.header(name: name, help: help, type: type, into: &output)
            let rows = samples().map { (PrometheusText.labelText(names: labelNames, values: $0.0), $0.1) }
            for (labelText, value) in rows.sorted(by: { $0.0 < $1.0 }) {
                PrometheusText.sample(name: name, labelText: labelText, value: value, into: &output)
            }
        }
        families.withLock { families in
            precondition(families[name] == nil, "metric \(name) registered twice")
            families[name] = .function(render: render)
        }
    }

    /// The whole exposition, ready to send with `PrometheusText.contentType`.
    public func exposition() -> [UInt8] {
        let renderers = families.withLock { families in
            families.sorted { $0.key < $1.key }.map { entry -> @Sendable (inout [UInt8]) -> Void in
                switch entry.value {
                case .family(_, _, _, let render): return render
                case .function(let render): return render
                }
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(16 * 1024)
        for render in renderers { render(&output) }
        return output
    }

    private func family<Metric: Exposable>(
        _ name: String, help: String, labelNames: [String], make: @escaping @Sendable () -> Metric
    ) -> MetricFamily<Metric> {
        validate(name, labelNames)
        return families.withLock { families in
            if case .family(let kind, let names, let object, _)? = families[name] {
                precondition(
                    kind == Metric.prometheusType && names == labelNames,
                    "metric \(name) registered twice with different kinds or labels")
                return object as! MetricFamily<Metric>
            }
            precondition(families[name] == nil, "metric \(name) registered twice")
            let created = MetricFamily(
                name: name, help: help, labelNames: labelNames, maxSeries: maxSeriesPerFamily, make: make)
            families[name] = .family(
                kind: Metric.prometheusType, labelNames: labelNames, object: created,
                render: { created.render(into: &$0) })
            return created
        }
    }

    private func validate(_ name: String, _ labelNames: [String]) {
        precondition(PrometheusText.isValidName(name, allowColon: false), "invalid metric name \(name)")
        for label in labelNames {
            precondition(
                PrometheusText.isValidName(label, allowColon: false) && !label.hasPrefix("__") && label != "le",
                "invalid label name \(label)")
        }
    }
}
