import HTTPCore

/// Maps method + path to a handler through a path-template trie stored as plain arrays.
///
/// Templates are literal segments and `{param}` segments: `/v1/models/{name}/versions/{version}/predict`.
/// A literal segment wins over a parameter at the same depth, with backtracking, so `/v1/models/list` and
/// `/v1/models/{name}` coexist. Metrics label requests by the matched template, never by the raw path.
public struct Router<Handler: Sendable>: Sendable {
    struct Node: Sendable {
        var literals: [(segment: String, node: Int)] = []
        var parameter: (name: String, node: Int)?
        var endpoints: [(method: HTTPMethod, handler: Int)] = []
        var template: String?
        /// The template's `{param}` names in order, computed once at registration.
        var parameterNames: [String] = []
    }

    private var nodes: [Node] = [Node()]
    private var handlers: [Handler] = []
    public private(set) var routes: [(method: HTTPMethod, template: String)] = []

    public init() {}

    /// Registers `handler` for `method` on `template`; registering the same pair twice is a programming error.
    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: Handler) {
        var current = 0
        for segment in Self.segments(of: template) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2 {
                let name = String(segment.dropFirst().dropLast())
                if let parameter = nodes[current].parameter {
                    precondition(parameter.name == name, "\(template): conflicting parameter names at one depth")
                    current = parameter.node
                } else {
                    nodes.append(Node())
                    nodes[current].parameter = (name: name, node: nodes.count - 1)
                    current = nodes.count - 1
                }
            } else if let existing = nodes[current].literals.first(where: { $0.segment == segment }) {
                current = existing.node
            } else {
                nodes.append(Node())
                nodes[current].literals.append((segment: String(segment), node: nodes.count - 1))
                current = nodes.count - 1
            }
        }
        precondition(!nodes[current].endpoints.contains { $0.method == method }, "\(method) \(template) added twice")
        handlers.append(handler)
        nodes[current].endpoints.append((method: method, handler: handlers.count - 1))
        nodes[current].template = template
        nodes[current].parameterNames = Self.segments(of: template).filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
            .map { String($0.dropFirst().dropLast()) }
        routes.append((method: method, template: template))
    }

    /// The handler for `method` on `path` (raw, not percent-decoded); HEAD falls back to the GET handler.
    public func match(_ method: HTTPMethod, path: String) -> RouteMatch<Handler> {
        var values: [Substring] = []
        let segments: Substring? =
            path == "/" || path.isEmpty ? nil : path.hasPrefix("/") ? path.dropFirst() : path[...]
        guard let node = find(segments, from: 0, values: &values) else { return .notFound }
        let endpoints = nodes[node].endpoints
        let template = nodes[node].template ?? path
        let chosen =
            endpoints.first { $0.method == method }
            ?? (method == .HEAD ? endpoints.first { $0.method == .GET } : nil)
        guard let chosen else {
            var allowed = endpoints.map(\.method)
            if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
            return .methodNotAllowed(allowed: allowed, template: template)
        }
        var parameters: [String: String] = [:]
        for (name, value) in zip(nodes[node].parameterNames, values) {
            let text = String(value)
            parameters[name] =
                value.utf8.contains(UInt8(ascii: "%")) ? PercentDecoding.decode(text, plusAsSpace: false) : text
        }
        return .found(handlers[chosen.handler], parameters: parameters, template: template)
    }

    /// Depth-first search preferring literals; collects parameter values along the successful branch.
    /// `segments` is the rest of the path after a `/` ("a/b"), nil once every segment is consumed; segments
    /// are found by index, so matching copies no part of the path.
    private func find(_ segments: Substring?, from node: Int, values: inout [Substring]) -> Int? {
        guard let segments else { return nodes[node].endpoints.isEmpty ? nil : node }
        let slash = segments.utf8.firstIndex(of: UInt8(ascii: "/"))
        let segment = segments[..<(slash ?? segments.endIndex)]
        let rest = slash.map { segments[segments.index(after: $0)...] }
        if let literal = nodes[node].literals.first(where: { $0.segment.utf8.elementsEqual(segment.utf8) }),
            let found = find(rest, from: literal.node, values: &values)
        {
            return found
        }
        guard let parameter = nodes[node].parameter, !segment.isEmpty else { return nil }
        values.append(segment)
        if let found = find(rest, from: parameter.node, values: &values) { return found }
        values.removeLast()
        return nil
    }

    /// "/a/b" → ["a", "b"]; "/" → []; a trailing slash yields an empty last segment (which never matches).
    private static func segments(of path: String) -> [Substring] {
        guard path != "/" && !path.isEmpty else { return [] }
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return trimmed.split(separator: "/", omittingEmptySubsequences: false)
    }
}
