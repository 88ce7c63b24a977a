import Metrics
import Testing

@Suite struct MetricsRegistryTests {
    func text(_ registry: MetricsRegistry) -> String {
        String(decoding: registry.exposition(), as: UTF8.self)
    }

    @Test func rendersCountersAndGaugesSortedByName() {
        let registry = MetricsRegistry()
        let requests = registry.counterFamily("riskd_requests_total", help: "Requests.", labelNames: ["route"])
        registry.gauge("riskd_connections", help: "Open connections.").set(3)
        requests.labels("/b").increment()
        requests.labels("/a").increment(by: 2)
        #expect(
            text(registry) == """
                # HELP riskd_connections Open connections.
                # TYPE riskd_connections gauge
                riskd_connections 3
                # HELP riskd_requests_total Requests.
                # TYPE riskd_requests_total counter
                riskd_requests_total{route="/a"} 2
                riskd_requests_total{route="/b"} 1

                """)
    }

    @Test func histogramBucketsAreCumulativeWithInf() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("riskd_x_seconds", help: "X.", buckets: [0.1, 1])
        for value in [0.05, 0.1, 0.5, 2] { histogram.observe(value) }
        #expect(
            text(registry) == """
                # HELP riskd_x_seconds X.
                # TYPE riskd_x_seconds histogram
                riskd_x_seconds_bucket{le="0.1"} 2
                riskd_x_seconds_bucket{le="1"} 3
                riskd_x_seconds_bucket{le="+Inf"} 4
                riskd_x_seconds_sum 2.65
                riskd_x_seconds_count 4

                """)
    }

    @Test func escapesLabelValuesAndHelp() {
        let registry = MetricsRegistry()
        registry.counterFamily("riskd_e_total", help: "a\\b\nc", labelNames: ["v"]).labels("q\"\\\n").increment()
        #expect(text(registry).contains(#"# HELP riskd_e_total a\\b\nc"#))
        #expect(text(registry).contains(#"riskd_e_total{v="q\"\\\n"} 1"#))
    }

    @Test func sameNameAndKindIsShared() {
        let registry = MetricsRegistry()
        let first = registry.counter("riskd_shared_total", help: "S.")
        let second = registry.counter("riskd_shared_total", help: "S.")
        first.increment()
        #expect(second.current == 1)
    }

    @Test func seriesBeyondTheCapShareAnOverflowSeries() {
        let registry = MetricsRegistry(maxSeriesPerFamily: 3)
        let family = registry.counterFamily("riskd_c_total", help: "C.", labelNames: ["k"])
        for index in 0..<10 { family.labels("v\(index)").increment() }
        let output = text(registry)
        #expect(output.contains(#"riskd_c_total{k="overflow"} 7"#))
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("riskd_c_total{") }.count == 4)
    }

    @Test func gaugesAddConcurrentlyWithoutLosingUpdates() async {
        let gauge = MetricsRegistry().gauge("riskd_g", help: "G.")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { for _ in 0..<10_000 { gauge.add(1) } } }
        }
        #expect(gauge.current == 80_000)
    }

    @Test func computedMetricsAndProcessMetrics() {
        let registry = MetricsRegistry()
        ProcessMetrics.register(on: registry)
        registry.collect("riskd_queue_length", help: "Q.", type: "gauge", labelNames: ["queue"]) {
            [(["b"], 2), (["a"], 1)]
        }
        let output = text(registry)
        #expect(output.contains("riskd_queue_length{queue=\"a\"} 1\nriskd_queue_length{queue=\"b\"} 2\n"))
        #expect(ProcessMetrics.residentMemoryBytes() > 1_000_000)
        let cpuLine = output.split(separator: "\n").first { $0.hasPrefix("process_cpu_seconds_total ") }
        #expect(cpuLine != nil)
        #expect(output.contains("process_open_fds "))
    }

    @Test func removedSeriesAreNoLongerRendered() {
        let registry = MetricsRegistry()
        let predictions = registry.counterFamily(
            "riskd_predictions_total", help: "Predictions.", labelNames: ["model", "version"])
        predictions.labels("disk", "1").increment()
        predictions.labels("disk", "2").increment(by: 3)
        predictions.removeSeries { $0[1] == "1" }
        #expect(!text(registry).contains(#"version="1""#))
        #expect(text(registry).contains(#"riskd_predictions_total{model="disk",version="2"} 3"#))
        // Asked for again, a removed series starts over from zero (a counter reset, as after a restart).
        predictions.labels("disk", "1").increment()
        #expect(text(registry).contains(#"riskd_predictions_total{model="disk",version="1"} 1"#))
    }
}
