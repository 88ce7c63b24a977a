import HTTPRouting
import Testing

/// Route parameters behave as the dictionary they replace: a value per name, the last one set wins, and
/// equality ignores order.
@Suite struct RouteParametersTests {
    @Test func valuesAreFoundByNameAndReplacedOrRemoved() {
        var parameters: RouteParameters = ["name": "disk", "version": "3"]
        #expect(parameters["name"] == "disk" && parameters["version"] == "3" && parameters["alias"] == nil)
        parameters["name"] = "fan"
        parameters["version"] = nil
        parameters["missing"] = nil
        #expect(parameters == ["name": "fan"])
        #expect(parameters != ["name": "fan", "version": "3"])
        parameters["name"] = nil
        #expect(parameters.isEmpty)
    }

    @Test func equalityIgnoresOrder() {
        #expect(RouteParameters(dictionaryLiteral: ("a", "1"), ("b", "2")) == ["b": "2", "a": "1"])
        #expect(RouteParameters(dictionaryLiteral: ("a", "1"), ("b", "2")) != ["a": "2", "b": "1"])
    }
}
