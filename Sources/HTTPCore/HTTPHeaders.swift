/// Header fields in arrival order with duplicates kept (RFC 9110 §5.3), looked up case-insensitively.
///
/// Kept as a flat array: requests carry a handful of fields, so a linear scan beats hashing.
public struct HTTPHeaders: Sendable, Sequence {
    public typealias Element = (name: String, value: String)
    private var fields: [Element]

    public init() {
        fields = []
    }

    public init(_ pairs: [(String, String)]) {
        fields = []
        // One spare place: the routing layer stamps Server-Timing on every response.
        fields.reserveCapacity(pairs.count + 1)
        for (name, value) in pairs { fields.append((name: name, value: value)) }
    }

    /// Makes room for `count` fields, so a parser adding them one by one does not regrow the storage.
    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every value of `name` with one value.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalNames($0.name, name) }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? {
        fields.first { Self.equalNames($0.name, name) }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    /// How many fields are named `name`, without collecting their values.
    public func count(of name: String) -> Int {
        var count = 0
        for field in fields where Self.equalNames(field.name, name) { count += 1 }
        return count
    }

    /// The lower-cased, OWS-trimmed elements of every `name` field read as a comma-separated list
    /// (RFC 9110 §5.6.1), empty elements kept; allocates nothing when the field is absent.
    public func listElements(of name: String) -> [String] {
        var elements: [String] = []
        for field in fields where Self.equalNames(field.name, name) {
            guard ASCII.firstOffset(of: UInt8(ascii: ","), in: field.value) != nil else {
                elements.append(ASCII.loweredTrimmingOWS(field.value))
                continue
            }
            let bytes = field.value.utf8
            var start = bytes.startIndex
            while true {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
                elements.append(ASCII.loweredTrimmingOWS(bytes[start..<end]))
                guard end != bytes.endIndex else { break }
                start = bytes.index(after: end)
            }
        }
        return elements
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.equalNames($0.name, name) }
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// ASCII case-insensitive comparison; field names are tokens, so no Unicode folding is needed.
    /// Compares the UTF-8 storage in place: no String or iterator is built per field.
    static func equalNames(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        if lhs == rhs { return true }  // the usual spelling on both sides: one comparison of the storage
        let compared = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { ASCII.equalIgnoringCase(leftBytes, $0) }
        }
        if let compared, let compared { return compared }
        return zip(left, right).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}
