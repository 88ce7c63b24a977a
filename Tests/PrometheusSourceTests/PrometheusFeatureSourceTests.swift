import JSON
import Testing

@testable import PrometheusSource

/// The `prometheus_sources` declaration: what parses, and the errors that name the wrong field.
@Suite struct PrometheusFeatureSourceTests {
    static func parse(_ text: String) throws -> [PrometheusFeatureSource] {
        try PrometheusFeatureSource.parseList(try JSONParser().parse(text), at: "prometheus_sources")
    }

    static func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "parsed"
        } catch {
            return "\(error)"
        }
    }

    @Test func aDeclarationParsesInOrder() throws {
        let sources = try Self.parse(
            #"""
            [{"model": "disk-failure", "entity_label": "instance", "interval_seconds": 60,
              "features": {"smart_5_raw": "max_over_time(smartctl_device_attribute{attribute_id=\"5\"}[1h])",
                           "temp": "avg_over_time(smartctl_device_temperature[15m])"}}]
            """#)
        #expect(sources.count == 1)
        #expect(sources[0].model == "disk-failure")
        #expect(sources[0].entityLabel == "instance")
        #expect(sources[0].intervalSeconds == 60)
        #expect(sources[0].features.map(\.name) == ["smart_5_raw", "temp"])
        #expect(sources[0].features[0].query == #"max_over_time(smartctl_device_attribute{attribute_id="5"}[1h])"#)
    }

    @Test func mistakesAreNamedByPath() {
        let base = #""model": "m", "entity_label": "instance", "interval_seconds": 60, "features": {"f": "up"}"#
        #expect(Self.error("{}") == "prometheus_sources: expected array, got object")
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "", "interval_seconds": 60, "features": {"f": "up"}}]"#)
                .hasPrefix("prometheus_sources[0].entity_label: \"\" is not a Prometheus label name"))
        #expect(
            Self.error(
                #"[{"model": "m", "entity_label": "__name__", "interval_seconds": 60, "features": {"f": "up"}}]"#
            )
            .hasPrefix("prometheus_sources[0].entity_label:"))
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "1x", "interval_seconds": 60, "features": {"f": "up"}}]"#)
                .hasPrefix("prometheus_sources[0].entity_label:"))
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "i", "interval_seconds": 0.5, "features": {"f": "up"}}]"#)
                == "prometheus_sources[0].interval_seconds: expected 1...86400 seconds, got 0.5")
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "i", "interval_seconds": 90000, "features": {"f": "up"}}]"#)
                .hasPrefix("prometheus_sources[0].interval_seconds: expected 1...86400"))
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "i", "interval_seconds": 60, "features": {}}]"#)
                .hasPrefix("prometheus_sources[0].features: expected 1..."))
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "i", "interval_seconds": 60, "features": {"f": " "}}]"#)
                .hasPrefix("prometheus_sources[0].features.f: expected a PromQL expression"))
        #expect(
            Self.error(#"[{"model": "m", "entity_label": "i", "interval_seconds": 60, "features": {"f": 1}}]"#)
                == "prometheus_sources[0].features.f: expected string, got number")
        #expect(
            Self.error("[{\(base), \"interval_second\": 5}]").hasPrefix(
                "prometheus_sources[0].interval_second: unknown key"))
        #expect(
            Self.error(#"[{"entity_label": "i", "interval_seconds": 60, "features": {"f": "up"}}]"#)
                == "prometheus_sources[0].model: is required")
        #expect(
            Self.error("[{\(base)}, {\(base)}]")
                == "prometheus_sources[1].model: model \"m\" already has a Prometheus source; declare each model once")
    }

    @Test func declaredFeaturesMustBeTheModelsOwn() throws {
        let source = try Self.parse(
            #"[{"model": "m", "entity_label": "i", "interval_seconds": 60, "features": {"a": "up", "zz": "up"}}]"#)[0]
        #expect(throws: JSONDecodingError.self) { try source.validate(modelFeatures: ["a", "b"], at: "p[0]") }
        do {
            try source.validate(modelFeatures: ["a", "b"], at: "p[0]")
        } catch {
            #expect(error.description == "p[0].features.zz: model \"m\" has no feature \"zz\" (its features: a, b)")
        }
        try source.validate(modelFeatures: ["zz", "a", "b"], at: "p[0]")
        #expect(source.undeclared(modelFeatures: ["zz", "a", "b"]) == ["b"])
    }
}
