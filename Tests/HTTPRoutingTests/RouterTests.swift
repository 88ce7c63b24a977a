import HTTPCore
import HTTPRouting
import Testing

@Suite struct RouterTests {
    func router() -> Router<String> {
        var router = Router<String>()
        router.add(.GET, "/livez", "livez")
        router.add(.POST, "/v1/models/{name}/predict", "predict")
        router.add(.POST, "/v1/models/{name}/versions/{version}/predict", "predict-version")
        router.add(.GET, "/v1/models/{name}", "model")
        router.add(.GET, "/v1/models/list", "list")
        router.add(.DELETE, "/v1/models/{name}", "delete-model")
        return router
    }

    @Test func matchesLiteralAndParameterSegments() {
        guard
            case .found(let handler, let parameters, let template) =
                router().match(.POST, path: "/v1/models/disk%20fail/versions/3/predict")
        else {
            Issue.record("expected a match")
            return
        }
        #expect(handler == "predict-version")
        #expect(parameters == ["name": "disk fail", "version": "3"])
        #expect(template == "/v1/models/{name}/versions/{version}/predict")
    }

    @Test func literalWinsOverParameter() {
        guard case .found(let handler, let parameters, _) = router().match(.GET, path: "/v1/models/list") else {
            Issue.record("expected a match")
            return
        }
        #expect(handler == "list")
        #expect(parameters.isEmpty)
    }

    @Test func backtracksFromLiteralToParameter() {
        guard case .found(let handler, let parameters, _) = router().match(.POST, path: "/v1/models/list/predict")
        else {
            Issue.record("expected a match")
            return
        }
        #expect(handler == "predict")
        #expect(parameters == ["name": "list"])
    }

    @Test func wrongMethodListsAllowedMethodsWithHeadForGet() {
        guard case .methodNotAllowed(let allowed, let template) = router().match(.PUT, path: "/v1/models/x") else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == [.GET, .DELETE, .HEAD])
        #expect(template == "/v1/models/{name}")
    }

    @Test func headIsServedByTheGetHandler() {
        guard case .found(let handler, _, _) = router().match(.HEAD, path: "/livez") else {
            Issue.record("expected a match")
            return
        }
        #expect(handler == "livez")
    }

    @Test(arguments: ["/nope", "/livez/", "/v1/models", "/v1/models//predict", "", "/livez/extra"])
    func unknownPathsAreNotFound(path: String) {
        guard case .notFound = router().match(.GET, path: path) else {
            Issue.record("expected 404 for \(path)")
            return
        }
    }

    @Test func routesListsRegistrationOrder() {
        #expect(router().routes.map(\.template).prefix(2) == ["/livez", "/v1/models/{name}/predict"])
    }
}
