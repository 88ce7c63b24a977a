import HTTPCore
import JSON

/// A decoded `POST .../predict` body: `{"instances": [{"features": {"name": number|null}, "entity"?: id}]}`.
/// Features stay as name/value pairs until a model version is chosen, because the version decides the
/// feature order and which names are unknown.
struct PredictionRequest: Sendable {
    struct Instance: Sendable {
        var features: [(name: String, value: Double)]
        var entity: String?
    }

    static let maxInstances = 10_000
    var instances: [Instance]

    init(_ body: JSONObject) throws(HTTPResponseError) {
        guard let list = body["instances"] else { throw HTTPResponseError.badRequest("instances: required") }
        guard case .array(let items) = list else { throw HTTPResponseError.badRequest("instances: expected an array") }
        guard !items.isEmpty else { throw HTTPResponseError.badRequest("instances: must not be empty") }
        guard items.count <= Self.maxInstances else {
            throw HTTPResponseError(
                .contentTooLarge, "too_many_instances", "at most \(Self.maxInstances) instances per request")
        }
        instances = []
        instances.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let path = "instances[\(index)]"
            guard case .object(let object) = item else {
                throw HTTPResponseError.badRequest("\(path): expected an object")
            }
            guard case .object(let features)? = object["features"] else {
                throw HTTPResponseError.badRequest(
                    "\(path).features: required, an object of feature name to number or null")
            }
            var pairs: [(name: String, value: Double)] = []
            pairs.reserveCapacity(features.count)
            for (name, value) in features {
                switch value {
                case .number(let number): pairs.append((name, number))
                case .null: pairs.append((name, .nan))
                default:
                    throw HTTPResponseError.badRequest(
                        "\(path).features.\(name): expected a number or null, got \(value.typeName)")
                }
            }
            var entity: String?
            if let value = object["entity"], !value.isNull {
                guard case .string(let text) = value else {
                    throw HTTPResponseError.badRequest("\(path).entity: expected a string")
                }
                entity = text
            }
            instances.append(Instance(features: pairs, entity: entity))
        }
    }

    /// The instance's values in `order` (NaN = missing) and the names the model does not know.
    static func vector(_ instance: Instance, index: [String: Int], count: Int) -> (values: [Double], unknown: [String])
    {
        var values = [Double](repeating: .nan, count: count)
        var unknown: [String] = []
        for (name, value) in instance.features {
            if let position = index[name] { values[position] = value } else { unknown.append(name) }
        }
        return (values, unknown)
    }
}
