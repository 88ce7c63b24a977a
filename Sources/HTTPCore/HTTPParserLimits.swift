/// Bounds the parser enforces while bytes arrive, so no input can make a connection buffer without limit.
public struct HTTPParserLimits: Sendable {
    /// Longest request line; beyond it 414.
    public var maxRequestLineBytes: Int
    /// Total bytes of header (and trailer) field lines; beyond it 431.
    public var maxHeaderBytes: Int
    /// Number of header (and trailer) fields; beyond it 431.
    public var maxHeaderCount: Int
    /// Decoded body size; beyond it 413.
    public var maxBodyBytes: Int
    /// Longest chunk-size line including extensions; beyond it 400.
    public var maxChunkLineBytes: Int

    public init(
        maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20, maxChunkLineBytes: Int = 1024
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
