import HTTPCore

/// The path-template trie behind `Router`, kept apart from the handler type so the per-request matching
/// is one concrete (non-generic) function that walks the path's UTF-8 bytes in place.
///
/// Matching allocates nothing until it builds the parameters of a found route: segments are byte ranges
/// of the path, literals are compared as bytes, and which segments the successful branch took as
/// parameters is kept in a bit mask rather than a list.
struct RouteTrie: Sendable {
    struct Node: Sendable {
        var literals: [(segment: [UInt8], node: Int)] = []
        var parameter: (name: String, node: Int)?
        /// The methods registered here and the index of each one's route (its position in `Router.routes`).
        var endpoints: [(method: HTTPMethod, route: Int)] = []
        var template: String?
        /// The template's `{param}` names in order, computed once at registration.
        var parameterNames: [String] = []
    }

    /// Parameter positions are bits of a `UInt64`, so templates are at most this deep.
    static let maxDepth = 64

    private var nodes: [Node] = [Node()]

    /// Registers route number `route` for `method` on `template`; the same pair twice is a programming error.
    mutating func add(_ method: HTTPMethod, _ template: String, route: Int) {
        let segments = Self.segments(of: template)
        precondition(segments.count <= Self.maxDepth, "\(template): more than \(Self.maxDepth) segments")
        var current = 0
        for segment in segments {
            if let name = Self.parameterName(segment) {
                if let parameter = nodes[current].parameter {
                    precondition(parameter.name == name, "\(template): conflicting parameter names at one depth")
                    current = parameter.node
                } else {
                    nodes.append(Node())
                    nodes[current].parameter = (name: name, node: nodes.count - 1)
                    current = nodes.count - 1
                }
            } else if let existing = nodes[current].literals.first(where: { $0.segment.elementsEqual(segment.utf8) }) {
                current = existing.node
            } else {
                nodes.append(Node())
                nodes[current].literals.append((segment: Array(segment.utf8), node: nodes.count - 1))
                current = nodes.count - 1
            }
        }
        precondition(!nodes[current].endpoints.contains { $0.method == method }, "\(method) \(template) added twice")
        nodes[current].endpoints.append((method: method, route: route))
        nodes[current].template = template
        nodes[current].parameterNames = segments.compactMap(Self.parameterName)
    }

    /// The route for `method` on `path` (raw, not percent-decoded); HEAD falls back to the GET route.
    func match(_ method: HTTPMethod, path: String) -> RouteMatch<Int> {
        ASCII.withBytes(path) { match(method, bytes: $0, path: path) }
    }

    private func match(_ method: HTTPMethod, bytes: UnsafeBufferPointer<UInt8>, path: String) -> RouteMatch<Int> {
        // "/a/b" is walked from "a"; "/" and "" are the root; a path without a leading slash from its start.
        let first: Int? =
            bytes.count <= 1 && (bytes.isEmpty || bytes[0] == Self.slash) ? nil : bytes[0] == Self.slash ? 1 : 0
        var parameterMask: UInt64 = 0
        guard let found = find(bytes, from: first, node: 0, depth: 0, parameterMask: &parameterMask) else {
            return .notFound
        }
        let endpoints = nodes[found].endpoints  // the node's fields one by one: copying a Node retains all
        let template = nodes[found].template ?? path
        let chosen =
            endpoints.first { $0.method == method }
            ?? (method == .HEAD ? endpoints.first { $0.method == .GET } : nil)
        guard let chosen else {
            var allowed = endpoints.map(\.method)
            if allowed.contains(.GET) && !allowed.contains(.HEAD) { allowed.append(.HEAD) }
            return .methodNotAllowed(allowed: allowed, template: template)
        }
        guard parameterMask != 0, let start = first else {
            return .found(chosen.route, parameters: RouteParameters(), template: template)
        }
        var parameters = RouteParameters()
        var names = nodes[found].parameterNames.makeIterator()
        var segmentStart = start
        var depth = 0
        while parameterMask >> depth != 0 {
            let end = Self.segmentEnd(bytes, from: segmentStart)
            if parameterMask & (1 << depth) != 0, let name = names.next() {
                let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<end])
                let value = String(decoding: segment, as: UTF8.self)
                parameters[name] =
                    segment.contains(UInt8(ascii: "%")) ? PercentDecoding.decode(value, plusAsSpace: false) : value
            }
            segmentStart = end + 1
            depth += 1
        }
        return .found(chosen.route, parameters: parameters, template: template)
    }

    /// Depth-first search preferring literals, with backtracking; marks in `parameterMask` the depths the
    /// successful branch took as parameters. `start` is where the rest of the path begins after a `/`, nil
    /// once every segment is consumed.
    private func find(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int?, node: Int, depth: Int, parameterMask: inout UInt64
    ) -> Int? {
        guard let start else { return nodes[node].endpoints.isEmpty ? nil : node }
        guard depth < Self.maxDepth else { return nil }
        let end = Self.segmentEnd(bytes, from: start)
        let rest = end < bytes.count ? end + 1 : nil
        let segment = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if let literal = nodes[node].literals.first(where: {
            $0.segment.withUnsafeBufferPointer { ASCII.equal($0, segment) }
        }),
            let found = find(bytes, from: rest, node: literal.node, depth: depth + 1, parameterMask: &parameterMask)
        {
            return found
        }
        guard let parameter = nodes[node].parameter, !segment.isEmpty,
            let found = find(bytes, from: rest, node: parameter.node, depth: depth + 1, parameterMask: &parameterMask)
        else { return nil }
        parameterMask |= 1 << depth
        return found
    }

    private static let slash = UInt8(ascii: "/")

    /// The index of the `/` ending the segment that begins at `start`, or the end of the path.
    private static func segmentEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < bytes.count && bytes[end] != slash { end += 1 }
        return end
    }

    /// "name" for a `{name}` segment, nil for a literal.
    private static func parameterName(_ segment: Substring) -> String? {
        guard segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2 else { return nil }
        return String(segment.dropFirst().dropLast())
    }

    /// "/a/b" → ["a", "b"]; "/" → []; a trailing slash yields an empty last segment (which never matches).
    private static func segments(of path: String) -> [Substring] {
        guard path != "/" && !path.isEmpty else { return [] }
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return trimmed.split(separator: "/", omittingEmptySubsequences: false)
    }
}
