/// What the incremental parser has to report after new bytes arrived.
public enum HTTPParserEvent: Sendable {
    /// The head of a request with `Expect: 100-continue` is complete and its body has not arrived yet:
    /// the server should send `100 Continue` (or reject early with a final status).
    case continueExpected(HTTPRequest)
    /// A complete request, body included.
    case request(HTTPRequest)
}
