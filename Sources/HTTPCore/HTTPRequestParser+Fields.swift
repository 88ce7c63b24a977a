extension HTTPRequestParser {
    /// The header fields that decide how a request is framed or whether it is ambiguous. The parser
    /// recognises them from the name's bytes as each field arrives and counts them, so the checks at the
    /// end of the head need no case-insensitive search through every field.
    enum FramingField: Sendable {
        case host, authorization, contentType, contentLength, transferEncoding, expect

        /// The field `name` (the raw bytes of a field name) is, if it is one of these.
        init?(_ name: ArraySlice<UInt8>) {
            let field: FramingField
            let lowered: StaticString
            switch name.count {
            case 4: (field, lowered) = (.host, "host")
            case 6: (field, lowered) = (.expect, "expect")
            case 12: (field, lowered) = (.contentType, "content-type")
            case 13: (field, lowered) = (.authorization, "authorization")
            case 14: (field, lowered) = (.contentLength, "content-length")
            case 17: (field, lowered) = (.transferEncoding, "transfer-encoding")
            default: return nil
            }
            guard ASCII.equalIgnoringCase(name, lowered: lowered) else { return nil }
            self = field
        }
    }

    /// How many fields of each framing kind the head being parsed has.
    struct FramingFieldCounts: Sendable {
        var host = 0
        var authorization = 0
        var contentType = 0
        var contentLength = 0
        var transferEncoding = 0
        var expect = 0

        mutating func add(_ field: FramingField) {
            switch field {
            case .host: host += 1
            case .authorization: authorization += 1
            case .contentType: contentType += 1
            case .contentLength: contentLength += 1
            case .transferEncoding: transferEncoding += 1
            case .expect: expect += 1
            }
        }
    }
}
