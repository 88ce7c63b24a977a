import Features
import HTTPCore
import JSON
import TimeFormat

/// A decoded telemetry body for one entity: `{"points": [{"metric", "timestamp", "value"}], "labels"?: {}}`.
/// Timestamps are Unix seconds or RFC 3339 strings. Structural errors reject the whole body (nothing is
/// stored); individual bad values are counted by the store as rejected, so one bad point never loses the rest.
/// A timestamp more than `maxClockSkew` seconds ahead of the server clock (2099, 1e308) rejects the body
/// with 422: one such point would otherwise move the entity's windows past every real point. (Non-finite
/// numbers never get this far: the JSON parser refuses them.)
struct TelemetryBatch: Sendable {
    static let maxPoints = 10_000
    static let maxMetricNameBytes = 200

    var points: [MetricPoint]
    var labels: [String: String]

    init(_ body: JSONObject, at path: String = "", now: Double, maxClockSkew: Double) throws(HTTPResponseError) {
        let prefix = path.isEmpty ? "" : path + "."
        guard case .array(let items)? = body["points"] else {
            throw HTTPResponseError.badRequest("\(prefix)points: required, an array")
        }
        guard items.count <= Self.maxPoints else {
            throw HTTPResponseError(
                .contentTooLarge, "too_many_points", "\(prefix)points: at most \(Self.maxPoints) per request")
        }
        points = []
        points.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let at = "\(prefix)points[\(index)]"
            guard case .object(let point) = item else {
                throw HTTPResponseError.badRequest("\(at): expected an object")
            }
            guard case .string(let metric)? = point["metric"], !metric.isEmpty,
                metric.utf8.count <= Self.maxMetricNameBytes
            else {
                throw HTTPResponseError.badRequest("\(at).metric: required, a non-empty string of at most 200 bytes")
            }
            guard case .number(let value)? = point["value"] else {
                throw HTTPResponseError.badRequest("\(at).value: required, a number")
            }
            let timestamp: Double
            switch point["timestamp"] {
            case .number(let seconds)?: timestamp = seconds
            case .string(let text)?:
                guard let parsed = UTCDateTime(rfc3339: text) else {
                    throw HTTPResponseError.badRequest("\(at).timestamp: not an RFC 3339 time: \(text)")
                }
                timestamp = parsed.unixSeconds
            default: throw HTTPResponseError.badRequest("\(at).timestamp: required, Unix seconds or an RFC 3339 string")
            }
            guard timestamp <= now + maxClockSkew else {
                throw HTTPResponseError(
                    .unprocessableContent, "timestamp_in_future",
                    "\(at).timestamp: \(timestamp) is more than \(maxClockSkew) s ahead of the server clock "
                        + "(\(now)); check the sender's clock, or raise --max-clock-skew")
            }
            points.append(MetricPoint(metric: metric, timestamp: timestamp, value: value))
        }
        labels = [:]
        if let value = body["labels"], !value.isNull {
            guard case .object(let object) = value else {
                throw HTTPResponseError.badRequest("\(prefix)labels: expected an object")
            }
            for (key, value) in object {
                guard case .string(let text) = value else {
                    throw HTTPResponseError.badRequest("\(prefix)labels.\(key): expected a string")
                }
                labels[key] = text
            }
        }
    }
}

extension IngestReport {
    var json: JSONValue {
        [
            "accepted": .number(Double(accepted)), "replaced": .number(Double(replaced)),
            "rejected_too_old": .number(Double(rejectedTooOld)), "rejected_invalid": .number(Double(rejectedInvalid)),
            "rejected_limit": .number(Double(rejectedLimit)),
        ]
    }
}
